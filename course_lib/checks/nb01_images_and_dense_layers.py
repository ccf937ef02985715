"""Checks for the exercises of notebook 01, ``notebooks/01_images_and_dense_layers.ipynb``."""

import numpy as np

from course_lib.checks._common import (
    CheckFailed, exercise_check, _call, _fail, _judge_cases, _passed, _read_answer, _same_array,
)


def _unit_range_cases():
    """Two uint8 test images: every value 0-255 once (grey), and a small colour patch."""
    grey = np.arange(256, dtype=np.uint8).reshape(16, 16)
    colour = np.random.default_rng(1).integers(0, 256, size=(5, 7, 3), dtype=np.uint8)
    colour[0, 0] = (0, 128, 255)
    return [grey, colour]


@exercise_check
def check_unit_range(to_unit):
    """Notebook 01, exercise 1: check ``to_unit(image)``: a uint8 image scaled to float32 in [0, 1] (divided by 255).

    The expected values come from :func:`course_lib.images.to_unit_range`. The usual slips get
    their own hint: integer division, dividing by 256, and a result that is not float32.
    """
    from course_lib.images import to_unit_range

    hint = (
        "scale the values so that the darkest a uint8 can hold becomes 0.0 and the brightest "
        "becomes exactly 1.0, in float32."
    )
    for image in _unit_range_cases():
        original = image.copy()
        answer = _call(to_unit, (image,), "to_unit", hint)
        if not np.array_equal(image, original):
            _fail(
                "to_unit changed the image it was given.",
                "return a new array; do not divide in place.",
            )
        if not isinstance(answer, np.ndarray):
            _fail(f"to_unit should return a NumPy array; received {type(answer).__name__}.", hint)
        if answer.shape != image.shape:
            _fail(f"to_unit returned shape {answer.shape} for an image of {image.shape}.", hint)
        values = answer.astype(np.float64)
        if np.array_equal(values, image // 255):
            _fail(
                "to_unit returned only 0s and 1s: every value below 255 became 0.",
                "// is integer division, which drops the fraction. Convert to float32 first, then "
                "divide with /.",
            )
        if np.allclose(values, image / 256.0, atol=1e-6, rtol=0):
            _fail(
                f"the brightest pixel (255) became {255 / 256:.4f}, not 1.0: that is dividing by 256.",
                "uint8 values run from 0 to 255, so the brightest one must become exactly 1.0.",
            )
        if np.allclose(values, image, atol=1e-6, rtol=0):
            _fail("to_unit returned the values 0-255 unchanged.", hint)
        expected = to_unit_range(image).astype(np.float64)
        _same_array(values, expected, "to_unit(image)", hint, atol=1e-6)
        if answer.dtype != np.float32:
            _fail(
                f"the values are right but the dtype is {answer.dtype}; expected float32.",
                "dividing a uint8 array gives float64 in NumPy; convert the image to float32 "
                "before dividing and the result stays float32 (what Keras layers use).",
            )
    _passed("uint8 0-255 becomes float32 0.0-1.0, as course_lib.images.to_unit_range does.")


@exercise_check
def check_dense_params(dense_params):
    """Notebook 01, exercise 3: check ``dense_params(inputs, units, use_bias=True)``: the parameter count of a Dense layer.

    Expected: ``inputs * units`` weights, plus ``units`` biases when ``use_bias`` (the count
    Keras' ``Dense(units, use_bias=...)`` reports on ``inputs`` values; notebook 01 asserts that
    the formula and ``count_params()`` agree).
    """
    bias_hint = (
        "a Dense layer connects every input to every unit, each connection with its own weight; "
        "with use_bias=True each unit (not each input) also has one bias."
    )
    cases = [(3072, 10, True), (3072, 10, False), (10_000, 1000, True)]
    cases += [(64, 32, False), (1, 1, True)]
    answers, calls, pending = [], [], None
    try:
        for inputs, units, use_bias in cases:
            if use_bias and (inputs, units) == (3072, 10):
                calls.append(f"dense_params({inputs}, {units})")
                answer = _call(dense_params, (inputs, units), "dense_params", bias_hint)
            else:
                calls.append(f"dense_params({inputs}, {units}, use_bias={use_bias})")
                answer = _call(
                    lambda i, u, b: dense_params(i, u, use_bias=b),
                    (inputs, units, use_bias),
                    "dense_params",
                    bias_hint,
                )
            answers.append(
                _read_answer(answer, "int", calls[-1], bias_hint, returned=True, expected="a whole number (int)")
            )
    except CheckFailed as failure:  # judged after the cases before it
        pending = failure
    weights = [inputs * units for inputs, units, _ in cases]
    biases = [units if use_bias else 0 for _, units, use_bias in cases]
    mistakes = [
        ([inputs * units for inputs, units, _ in cases],
         "counts the weights but not the biases", "add one bias per unit when use_bias is true."),
        ([w + units for w, (_, units, _) in zip(weights, cases)],
         "counts the biases even with use_bias=False", "with use_bias=False the layer has no biases, only its weights."),
        ([w + (inputs if use_bias else 0) for w, (inputs, _, use_bias) in zip(weights, cases)],
         "counts one bias per input", "there is one bias per unit (output), not one per input."),
        ([inputs + units + b for b, (inputs, units, _) in zip(biases, cases)],
         "adds the inputs and the units", "every input connects to every unit: count the connections."),
    ]
    expected = [w + b for w, b in zip(weights, biases)]
    _judge_cases(answers, expected, calls.__getitem__, mistakes, bias_hint, pending=pending)
    _passed("inputs x units weights, plus one bias per unit when use_bias=True.")


@exercise_check
def check_flat_index(flat_index):
    """Notebook 01, exercise 2: check ``flat_index(row, col, channel, width, channels)`` against ``np.ravel_multi_index``.

    The position of value ``x[row, col, channel]`` in ``x.reshape(-1)`` for an ``(H, W, C)``
    image (row-major: the channel changes fastest, then the column, then the row).
    """
    hint = (
        "reshape(-1) reads row by row, inside a row pixel by pixel, inside a pixel channel by "
        "channel. Count the values that come before x[row, col, channel]: the full rows above it, "
        "the full pixels left of it in its row, and the channels before it in its pixel."
    )
    cases = [
        (0, 0, 0, 32, 3),
        (0, 0, 2, 32, 3),
        (0, 1, 0, 32, 3),
        (1, 0, 0, 32, 3),
        (5, 7, 2, 32, 3),
        (31, 31, 2, 32, 3),
        (3, 4, 0, 10, 1),
        (2, 9, 5, 12, 8),
    ]
    expected = [int(np.ravel_multi_index((r, c, ch), (r + 1, w, n))) for r, c, ch, w, n in cases]
    answers, pending = [], None
    try:
        for row, col, channel, width, channels in cases:
            answer = _call(flat_index, (row, col, channel, width, channels), "flat_index", hint)
            call = f"flat_index({row}, {col}, {channel}, width={width}, channels={channels})"
            answers.append(_read_answer(answer, "int", call, hint, returned=True, expected="a whole number (int)"))
    except CheckFailed as failure:  # judged after the cases before it
        pending = failure
    mistakes = [
        ([r * w + c * n + ch for r, c, ch, w, n in cases],
         "counts a full row as width values, but every pixel of the row holds channels values",
         "a full row holds width pixels of channels values each."),
        ([r * w * n + c + ch for r, c, ch, w, n in cases],
         "counts each pixel left of col as one value, but a pixel holds channels values",
         "each pixel before col holds channels values."),
        ([(c * (r + 1) + r) * n + ch for r, c, ch, w, n in cases],
         "walks the image column by column",
         "rows come first in NumPy's (row-major) order, not columns."),
        ([ch * (r + 1) * w + r * w + c for r, c, ch, w, n in cases],
         "uses the channels-first order (all red values, then all green, ...)",
         "reshape(-1) of an (H, W, C) array keeps the channels of one pixel together."),
    ]

    def call(i):
        row, col, channel, width, channels = cases[i]
        return f"flat_index({row}, {col}, {channel}, width={width}, channels={channels})"

    _judge_cases(answers, expected, call, mistakes, hint, pending=pending)
    _passed("(row * width + col) * channels + channel, the order reshape(-1) uses.")
