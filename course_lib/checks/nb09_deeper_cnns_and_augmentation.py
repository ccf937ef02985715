"""Checks for the exercises of notebook 09, ``notebooks/09_deeper_cnns_and_augmentation.ipynb``."""

import numpy as np

from course_lib.checks._common import (
    CheckFailed, exercise_check, _call, _call_array, _delegates_to, _fail, _judge_cases, _passed, _read_shape,
    _same_array, _shape_problem,
)
from course_lib.session import import_keras


# (size, filters, blocks): the MNIST CNN of the source notes first, then stacks where a pooling
# meets an odd size (7 -> 3, 15 -> 7) and deeper ones.
_BLOCK_CASES = [(28, 64, 3), (32, 32, 3), (30, 8, 3), (32, 16, 4), (28, 64, 4), (64, 8, 5)]


def _doubling_stack_shapes(size, filters, blocks):
    """Return ``(height, width, channels)`` after each block of a doubling stack, from Keras.

    Block ``b`` (from 0) is ``Conv2D(filters * 2**b, 3, padding="same")`` then
    ``MaxPooling2D(2)``; the shapes come from the layers' ``compute_output_shape``.
    """
    from course_lib.session import import_tensorflow

    import_tensorflow()  # quietly, before Keras imports it
    import keras

    shape, shapes = (None, size, size, 1), []
    for b in range(blocks):
        shape = keras.layers.Conv2D(filters * 2**b, 3, padding="same").compute_output_shape(shape)
        shape = keras.layers.MaxPooling2D(2).compute_output_shape(shape)
        shapes.append(tuple(int(s) for s in shape[1:]))
    return shapes


@exercise_check
def check_block_output_shapes(block_output_shapes):
    """Notebook 09, exercise 1: check ``block_output_shapes(size, filters, blocks)`` for stacks that double the filters.

    The stack takes a ``size x size`` input; block ``b`` (from 0) has 'same' convolutions with
    ``filters * 2**b`` filters and ends in 2x2 max pooling. The answer is the list of
    ``(height, width, channels)`` after each block, compared with Keras on several stacks.
    """
    hint = (
        "follow the stack block by block: each block ends in a 2x2 pooling, which halves the "
        "height and width and drops an odd last row and column; the number of filters starts at "
        "filters and doubles from one block to the next."
    )
    answers, expected, calls = [], [], []
    pending = None
    try:
        for size, filters, blocks in _BLOCK_CASES:
            calls.append(f"block_output_shapes({size}, {filters}, {blocks})")
            expected.append(_doubling_stack_shapes(size, filters, blocks))
            answer = _call(block_output_shapes, (size, filters, blocks), "block_output_shapes", hint)
            try:
                shapes = list(answer)
            except TypeError:
                _fail(f"{calls[-1]} returned {answer!r}; expected a list of (height, width, channels).", hint)
            shapes = [_read_shape(shape, calls[-1], hint, "a list of (height, width, channels)") for shape in shapes]
            if len(shapes) != blocks:
                _fail(f"{calls[-1]} returned {len(shapes)} shapes; expected one per block, {blocks}.", hint)
            answers.append(shapes)
    except CheckFailed as failure:  # judged after the cases before it
        pending = failure
    cases = list(zip(_BLOCK_CASES, expected))
    mistakes = [
        ([[(-(-size // 2 ** (b + 1)),) * 2 + (c,) for b, (_, _, c) in enumerate(e)] for (size, _, _), e in cases],
         "rounds the sizes up", "MaxPooling2D(2) drops a last odd row and column."),
        ([[(h, w, filters) for h, w, _ in e] for (_, filters, _), e in cases],
         "never changes the number of channels", "the number of filters doubles after each pooling."),
        ([[(h, w, 2 * c) for h, w, c in e] for _, e in cases],
         "doubles the channels one block too early", "the first block keeps `filters`; the doubling comes after each pooling."),
        ([[(size // 2**b,) * 2 + (c,) for b, (_, _, c) in enumerate(e)] for (size, _, _), e in cases],
         "gives the shapes before each block's pooling",
         "give the shape after the 2x2 pooling that ends the block."),
        ([[(c, h, w) for h, w, c in e] for _, e in cases],
         "puts the channels first", "Keras uses NHWC: (height, width, channels), channels last."),
    ]
    _judge_cases(answers, expected, calls.__getitem__, mistakes, hint, same=list.__eq__,
                 direction=lambda a, b: "not what Keras's layers give", pending=pending)
    _passed(
        f"block_output_shapes agrees with Keras on all {len(_BLOCK_CASES)} stacks, e.g. 28 x 28 "
        f"with 64 filters: {_doubling_stack_shapes(28, 64, 3)}."
    )


@exercise_check
def check_inverted_dropout(inverted_dropout):
    """Notebook 09, exercise 2: check ``inverted_dropout(x, rate, rng)``, dropout as Keras does it in training.

    Each value of ``x`` must become 0 with probability ``rate`` (drawn with the NumPy generator
    ``rng``) and be divided by ``1 - rate`` otherwise, so the mean is kept. Checked on 100,000
    values for several rates: the survivors, the share of zeros (within 0.01), that ``x`` is left
    unchanged, and that the same ``rng`` seed gives the same result.
    """
    hint = (
        "draw one uniform random number per value from rng; drop a value (make it 0) with "
        "probability rate, and scale the survivors up so that the mean stays the same."
    )
    x = np.random.default_rng(3).uniform(0.5, 1.5, (400, 250))
    rates = (0.0, 0.25, 0.5, 0.8)
    shares = []
    for rate in rates:
        where = f"for rate={rate}"
        original = x.copy()
        answer = _call(
            inverted_dropout, (x, rate, np.random.default_rng(9)), "inverted_dropout", hint
        )
        if not np.array_equal(x, original):
            _fail(
                f"inverted_dropout changed its input x {where}.",
                "return a new array and leave x as it was.",
            )
        try:
            answer = np.asarray(answer, dtype=np.float64)
        except (TypeError, ValueError):
            _fail(f"inverted_dropout returned a {type(answer).__name__}, not an array.", hint)
        if answer.shape != x.shape:
            _fail(
                f"the result has shape {answer.shape} {where}, not x's shape {x.shape}.", hint
            )
        again = _call_array(
            inverted_dropout, (x, rate, np.random.default_rng(9)), "inverted_dropout", hint,
            not_numbers="inverted_dropout returned a {type}, not an array.",
        )
        if not np.array_equal(again, answer):
            _fail(
                f"two calls with generators of the same seed gave different results {where}.",
                "draw the random numbers from the rng argument (rng.random), not np.random.",
            )
        dropped = float(np.mean(answer == 0))
        kept = answer != 0
        if kept.any():
            scale = answer[kept] / x[kept]
            if rate > 0 and np.allclose(scale, 1):
                _fail(
                    f"the values that survive are unchanged {where}.",
                    "scale the survivors up: with half of the values gone, the other half must "
                    "count double for the mean to stay the same.",
                )
            if rate > 0 and np.allclose(scale, 1 - rate):
                _fail(
                    f"the survivors are multiplied by 1 - rate = {1 - rate:g} {where}.",
                    "the survivors must grow to make up for the zeros, not shrink.",
                )
            if not np.allclose(scale, 1 / (1 - rate)):
                _fail(f"the survivors are not x scaled so that the mean stays the same {where}.", hint)
        shares.append(dropped)
    for rate, dropped in zip(rates, shares):
        if abs(dropped - rate) <= 0.01:
            continue
        where = f"for rate={rate}"
        if all(abs(d - (1 - r)) < 0.01 for r, d in zip(rates, shares) if r != 0.5):
            _fail(
                f"{dropped:.3f} of the values are 0 {where}: it drops a share 1 - rate at every "
                "rate, not rate.",
                "drop a value with probability rate, i.e. when its random number is below rate.",
            )
        if all(abs(d - shares[0]) < 0.01 for d in shares):
            _fail(
                f"{dropped:.3f} of the values are 0 {where}, and about the same share at every rate "
                "tried: the share of zeros ignores rate.",
                hint,
            )
        _fail(f"{dropped:.3f} of the values are 0 {where}; the share of zeros should be about rate.", hint)
    _passed(
        "inverted_dropout zeroes a share `rate` of the values and divides the rest by 1 - rate, "
        "so the mean stays the same."
    )


# (batch shape, dy, dx): down and right, up and left, one axis only, and no move at all.
_TRANSLATE_CASES = [
    ((2, 8, 8, 3), 2, 1),
    ((2, 8, 8, 3), -3, 0),
    ((1, 16, 8, 1), 0, -2),
    ((3, 8, 16, 2), -1, 4),
    ((1, 8, 8, 3), 0, 0),
]


def _keras_translation(x, dy, dx):
    """Return ``x`` moved ``dy`` rows down and ``dx`` columns right by Keras's RandomTranslation."""
    from course_lib.session import import_tensorflow

    import_tensorflow()
    import keras

    h, w = x.shape[1:3]
    layer = keras.layers.RandomTranslation(
        height_factor=(dy / h, dy / h),  # lower = upper: no randomness left
        width_factor=(dx / w, dx / w),
        fill_mode="constant",
        interpolation="nearest",
    )
    return np.asarray(layer(x.astype(np.float32), training=True), dtype=np.float64)


@exercise_check
def check_translate(translate):
    """Notebook 09, exercise 4: check ``translate(x, dy, dx)``: a batch ``(N, H, W, C)`` moved ``dy`` rows down and ``dx``
    columns right (negative: up, left), zeros where nothing moved in.

    The expected batch comes from ``keras.layers.RandomTranslation`` with fixed factors
    ``dy / H`` and ``dx / W``, ``fill_mode="constant"`` and ``interpolation="nearest"``.
    """
    hint = (
        "start from a batch of zeros and copy into it the part of x that stays inside the image, "
        "moved dy rows down and dx columns right (a negative shift moves up or left). Beware a "
        "slice that ends at -0: it is empty."
    )
    rng = np.random.default_rng(5)
    for shape, dy, dx in _TRANSLATE_CASES:
        x = rng.random(shape)
        where = f"for x of shape {shape}, dy={dy}, dx={dx}"
        expected = _keras_translation(x, dy, dx)
        answer = _call_array(
            translate, (x.copy(), dy, dx), "translate", hint,
            not_numbers="translate returned a {type}, not an array.",
        )
        if answer.shape == expected.shape and not np.allclose(answer, expected, atol=1e-6):
            if np.allclose(answer, np.roll(x, (dy, dx), axis=(1, 2))):
                _fail(
                    f"the pixels that leave one side come back on the other {where} (np.roll).",
                    "fill the uncovered rows and columns with 0, as fill_mode='constant' does.",
                )
            if (dy, dx) != (0, 0) and np.allclose(answer, _keras_translation(x, -dy, -dx)):
                _fail(
                    f"the batch moved the wrong way {where}.",
                    "positive dy moves the content down (to larger row indices), dx to the right.",
                )
            if dy != dx and np.allclose(answer, _keras_translation(x, dx, dy), atol=1e-6):
                _fail(
                    f"dy and dx are swapped {where}.",
                    "in NHWC, axis 1 holds the rows (dy) and axis 2 the columns (dx).",
                )
        _same_array(answer, expected, f"translate(x, {dy}, {dx}) {where}", hint, atol=1e-6)
    _passed("translate matches keras.layers.RandomTranslation with fixed factors on every case.")


def _batch_norm_cases():
    """``(x, gamma, beta, epsilon)`` per case: batches of maps whose channels have other means
    and spreads, one map of 1x1 positions (a dense layer's output), and one whose spread is
    small beside epsilon, where leaving epsilon out shows."""
    rng = np.random.default_rng(11)

    def case(shape, epsilon, spread=2.0):
        channels = shape[-1]
        x = rng.normal(rng.uniform(-3, 3, channels), spread * rng.uniform(0.5, 1.5, channels), shape)
        return x, rng.uniform(0.5, 2.0, channels), rng.normal(0.0, 1.0, channels), epsilon

    return [case((4, 3, 3, 2), 1e-3), case((2, 5, 4, 3), 1e-3), case((8, 1, 1, 4), 1e-3), case((3, 2, 2, 2), 0.1, spread=0.1)]


def _keras_batch_norm(x, gamma, beta, epsilon):
    """What ``keras.layers.BatchNormalization(epsilon=epsilon)`` gives in training mode."""
    keras = import_keras()
    layer = keras.layers.BatchNormalization(epsilon=epsilon)
    layer.build(x.shape)
    layer.set_weights([gamma, beta, np.zeros_like(gamma), np.ones_like(gamma)])
    return np.asarray(layer(x.astype("float32"), training=True), dtype=np.float64)


@exercise_check
def check_batch_norm(batch_norm):
    """Notebook 09, exercise 3: check ``batch_norm(x, gamma, beta, epsilon)``, batch
    normalization in training mode on an NHWC batch.

    Each channel's values are normalised with the mean and the (biased) variance of that channel
    over the batch, the rows and the columns, then scaled by ``gamma`` and shifted by ``beta``:
    ``gamma * (x - mean) / sqrt(var + epsilon) + beta``. The expected output is Keras's
    ``BatchNormalization`` in training mode, given the same ``gamma``, ``beta`` and ``epsilon``.
    """
    hint = (
        "compute one mean and one variance for each channel, over the batch, the rows and the "
        "columns (every axis but the last); normalise with them and epsilon as the formula "
        "above says, then scale by gamma and shift by beta."
    )
    cases = _batch_norm_cases()
    if _delegates_to(batch_norm, {"BatchNormalization", "batch_normalization"}):
        _fail("batch_norm calls a library's batch normalization; the exercise is to write its arithmetic "
              "with NumPy.", hint)
    answers, expected = [], []
    pending = None
    try:
        for x, gamma, beta, epsilon in cases:
            expected.append(_keras_batch_norm(x, gamma, beta, epsilon))
            given = x.copy()
            answer = _call_array(batch_norm, (given, gamma, beta, epsilon), "batch_norm", hint,
                                 not_numbers="batch_norm returned a {type}, not an array.")
            if not np.array_equal(given, x):
                _fail("batch_norm changed its input x.", "return a new array and leave x as it was.")
            if answer.shape != x.shape:
                _fail(f"batch_norm on x of shape {x.shape} returned shape {answer.shape}: "
                      f"{_shape_problem(answer.shape, x.shape)}.", hint)
            answers.append(answer)
    except CheckFailed as failure:  # judged after the cases before it
        pending = failure

    def normalised(x, gamma, beta, epsilon, axes=(0, 1, 2), ddof=0, outside=False, root=False, swap=False,
                   scale=True, keep_epsilon=True):
        epsilon = epsilon if keep_epsilon else 0.0
        mean = x.mean(axis=axes, keepdims=True)
        var = x.var(axis=axes, keepdims=True, ddof=ddof)
        if root:
            var = np.sqrt(var)
        x_hat = (x - mean) / (np.sqrt(var) + epsilon if outside else np.sqrt(var + epsilon))
        if not scale:
            return x_hat
        return beta * x_hat + gamma if swap else gamma * x_hat + beta

    mistakes = [
        (dict(axes=None), "uses one mean and one variance for the whole batch; batch normalization keeps one "
                          "per channel"),
        (dict(axes=0), "takes the statistics over the batch axis only, one per position and channel; a "
                       "convolution's channel shares them over the rows and columns too"),
        (dict(axes=(1, 2)), "takes the statistics of each image on its own; batch normalization pools the "
                            "whole batch"),
        (dict(ddof=1), "divides the variance by n - 1; Keras normalises with the variance of the batch, "
                       "divided by n"),
        (dict(outside=True), "adds epsilon to the standard deviation; it goes under the square root, "
                             "added to the variance"),
        (dict(keep_epsilon=False), "leaves out epsilon, the small number added to the variance so that a "
                                   "channel that hardly varies is not divided by almost zero"),
        (dict(root=True), "takes the square root twice: divide by the square root of the variance"),
        (dict(swap=True), "swaps gamma and beta: gamma scales, beta shifts"),
        (dict(scale=False), "leaves out gamma and beta: the normalised values are scaled by gamma and "
                            "shifted by beta"),
    ]
    same = lambda a, b: a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-4, atol=1e-4))  # noqa: E731
    for index, (answer, right) in enumerate(zip(answers, expected)):
        if same(answer, right):
            continue
        shape = cases[index][0].shape
        for change, text in mistakes:
            if all(same(a, normalised(*case, **change)) for a, case in zip(answers, cases)):
                _fail(f"batch_norm on x of shape {shape}: it {text}.", hint)
        _same_array(answer, right, f"batch_norm on x of shape {shape}", hint, atol=1e-4)
    if pending is not None:
        raise pending
    _passed(f"batch_norm agrees with Keras's BatchNormalization in training mode on all {len(cases)} batches.")
