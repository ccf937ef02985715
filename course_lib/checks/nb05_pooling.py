"""Checks for the exercises of notebook 05, ``notebooks/05_pooling.ipynb``."""

import numpy as np

from course_lib.checks._common import (
    CheckFailed, exercise_check, _call, _call_array, _fail, _judge_cases, _passed, _read_shape, _same_array,
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


@exercise_check
def check_global_average_pool(global_average_pool):
    """Notebook 05, exercise 3: check ``global_average_pool(x)``: ``(N, H, W, C)`` to ``(N, C)``, the mean of every map."""
    from course_lib.pooling import global_pool

    hint = (
        "average each feature map over its rows and columns only: one number per image and "
        "channel, so the result has one row per image."
    )
    rng = np.random.default_rng(55)
    for shape in [(2, 5, 7, 3), (3, 4, 4, 1), (1, 1, 1, 4), (4, 3, 2, 5)]:
        x = rng.normal(size=shape).astype(np.float32)
        expected = global_pool(x)
        answer = _call_array(
            global_average_pool, (x.copy(),), "global_average_pool", hint,
            not_numbers="global_average_pool returned {type}, not an array.",
        )
        name = f"global_average_pool on a batch of shape {shape}"
        maximum = global_pool(x, mode="max")
        if (
            answer.shape == expected.shape
            and np.allclose(answer, maximum)
            and not np.allclose(answer, expected, atol=1e-5)
        ):
            _fail(f"{name} takes the maximum of each map: that is global max pooling.", hint)
        if answer.size == expected.size and answer.shape != expected.shape:
            _fail(
                f"{name} has shape {answer.shape}, but the result should be (N, C): one row per "
                "image, one column per channel.",
                hint,
            )
        _same_array(answer, expected, name, hint)
    _passed("global_average_pool gives one mean per channel and image, (N, H, W, C) -> (N, C).")
