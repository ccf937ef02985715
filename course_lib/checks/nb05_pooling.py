"""Checks for the exercises of notebook 05, ``notebooks/05_pooling.ipynb``."""

import numpy as np

from course_lib.checks._common import (
    CheckFailed, exercise_check, _call, _call_array, _delegates_to, _fail, _judge_cases, _passed, _read_shape,
    _same_array,
)


def _pool_cases():
    """2-D arrays with even sides, some not square, with negative values (so a zero start is wrong)."""
    rng = np.random.default_rng(5)
    shapes = [(2, 2), (4, 4), (4, 6), (6, 2), (8, 10)]
    return [rng.integers(-9, 10, shape).astype(float) for shape in shapes]


@exercise_check
def check_max_pool_2x2(max_pool_2x2):
    """Notebook 05, exercise 1: check a learner's ``max_pool_2x2(x)``: 2x2 max pooling, stride 2, of a 2-D array with even sides."""
    from course_lib.pooling import pool2d

    hint = (
        "cut x into non-overlapping 2x2 blocks (a block starts every second row and every second "
        "column) and keep the largest value of each block, in the blocks' own layout."
    )
    for x in _pool_cases():
        expected = pool2d(x, 2)
        answer = _call_array(
            max_pool_2x2, (x.copy(),), "max_pool_2x2", hint,
            not_numbers="max_pool_2x2 returned {type}, not an array of numbers.",
        )
        name = f"max_pool_2x2 on a {x.shape[0]}x{x.shape[1]} array"
        if answer.shape == pool2d(x, 2, strides=1).shape and answer.shape != expected.shape:
            _fail(
                f"{name} has shape {answer.shape}: the windows overlap (stride 1).",
                "Pooling moves by its own size: stride 2, so each value belongs to one window. "
                + hint,
            )
        right = answer.shape == expected.shape and np.allclose(answer, expected)
        if not right and answer.shape == expected.T.shape and np.allclose(answer, expected.T):
            _fail(f"{name} is the transpose of the right answer: rows and columns swapped.", hint)
        average = pool2d(x, 2, mode="average")
        if not right and answer.shape == average.shape and np.allclose(answer, average):
            _fail(f"{name} takes the mean of each window: that is average pooling.", hint)
        _same_array(answer, expected, name, hint)
    _passed("max_pool_2x2 equals pool2d(x, 2) on every shape tried, square or not.")


def _pooled_shape_cases():
    """``(input_shape, pool_size, strides, padding)`` cases: defaults, overlap, odd sides, 'same'."""
    return [
        ((28, 28, 32), 2, None, "valid"),
        ((7, 7, 3), 2, None, "valid"),
        ((55, 55, 96), 3, 2, "valid"),
        ((13, 13, 256), 3, 2, "valid"),
        ((9, 6, 2), 3, 1, "valid"),
        ((7, 7, 3), 2, None, "same"),
        ((13, 13, 1), 3, 5, "same"),
        ((5, 8, 4), 2, 3, "same"),
    ]


@exercise_check
def check_pooled_shape(pooled_shape):
    """Notebook 05, exercise 2: check ``pooled_shape(input_shape, pool_size, strides=None, padding="valid")`` against Keras."""
    import math

    import keras

    hint = (
        "strides=None means the window moves by its own size. 'valid' counts the positions where "
        "the whole window fits; 'same' pads so that there is one position per stride step over the "
        "input, rounded up, whatever the pool size. The channels pass through unchanged."
    )
    cases = _pooled_shape_cases()
    answers, expected, calls = [], [], []
    pending = None
    try:
        for shape, pool_size, strides, padding in cases:
            layer = keras.layers.MaxPooling2D(pool_size, strides=strides, padding=padding)
            expected.append(tuple(int(v) for v in layer.compute_output_shape((None, *shape))[1:]))
            calls.append(f"pooled_shape({shape}, {pool_size}, strides={strides}, padding={padding!r})")
            answer = _call(pooled_shape, (shape, pool_size, strides, padding), "pooled_shape", hint)
            answers.append(_read_shape(answer, calls[-1], hint, "a tuple of three ints (height, width, channels)"))
    except CheckFailed as failure:  # judged after the cases before it
        pending = failure

    def size(shape, pool_size, strides, padding, rule=None):
        steps = pool_size if strides is None else strides
        sides = [
            -(-n // steps) if padding == "same" else (rule or (lambda n, k, s: (n - k) // s + 1))(n, pool_size, steps)
            for n in shape[:2]
        ]
        return tuple(sides) + tuple(shape[2:])

    mistakes = [
        ([e[:2] for e in expected], "leaves out the channels", "pooling keeps every channel. " + hint),
        ([size(sh, p, st, "valid") for sh, p, st, _ in cases],
         "gives the 'valid' size for padding='same'",
         "with padding='same' the output has one position per stride step, rounded up, whatever the "
         "pool size. " + hint),
        ([size(sh, p, st or 1, pad) for sh, p, st, pad in cases],
         "reads strides=None as stride 1",
         "with strides=None the window moves by its own size, as Keras's MaxPooling2D does."),
        ([size(sh, p, st, pad, lambda n, k, s: math.ceil((n - k) / s) + 1) for sh, p, st, pad in cases],
         "rounds the 'valid' size up",
         "a window that would hang over the end is not counted: round down."),
    ]
    _judge_cases(answers, expected, calls.__getitem__, mistakes, hint, pending=pending)
    _passed(
        "pooled_shape agrees with Keras on every case: default strides, overlap, odd sizes and 'same'."
    )


def _backward_cases():
    """``[(x, grad_out)]`` for 2x2 max pooling's backward pass: x of even sides, some not square,
    with negative values; every window of the first cases has one largest value, and the last
    case has windows whose largest value appears two, three and four times."""
    rng = np.random.default_rng(505)
    cases = []
    for shape in [(4, 4), (2, 6), (6, 4)]:
        # Distinct values: a permutation, centred so that some windows hold only negatives.
        x = rng.permutation(shape[0] * shape[1]).reshape(shape) - shape[0] * shape[1] * 0.75
        cases.append((x, rng.integers(-9, 10, (shape[0] // 2, shape[1] // 2)) + 0.5))
    ties = np.array([[3, 3, -2, -2], [1, 0, -2, -5], [7, 1, 4, 4], [7, 7, 4, 4]], dtype=float)
    cases.append((ties, np.array([[2.5, -1.5], [1.5, 3.5]])))
    return cases


def _route(x, grad_out, pick):
    """Each 2x2 window's output gradient put at the position ``pick`` (``np.argmax`` or
    ``np.argmin``) chooses in it, 0 elsewhere."""
    h, w = x.shape
    blocks = x.reshape(h // 2, 2, w // 2, 2).transpose(0, 2, 1, 3).reshape(h // 2, w // 2, 4)
    chosen = np.eye(4)[pick(blocks, axis=-1)] * grad_out[..., None]
    return chosen.reshape(h // 2, w // 2, 2, 2).transpose(0, 2, 1, 3).reshape(h, w)


def _tf_max_pool_gradient(x, grad_out):
    """dLoss/dx through ``tf.nn.max_pool2d(x, 2, 2, "VALID")`` for dLoss/dy = ``grad_out``."""
    from course_lib.session import import_tensorflow

    tf = import_tensorflow()
    inputs = tf.constant(x[None, :, :, None])
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        pooled = tf.nn.max_pool2d(inputs, ksize=2, strides=2, padding="VALID")
    grad_pooled = tf.constant(grad_out[None, :, :, None])
    return tape.gradient(pooled, inputs, output_gradients=grad_pooled).numpy()[0, :, :, 0]


@exercise_check
def check_max_pool_backward(max_pool_backward):
    """Notebook 05, exercise 3: check ``max_pool_backward(x, grad_out)``: 2x2 max pooling's gradient, routed to each window's arg-max.

    Where every window has one largest value, the answer must equal TensorFlow's gradient
    through ``tf.nn.max_pool2d`` (``tf.GradientTape``). In a window whose largest value appears
    more than once the max has no derivative: one of those positions may take the window's
    gradient (TensorFlow picks one), or they may share it, but the window's gradients must still
    add up to it.
    """
    hint = (
        "In each 2x2 window only the largest value decides the output: the window's output "
        "gradient goes to that one position, and the three others get 0. The result is shaped "
        "like x, (H, W)."
    )
    for number, (x, grad_out) in enumerate(_backward_cases()):
        h, w = x.shape
        case = f"max_pool_backward on a {h}x{w} x"
        answer = _call_array(
            max_pool_backward, (x.copy(), grad_out.copy()), "max_pool_backward", hint,
            not_numbers="max_pool_backward returned {type}, not an array of numbers.",
        )
        if number == 0 and _delegates_to(max_pool_backward, {"GradientTape"}):
            _fail(
                "max_pool_backward asks TensorFlow for the gradient (tf.GradientTape): the exercise "
                "is to route it yourself.",
                "Use loops or NumPy: find each window's largest value. " + hint,
            )
        if answer.shape == grad_out.shape:
            _fail(
                f"{case} returned shape {answer.shape}, the shape of grad_out; the gradient with "
                f"respect to x is shaped like x, {x.shape}.",
                "Each input value gets its own gradient, 0 for most of them. " + hint,
            )
        if answer.shape != x.shape:
            _fail(f"{case} returned shape {answer.shape}; it must be shaped like x, {x.shape}.", hint)
        spread = np.repeat(np.repeat(grad_out, 2, axis=0), 2, axis=1)
        known = [
            (
                spread / 4,
                f"{case} spreads each window's gradient evenly over its 4 positions: that is the "
                "backward pass of average pooling.",
                "Average pooling's output depends on all four values; max pooling's only on the "
                "largest.",
            ),
            (
                spread,
                f"{case} copies each window's gradient to all 4 of its positions.",
                "Nudging a value that is not the window's maximum does not change the output: its "
                "gradient is 0.",
            ),
            (
                _route(x, grad_out, np.argmin),
                f"{case} puts each window's gradient at the window's smallest value.",
                "Max pooling's output is the largest value of the window.",
            ),
            (
                _route(x, np.ones_like(grad_out), np.argmax),
                f"{case} puts 1 at each window's maximum instead of the window's output gradient.",
                "By the chain rule, dLoss/dx = dLoss/dy times dy/dx, and dy/dx is 1 at the maximum: "
                "multiply by grad_out.",
            ),
            (
                spread * (x == np.repeat(np.repeat(_block_max(x), 2, axis=0), 2, axis=1)),
                f"{case}, where a window's largest value appears more than once, gives the "
                "window's gradient to every one of those positions.",
                "The window's gradients must add up to its output gradient: give it to one of the "
                "tied positions (TensorFlow picks one) and 0 to the others.",
            ),
        ]
        if _is_max_pool_gradient(x, grad_out, answer):
            continue
        for mistake, problem, mistake_hint in known:
            if np.allclose(answer, mistake, atol=1e-5, rtol=0):
                _fail(problem, mistake_hint)
        wrong = ~np.isclose(answer, _tf_max_pool_gradient(x, grad_out), atol=1e-5, rtol=0)
        i, j = np.argwhere(wrong)[0]
        _fail(
            f"{case} differs from TensorFlow's gradient; the first wrong value is at row {i}, "
            f"column {j}.",
            hint,
        )
    _passed(
        "max_pool_backward equals TensorFlow's gradient through max pooling on every array without "
        "ties, and where a window's maximum is tied it passes exactly the window's gradient to the tied positions."
    )


def _block_max(x):
    """The maximum of every 2x2 window of ``x``, ``(H // 2, W // 2)``."""
    h, w = x.shape
    return x.reshape(h // 2, 2, w // 2, 2).max(axis=(1, 3))


def _is_max_pool_gradient(x, grad_out, answer):
    """Whether ``answer`` is a right gradient: TensorFlow's, or, where a window's maximum appears
    more than once, any share of the window's gradient among those positions (a subgradient:
    shares of the same sign that add up to it) and 0 for the others."""
    h, w = x.shape
    expected = _tf_max_pool_gradient(x, grad_out)
    if np.allclose(answer, expected, atol=1e-5, rtol=0):
        return True
    maxima = x == np.repeat(np.repeat(_block_max(x), 2, axis=0), 2, axis=1)
    if np.any(np.abs(answer[~maxima]) > 1e-5):
        return False
    blocks = answer.reshape(h // 2, 2, w // 2, 2).transpose(0, 2, 1, 3).reshape(h // 2, w // 2, 4)
    same_sign = np.all(blocks * grad_out[..., None] >= 0)
    return bool(same_sign and np.allclose(blocks.sum(axis=-1), grad_out, atol=1e-5, rtol=0))
