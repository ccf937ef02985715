"""Checks for the exercises of notebook 09, ``notebooks/09_deeper_cnns_and_augmentation.ipynb``."""

import numpy as np

from course_lib.checks._common import exercise_check, _call, _call_array, _fail, _passed, _same_array


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
        "Loop over the blocks: each 2x2 pooling halves the size, rounding down (size // 2), and "
        "block b has filters * 2**b channels. Append (size, size, channels) after each block."
    )
    for size, filters, blocks in _BLOCK_CASES:
        case = f"block_output_shapes({size}, {filters}, {blocks})"
        expected = _doubling_stack_shapes(size, filters, blocks)
        answer = _call(block_output_shapes, (size, filters, blocks), "block_output_shapes", hint)
        try:
            answer = [tuple(int(v) for v in shape) for shape in answer]
        except (TypeError, ValueError):
            _fail(
                f"{case} returned {answer!r}; expected a list of (height, width, channels).", hint
            )
        if answer == expected:
            continue
        if len(answer) != blocks:
            _fail(f"{case} returned {len(answer)} shapes; expected one per block, {blocks}.", hint)
        slips = [
            ([(-(-size // 2 ** (b + 1)),) * 2 + (c,) for b, (_, _, c) in enumerate(expected)],
             "the sizes are rounded up.",
             "MaxPooling2D(2) drops a last odd row and column: 7 // 2 = 3, not 4."),
            ([(h, w, filters) for h, w, _ in expected],
             "the number of channels never changes.",
             "the filters double after each pooling: block b has filters * 2**b."),
            ([(h, w, 2 * c) for h, w, c in expected],
             "the channels are doubled one block too early.",
             "the first block keeps `filters`; the doubling comes after each pooling."),
            ([(size // 2**b,) * 2 + (c,) for b, (_, _, c) in enumerate(expected)],
             "these are the shapes before each block's pooling.",
             "give the shape after the 2x2 pooling that ends the block: the size is halved."),
            ([(c, h, w) for h, w, c in expected],
             "the channels come first.",
             "Keras uses NHWC: (height, width, channels), channels last."),
        ]
        for wrong, problem, slip_hint in slips:
            if answer == wrong:
                _fail(f"{case} returned {answer}; expected {expected}: {problem}", slip_hint)
        _fail(f"{case} returned {answer}; Keras gives {expected}.", hint)
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
        "draw u = rng.random(x.shape); keep the values where u >= rate, divided by (1 - rate), "
        "and put 0 everywhere else (np.where does both)."
    )
    x = np.random.default_rng(3).uniform(0.5, 1.5, (400, 250))
    for rate in (0.0, 0.25, 0.5, 0.8):
        where = f"for rate={rate}"
        original = x.copy()
        answer = _call(
            inverted_dropout, (x, rate, np.random.default_rng(9)), "inverted_dropout", hint
        )
        if not np.array_equal(x, original):
            _fail(
                f"inverted_dropout changed its input x {where}.",
                "return a new array (x / (1 - rate) makes one) and leave x as it was.",
            )
        try:
            answer = np.asarray(answer, dtype=np.float64)
        except (TypeError, ValueError):
            _fail(f"inverted_dropout returned a {type(answer).__name__}, not an array.", hint)
        if answer.shape != x.shape:
            _fail(
                f"the result has shape {answer.shape} {where}; expected x's shape {x.shape}.", hint
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
                    "divide the survivors by (1 - rate): with half of the values gone, the other "
                    "half count double, so the mean stays the same.",
                )
            if rate > 0 and np.allclose(scale, 1 - rate):
                _fail(
                    f"the survivors are multiplied by 1 - rate = {1 - rate:g} {where}.",
                    "divide by (1 - rate) instead: the survivors grow to make up for the zeros.",
                )
            if not np.allclose(scale, 1 / (1 - rate)):
                _fail(f"the survivors are not x / (1 - rate) {where}.", hint)
        if rate != 0.5 and abs(dropped - (1 - rate)) < 0.01:
            _fail(
                f"{dropped:.3f} of the values are 0 {where}: that drops 1 - rate, not rate.",
                "drop a value when u < rate (probability rate); keep it when u >= rate.",
            )
        if abs(dropped - rate) > 0.01:
            _fail(f"{dropped:.3f} of the values are 0 {where}; expected about {rate:g}.", hint)
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
    """Notebook 09, exercise 3: check ``translate(x, dy, dx)``: a batch ``(N, H, W, C)`` moved ``dy`` rows down and ``dx``
    columns right (negative: up, left), zeros where nothing moved in.

    The expected batch comes from ``keras.layers.RandomTranslation`` with fixed factors
    ``dy / H`` and ``dx / W``, ``fill_mode="constant"`` and ``interpolation="nearest"``.
    """
    hint = (
        "start from np.zeros_like(x) and copy one block: for dy >= 0, out[:, dy:] = x[:, :H - dy]; "
        "for dy < 0, out[:, :H + dy] = x[:, -dy:]; the same on axis 2 for dx. Beware x[:, :-0], "
        "which is empty."
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
