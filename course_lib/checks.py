"""Checks for the exercises: each raises ``AssertionError`` with a hint, or prints one line.

Convention (shared by every notebook): an exercise cell holds the learner's code between
``# BEGIN SOLUTION`` and ``# END SOLUTION`` lines; the next cell calls one function from this
module with the learner's answer. A check never trusts the answer's own claims: it recomputes
the expected value from the course's reference code and compares.

Sections follow the notebooks. ``tests/test_checks.py`` proves that every public function here
accepts a right answer and rejects at least one wrong one.
"""

import numpy as np


def _passed(message):
    print(f"Correct: {message}")


def _fail(problem, hint):
    raise AssertionError(f"{problem}\nHint: {hint}")


def _fail_with_known_mistakes(call, answer, expected, known, hint):
    """Fail a count: say what ``call`` returned and expected, naming every known mistake that
    gives ``answer`` (``known`` is a list of ``(value, "what that answer does")``)."""
    matches = [text for value, text in known if answer == value]
    _fail(
        f"{call} returned {answer:,}; expected {expected:,}"
        + (f": it {'; or it '.join(matches)}." if matches else "."),
        hint,
    )


def _same_array(answer, expected, name, hint, atol=1e-5):
    """Fail unless ``answer`` is an array with ``expected``'s shape and values (to ``atol``)."""
    try:
        answer = np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError):
        _fail(f"{name} should be a numeric array; received {type(answer).__name__}.", hint)
    if answer.shape != expected.shape:
        _fail(f"{name} has shape {answer.shape}; expected {expected.shape}.", hint)
    if not np.allclose(answer, expected, atol=atol, rtol=0):
        worst = np.unravel_index(np.argmax(np.abs(answer - expected)), expected.shape)
        _fail(
            f"{name} differs from the expected values, most at index {tuple(map(int, worst))}: "
            f"{answer[worst]:.4g} instead of {expected[worst]:.4g}.",
            hint,
        )


def _call(function, args, name, hint):
    """Call the learner's function, turning a crash into a failed check with a hint."""
    if not callable(function):
        _fail(f"{name} should be a function; received {type(function).__name__}.", hint)
    try:
        return function(*args)
    except NotImplementedError:
        _fail(f"{name} is not written yet (it raises NotImplementedError).", hint)
    except Exception as error:  # the learner's bug, reported as a failed check with a hint
        _fail(f"{name} raised {type(error).__name__}: {error}", hint)


def _call_array(function, args, name, hint, not_numbers, returned_none=None):
    """Call the learner's function as :func:`_call` does and return its answer as a float64 array.

    Args:
        not_numbers: the problem to fail with (and ``hint``) when NumPy cannot read the answer
            as numbers; ``{type}`` in it becomes the answer's type name.
        returned_none: ``(problem, hint)`` to fail with when the answer is None; without it a
            None goes on, as a NaN array, to the checks that follow.
    """
    answer = _call(function, args, name, hint)
    if answer is None and returned_none is not None:
        _fail(*returned_none)
    try:
        return np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError):
        _fail(not_numbers.replace("{type}", type(answer).__name__), hint)


# --------------------------------------------------------------------------- 00 welcome


def check_single_pixel_image(x, shape=(5, 7), pixel=(2, 4)):
    """Check a float32 image of ``shape`` that is 0 everywhere except 1 at ``pixel = (row, column)``.

    Example:
        >>> x = np.zeros((5, 7), dtype=np.float32)
        >>> x[2, 4] = 1
        >>> check_single_pixel_image(x)
        Correct: a (5, 7) float32 image, all zeros except x[2, 4] = 1.
    """
    shape, pixel = tuple(shape), tuple(pixel)
    if not isinstance(x, np.ndarray):
        _fail(
            f"x should be a NumPy array; received {type(x).__name__}.",
            "np.zeros(shape, dtype=np.float32) makes an array of zeros you can then change.",
        )
    if x.shape != shape:
        if x.shape == shape[::-1]:
            hint = "NumPy shapes list rows first: (height, width), not (width, height)."
        else:
            hint = f"pass the shape as one tuple, np.zeros({shape}, ...)."
        _fail(f"x has shape {x.shape}; expected {shape}.", hint)
    if x.dtype != np.float32:
        _fail(
            f"x has dtype {x.dtype}; expected float32.",
            "np.zeros gives float64 unless you ask for dtype=np.float32; the course keeps "
            "images in float32, the type Keras computes with.",
        )
    lit = [tuple(int(i) for i in index) for index in np.argwhere(x != 0)]
    if not lit:
        _fail(
            "every value of x is 0; one pixel should be 1.",
            f"set one element by indexing: x[{pixel[0]}, {pixel[1]}] = 1.",
        )
    if len(lit) > 1:
        _fail(
            f"x has {len(lit)} non-zero values; expected exactly one.",
            f"start from np.zeros (not np.ones) and change only x[{pixel[0]}, {pixel[1]}].",
        )
    if lit[0] != pixel:
        if lit[0] == pixel[::-1]:
            hint = "index rows first: x[row, column]; the row counts down from the top."
        else:
            hint = "Python counts from 0: row 0 is the top row and column 0 the left column."
        _fail(f"the non-zero pixel is at {lit[0]}; expected it at {pixel}.", hint)
    if x[pixel] != 1:
        _fail(
            f"x{list(pixel)} is {float(x[pixel]):g}; expected 1.",
            "images in this course are scaled to [0, 1], so 1 (not 255) is full brightness.",
        )
    _passed(f"a {shape} float32 image, all zeros except x[{pixel[0]}, {pixel[1]}] = 1.")


def _normalise_term(term):
    """Lower-case a term, read hyphens and underscores as spaces, collapse runs of spaces."""
    return " ".join(term.lower().replace("-", " ").replace("_", " ").split())


def check_glossary_term(answer, korean="수용장"):
    """Check that ``answer`` is the English glossary term for ``korean`` (case and spaces ignored).

    Example:
        >>> check_glossary_term("Receptive  Field")
        Correct: 수용장 is 'receptive field' in English.
    """
    from course_lib import glossary

    expected = glossary.korean_to_english(korean)
    hint = f"find {korean} in the Korean column of the glossary table above."
    if not isinstance(answer, str):
        _fail(
            f"answer should be a string such as 'feature map'; received {type(answer).__name__}.",
            hint,
        )
    if not answer.strip():
        _fail("answer is an empty string.", hint)
    if answer.strip() == korean:
        _fail(f"answer is the Korean term {korean} itself; the English term is asked for.", hint)
    if _normalise_term(answer) == _normalise_term(expected):
        _passed(f"{korean} is {expected!r} in English.")
        return
    for english, (term, _) in glossary.GLOSSARY.items():
        if _normalise_term(answer) == _normalise_term(english):
            _fail(f"{answer!r} is the English for {term}, not for {korean}.", hint)
    _fail(f"{answer!r} is not the English term for {korean}.", hint)


def check_glossary_search(terms, fragment="풀링"):
    """Check ``terms``: every English glossary term whose Korean term contains ``fragment``.

    Order, case and spacing do not matter.

    Example:
        >>> check_glossary_search(["pooling", "max pooling", "average pooling",
        ...                        "global average pooling"])
        Correct: the 4 terms whose Korean name contains 풀링.
    """
    from course_lib import glossary

    expected = {english for english, (term, _) in glossary.GLOSSARY.items() if fragment in term}
    hint = (
        f"loop over glossary.GLOSSARY.items(): each item is (english, (korean, meaning)); "
        f"keep english when {fragment!r} in korean."
    )
    if isinstance(terms, str):
        _fail("terms is one string; it should be a list of strings, one English term each.", hint)
    try:
        terms = list(terms)
    except TypeError:
        _fail(f"terms should be a list of strings; received {type(terms).__name__}.", hint)
    if not all(isinstance(t, str) for t in terms):
        _fail("terms should hold only strings, one English term each.", hint)
    given = {_normalise_term(t) for t in terms}
    wanted = {_normalise_term(t): t for t in expected}
    missing = sorted(wanted[t] for t in set(wanted) - given)
    extra = sorted(set(given) - set(wanted))
    if missing:
        _fail(f"terms misses {len(missing)} of the {len(wanted)} terms, e.g. {missing[0]!r}.", hint)
    if extra:
        _fail(
            f"terms holds {len(extra)} term(s) whose Korean name does not contain {fragment}: "
            f"{', '.join(map(repr, extra))}.",
            hint,
        )
    _passed(f"the {len(wanted)} terms whose Korean name contains {fragment}.")


# --------------------------------------------------------------------------- 01 images and dense layers


def _unit_range_cases():
    """Two uint8 test images: every value 0-255 once (grey), and a small colour patch."""
    grey = np.arange(256, dtype=np.uint8).reshape(16, 16)
    colour = np.random.default_rng(1).integers(0, 256, size=(5, 7, 3), dtype=np.uint8)
    colour[0, 0] = (0, 128, 255)
    return [grey, colour]


def check_unit_range(to_unit):
    """Check ``to_unit(image)``: a uint8 image scaled to float32 in [0, 1] (divided by 255).

    The expected values come from :func:`course_lib.images.to_unit_range`. The usual slips get
    their own hint: integer division, dividing by 256, and a result that is not float32.
    """
    from course_lib.images import to_unit_range

    hint = "convert the image to float32 first (astype), then divide it by 255."
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
                "// is integer division. Convert to float32 first, then divide with /.",
            )
        if np.allclose(values, image / 256.0, atol=1e-6, rtol=0):
            _fail(
                f"the brightest pixel (255) became {255 / 256:.4f}, not 1.0.",
                "uint8 values run from 0 to 255, so divide by 255, not 256.",
            )
        if np.allclose(values, image, atol=1e-6, rtol=0):
            _fail("to_unit returned the values 0-255 unchanged.", hint)
        expected = to_unit_range(image).astype(np.float64)
        _same_array(values, expected, "to_unit(image)", hint, atol=1e-6)
        if answer.dtype != np.float32:
            _fail(
                f"the values are right but the dtype is {answer.dtype}; expected float32.",
                "dividing a uint8 array by 255 gives float64 in NumPy; use "
                "image.astype(np.float32) / 255, which stays float32 (what Keras layers use).",
            )
    _passed("uint8 0-255 becomes float32 0.0-1.0, as course_lib.images.to_unit_range does.")


def check_dense_params(dense_params):
    """Check ``dense_params(inputs, units, use_bias=True)``: the parameter count of a Dense layer.

    Expected: ``inputs * units`` weights, plus ``units`` biases when ``use_bias`` (the count
    Keras' ``Dense(units, use_bias=...)`` reports on ``inputs`` values; notebook 01 asserts that
    the formula and ``count_params()`` agree).
    """
    bias_hint = (
        "a Dense layer has one weight per (input, unit) pair and, with use_bias=True, "
        "one bias per unit (not per input)."
    )
    cases = [(3072, 10, True), (3072, 10, False), (10_000, 1000, True)]
    cases += [(64, 32, False), (1, 1, True)]
    for inputs, units, use_bias in cases:
        if use_bias and (inputs, units) == (3072, 10):
            answer = _call(dense_params, (inputs, units), "dense_params", bias_hint)
            call = f"dense_params({inputs}, {units})"
        else:
            answer = _call(
                lambda i, u, b: dense_params(i, u, use_bias=b),
                (inputs, units, use_bias),
                "dense_params",
                bias_hint,
            )
            call = f"dense_params({inputs}, {units}, use_bias={use_bias})"
        expected = inputs * units + (units if use_bias else 0)
        if isinstance(answer, bool) or not isinstance(answer, (int, np.integer)):
            _fail(f"{call} returned {answer!r}; expected a whole number (int).", bias_hint)
        if answer == expected:
            continue
        if use_bias and answer == inputs * units:
            hint = "you counted the weights but not the biases: add one bias per unit."
        elif not use_bias and answer == inputs * units + units:
            hint = "with use_bias=False the layer has no biases: only inputs * units weights."
        elif answer == inputs * units + inputs:
            hint = "there is one bias per unit (output), not one per input."
        elif answer in (inputs + units, inputs + units + units):
            hint = "every input connects to every unit: multiply inputs by units."
        else:
            hint = bias_hint
        _fail(f"{call} returned {answer:,}; expected {expected:,}.", hint)
    _passed("inputs x units weights, plus one bias per unit when use_bias=True.")


def check_flat_index(flat_index):
    """Check ``flat_index(row, col, channel, width, channels)`` against ``np.ravel_multi_index``.

    The position of value ``x[row, col, channel]`` in ``x.reshape(-1)`` for an ``(H, W, C)``
    image (row-major: the channel changes fastest, then the column, then the row).
    """
    hint = (
        "reshape(-1) reads row by row, inside a row pixel by pixel, inside a pixel channel by "
        "channel: each full row holds width * channels values, each full pixel channels values."
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
    for row, col, channel, width, channels in cases:
        shape = (row + 1, width, channels)
        expected = int(np.ravel_multi_index((row, col, channel), shape))
        answer = _call(flat_index, (row, col, channel, width, channels), "flat_index", hint)
        call = f"flat_index({row}, {col}, {channel}, width={width}, channels={channels})"
        if isinstance(answer, bool) or not isinstance(answer, (int, np.integer)):
            _fail(f"{call} returned {answer!r}; expected a whole number (int).", hint)
        if answer == expected:
            continue
        if answer == row * width + col * channels + channel:
            detail = "a full row holds width * channels values, not width: multiply row by both."
        elif answer == row * width * channels + col + channel:
            detail = "each pixel before col holds channels values: multiply col by channels."
        elif answer == (col * shape[0] + row) * channels + channel:
            detail = "rows come first in NumPy's (row-major) order, not columns."
        elif channel and answer == channel * shape[0] * width + row * width + col:
            detail = (
                "that is the channels-first order (all red values, then all green, ...); "
                "reshape(-1) of an (H, W, C) array keeps the channels of one pixel together."
            )
        else:
            detail = hint
        _fail(f"{call} returned {answer}; expected {expected}.", detail)
    _passed("(row * width + col) * channels + channel, the order reshape(-1) uses.")


# --------------------------------------------------------------------------- 02 convolution


def _corr2d_cases():
    """Single-channel images and kernels of several shapes, some not square, seeded."""
    rng = np.random.default_rng(2)
    shapes = [
        ((5, 5), (3, 3)),
        ((6, 9), (2, 4)),
        ((7, 4), (5, 1)),
        ((3, 3), (3, 3)),
        ((8, 8), (1, 1)),
    ]
    return [
        (rng.integers(-3, 4, image).astype(float), rng.integers(-2, 3, kernel).astype(float))
        for image, kernel in shapes
    ]


def check_corr2d(corr2d):
    """Check a learner's ``corr2d(image, kernel)``: valid cross-correlation, stride 1, one channel."""
    from course_lib.conv import conv2d

    hint = (
        "For every output position (i, j), take image[i:i + kh, j:j + kw], multiply it element by element "
        "with the kernel and sum. The output has (H - kh + 1) rows and (W - kw + 1) columns."
    )
    for image, kernel in _corr2d_cases():
        expected = conv2d(image, kernel)
        answer = _call_array(
            corr2d, (image, kernel), "corr2d", hint,
            returned_none=("corr2d returned None.", "Build the output array and return it."),
            not_numbers="corr2d returned a {type}, not an array.",
        )
        if (
            answer.shape == expected.shape
            and np.allclose(answer, conv2d(image, kernel[::-1, ::-1]))
            and not np.allclose(answer, expected)
        ):
            _fail(
                f"corr2d flips the kernel (on a {image.shape} image with a {kernel.shape} kernel).",
                "That is convolution in the mathematical sense. Deep-learning layers do not flip: use kernel as it is.",
            )
        _same_array(
            answer, expected, f"corr2d on a {image.shape} image with a {kernel.shape} kernel", hint
        )
    _passed(
        "corr2d computes the cross-correlation for every shape tried, including non-square kernels."
    )


def check_convolve(convolve):
    """Check a learner's ``convolve(image, kernel)``: true (flipped-kernel) convolution, 'valid' size."""
    import scipy.signal

    hint = "Convolution is cross-correlation with the kernel flipped in both directions: kernel[::-1, ::-1]."
    for image, kernel in _corr2d_cases():
        expected = scipy.signal.convolve2d(image, kernel, mode="valid")
        answer = _call_array(
            convolve, (image, kernel), "convolve", hint,
            returned_none=("convolve returned None.", "Return the result of the convolution."),
            not_numbers="convolve returned a {type}, not an array.",
        )
        if answer.shape == expected.shape and np.allclose(
            answer, scipy.signal.correlate2d(image, kernel, mode="valid")
        ):
            if not np.allclose(answer, expected):
                _fail(
                    f"convolve did not flip the {kernel.shape} kernel: this is cross-correlation.",
                    hint,
                )
        if answer.shape == expected.shape and np.allclose(
            answer, scipy.signal.correlate2d(image, kernel[::-1], mode="valid")
        ):
            if not np.allclose(answer, expected):
                _fail(f"convolve flipped the {kernel.shape} kernel upside down only.", hint)
        _same_array(
            answer,
            expected,
            f"convolve on a {image.shape} image with a {kernel.shape} kernel",
            hint,
        )
    _passed("convolve matches scipy.signal.convolve2d(mode='valid') on every shape tried.")


def check_horizontal_edge_filter(kernel):
    """Check a 3x3 filter that answers positively to dark-above-bright edges and zero to flat areas."""
    from course_lib.conv import conv2d

    hint = (
        "Give the row below the centre positive weights and the row above negative weights of the same total, "
        "e.g. -1 -1 -1 / 0 0 0 / 1 1 1 (or Sobel's -1 -2 -1 / 0 0 0 / 1 2 1)."
    )
    try:
        kernel = np.asarray(kernel, dtype=float)
    except (TypeError, ValueError):
        _fail("the filter should be a 3x3 array of numbers.", hint)
    if kernel.shape != (3, 3):
        _fail(f"the filter has shape {kernel.shape}; expected (3, 3).", hint)
    flat = conv2d(np.full((5, 5), 0.7), kernel)
    if not np.allclose(flat, 0):
        _fail(
            f"on a flat grey image the filter answers {flat[0, 0]:.3g} instead of 0: its weights sum to {kernel.sum():.3g}.",
            "An edge detector should ignore uniform areas, so its weights must add up to 0. "
            + hint,
        )
    edge = np.zeros((6, 5))
    edge[3:] = 1.0  # dark rows 0-2, bright rows 3-5: the edge lies between rows 2 and 3
    response = conv2d(edge, kernel)[:, 1]
    if response.max() <= 0:
        _fail("on a dark-above-bright edge the filter gives no positive response.", hint)
    vertical = conv2d(np.tile([0.0, 0.0, 0.0, 1.0, 1.0, 1.0], (5, 1)), kernel)
    if np.abs(vertical).max() > 0.5 * response.max():
        _fail(
            "the filter also answers strongly to a vertical edge (dark on the left, bright on the right).",
            "Make every column of the filter the same pattern, so left-right changes cancel out. "
            + hint,
        )
    _passed(
        f"the filter ignores flat areas and vertical edges and answers {response.max():g} on a dark-above-bright edge."
    )


# --------------------------------------------------------------------------- 03 channels and many filters


def _kernel_pair(kernel_size):
    """Return ``(kh, kw)`` from an int or a pair, as Keras reads ``kernel_size``."""
    if isinstance(kernel_size, (int, np.integer)):
        return int(kernel_size), int(kernel_size)
    return tuple(int(k) for k in kernel_size)


# (input_shape, kernel_size, filters): the first case has filters != channels, later ones have
# non-square inputs and kernels, a 1x1 kernel, and one layer whose filters equal its channels.
_CONV_SHAPE_CASES = [
    ((32, 32, 3), 5, 6),
    ((28, 28, 1), 3, 32),
    ((64, 48, 3), (3, 5), 16),
    ((10, 12, 16), 1, 4),
    ((9, 7, 8), (7, 2), 8),
]


def check_conv_output_shape(conv_output_shape):
    """Check a learner's ``conv_output_shape(input_shape, kernel_size, filters)``, valid, stride 1.

    The expected shape is the shape of what ``course_lib.conv.conv2d`` returns for an input of
    zeros and a ``(kh, kw, C, filters)`` kernel, on several layers.
    """
    from course_lib.conv import conv2d

    hint = (
        "Along each side a window of k pixels fits in n - k + 1 positions, and the output has "
        "one channel per filter: (H - kh + 1, W - kw + 1, filters). kernel_size may be an int "
        "or a pair."
    )
    for input_shape, kernel_size, filters in _CONV_SHAPE_CASES:
        kh, kw = _kernel_pair(kernel_size)
        x = np.zeros(input_shape, dtype=np.float32)
        expected = conv2d(x, np.zeros((kh, kw, input_shape[-1], filters), dtype=np.float32)).shape
        case = f"conv_output_shape({input_shape}, {kernel_size!r}, {filters})"
        answer = _call(
            conv_output_shape, (input_shape, kernel_size, filters), "conv_output_shape", hint
        )
        try:
            answer = tuple(int(v) for v in answer)
        except (TypeError, ValueError):
            _fail(f"{case} returned {answer!r}; expected a tuple of three ints.", hint)
        if answer == expected:
            continue
        if len(answer) == 2 and answer == expected[:2]:
            _fail(
                f"{case} returned {answer}, the height and width only; expected {expected}.",
                "The output keeps a channel axis, one channel per filter. " + hint,
            )
        if len(answer) == 3 and answer[:2] == expected[:2] and answer[2] == input_shape[-1]:
            _fail(
                f"{case} returned {answer}: the last axis keeps the input's {input_shape[-1]} "
                f"channels; expected {expected}.",
                "Channels become filters: every filter covers all the input channels and gives one "
                "feature map, so the output has `filters` channels, whatever C was.",
            )
        if len(answer) == 3 and answer == (expected[0] - 1, expected[1] - 1, expected[2]):
            _fail(
                f"{case} returned {answer}; expected {expected}: one position short on each side.",
                "A window of k pixels fits in n - k + 1 positions, not n - k: count the first "
                "one too.",
            )
        _fail(f"{case} returned {answer}; expected {expected}.", hint)
    _passed(
        f"conv_output_shape agrees with conv2d on all {len(_CONV_SHAPE_CASES)} layers tried, "
        "including non-square kernels."
    )


# (kernel_size, c_in, filters, use_bias): non-square kernels, layers without biases, 1x1.
_CONV_PARAM_CASES = [
    (3, 3, 32, True),
    (3, 3, 32, False),
    (5, 3, 6, True),
    ((1, 7), 64, 128, True),
    ((3, 5), 16, 8, False),
    (1, 256, 64, True),
]


def check_conv_params(conv_params):
    """Check a learner's ``conv_params(kernel_size, c_in, filters, use_bias=True)`` against Keras.

    The expected count is ``count_params()`` of a Keras ``Conv2D(filters, kernel_size,
    use_bias=use_bias)`` built for ``c_in`` input channels. Cases with a bias call the learner's
    function without ``use_bias``, so its default must be ``True`` as in Keras.
    """
    from course_lib.session import import_tensorflow

    import_tensorflow()  # quietly, before Keras imports it
    import keras

    hint = (
        "One filter has kh x kw x c_in weights (it covers every input channel), there are "
        "`filters` filters, and each has one bias when use_bias is true."
    )
    for kernel_size, c_in, filters, use_bias in _CONV_PARAM_CASES:
        layer = keras.layers.Conv2D(filters, kernel_size, use_bias=use_bias)
        layer.build((None, None, None, c_in))
        expected = layer.count_params()
        kh, kw = _kernel_pair(kernel_size)
        if use_bias:
            args, case = (
                (kernel_size, c_in, filters),
                f"conv_params({kernel_size!r}, {c_in}, {filters})",
            )
        else:
            args = (kernel_size, c_in, filters, False)
            case = f"conv_params({kernel_size!r}, {c_in}, {filters}, use_bias=False)"
        answer = _call(conv_params, args, "conv_params", hint)
        if isinstance(answer, bool) or not isinstance(
            answer, (int, float, np.integer, np.floating)
        ):
            _fail(f"{case} returned {answer!r}; expected a number.", hint)
        if answer == expected:
            continue
        weights = kh * kw * c_in * filters
        without_c_in = kh * kw * filters + (filters if use_bias else 0)
        if answer == without_c_in and c_in != 1:
            _fail(
                f"{case} returned {answer:g}; expected {expected}: the count misses the factor "
                f"c_in = {c_in}.",
                "c_in is part of every filter: a filter on a C-channel input has one kh x kw slice "
                "per channel, so kh x kw x c_in weights.",
            )
        if use_bias and answer == weights:
            _fail(
                f"{case} returned {answer:g}; expected {expected}: the {filters} biases are "
                "missing.",
                "With use_bias=True (the default, as in Keras) each filter adds one bias.",
            )
        if not use_bias and answer == weights + filters:
            _fail(
                f"{case} returned {answer:g}; expected {expected}: with use_bias=False there are "
                "no biases.",
                "Add the biases only when use_bias is true.",
            )
        _fail(f"{case} returned {answer:g}; Keras counts {expected}.", hint)
    _passed(
        f"conv_params agrees with Keras count_params() on all {len(_CONV_PARAM_CASES)} layers "
        "tried, with and without biases."
    )


def check_gray_kernel(gray_kernel):
    """Check a ``(1, 1, 3, 1)`` kernel whose 1x1 convolution equals ``course_lib.images.to_gray``.

    The comparison runs ``course_lib.conv.conv2d`` on a real photo and on a seeded random colour
    image, to 1e-5.
    """
    from course_lib.conv import conv2d
    from course_lib.images import GRAY_WEIGHTS, load_photo, to_gray

    hint = (
        "Put the three weights that to_gray uses (course_lib.images.GRAY_WEIGHTS, in the order "
        "R, G, B) on the kernel's c_in axis: GRAY_WEIGHTS.reshape(1, 1, 3, 1)."
    )
    try:
        kernel = np.asarray(gray_kernel, dtype=np.float64)
    except (TypeError, ValueError):
        _fail(
            f"gray_kernel should be an array of numbers; received {type(gray_kernel).__name__}.",
            hint,
        )
    if kernel.shape != (1, 1, 3, 1):
        extra = (
            " conv2d wants (kh, kw, c_in, c_out): a 1x1 filter on 3 channels that gives 1 map."
            if kernel.size == 3
            else ""
        )
        _fail(f"gray_kernel has shape {kernel.shape}; expected (1, 1, 3, 1).{extra}", hint)
    weights = kernel[0, 0, :, 0]
    if np.allclose(weights, weights[0]) and not np.allclose(weights, GRAY_WEIGHTS):
        _fail(
            f"gray_kernel gives every channel the same weight, {weights[0]:.4g}.",
            "to_gray weighs green most and blue least, as the eye does. " + hint,
        )
    if np.allclose(weights, GRAY_WEIGHTS[::-1], atol=1e-6):
        _fail(
            "gray_kernel has the weights in the order B, G, R.",
            "The course's images are RGB (OpenCV's are BGR): the red weight comes first. " + hint,
        )
    rng = np.random.default_rng(3)
    for name, x in (
        ("the chelsea photo", load_photo("chelsea", size=(30, 45))),
        ("a random colour image", rng.random((6, 5, 3)).astype(np.float32)),
    ):
        _same_array(
            conv2d(x, kernel)[:, :, 0], to_gray(x), f"on {name}, conv2d(x, gray_kernel)", hint
        )
    _passed("a 1x1 convolution with gray_kernel turns a colour image into to_gray's grey levels.")


# --------------------------------------------------------------------------- 04 padding and stride


def _size_cases():
    """``(n, k, s, p)`` cases for output-size exercises: strides that fit and that do not, with padding."""
    cases = [(7, 3, 1, 0), (7, 3, 2, 0), (7, 3, 3, 0), (4, 3, 1, 1), (32, 3, 1, 2), (13, 6, 5, 1)]
    for n in (5, 8, 13, 28):
        for k in (1, 2, 3, 5):
            for s in (1, 2, 3, 4):
                for p in (0, 1, 2):
                    if k <= n + 2 * p:
                        cases.append((n, k, s, p))
    return cases


def check_out_size(out_size):
    """Check a learner's ``out_size(n, k, s, p)``: positions of a k-window, stride s, p zeros per side.

    The expected value comes from :func:`course_lib.conv.output_size`, on strides that fit and
    strides that do not, with and without padding.

    Example:
        >>> check_out_size(lambda n, k, s, p: (n + 2 * p - k) // s + 1)
        Correct: out_size agrees with course_lib.conv.output_size on 198 cases, including strides that do not fit.
    """
    import math
    from numbers import Integral

    from course_lib.conv import output_size

    hint = (
        "Pad first (n + 2 * p rows), count the whole steps the window can take ((n + 2 * p - k) // s), "
        "then add 1 for the window at the start."
    )
    cases = _size_cases()
    for n, k, s, p in cases:
        expected = output_size(n, k, strides=s, padding=p)
        answer = _call(out_size, (n, k, s, p), "out_size", hint)
        where = f"out_size(n={n}, k={k}, s={s}, p={p})"
        if answer is None:
            _fail(f"{where} returned None.", "Return the size; a function without return gives None.")
        if isinstance(answer, float):
            _fail(
                f"{where} returned {answer:g}, a float.",
                "A size is a whole number of windows: use floor division // instead of /, so "
                "a window that would hang over the end is not counted.",
            )
        if not isinstance(answer, Integral) or isinstance(answer, bool):
            _fail(f"{where} returned {answer!r}; expected an int.", hint)
        if answer == expected:
            continue
        if p > 0 and answer == (n + p - k) // s + 1:
            mistake = "Padding p puts p zeros on *each* side, so the padded length is n + 2 * p."
        elif p > 0 and answer == (n - k) // s + 1:
            mistake = "The padding is missing: with p zeros on each side the input is n + 2 * p long."
        elif answer == expected - 1:
            mistake = "Add 1: the window in its first position is an output too, before any step."
        elif answer == math.ceil((n + 2 * p - k) / s) + 1:
            mistake = (
                "Round down, not up: when (n + 2p - k) / s is not whole, the last step would "
                "take the window past the end, so it does not count. Use //."
            )
        else:
            mistake = hint
        _fail(f"{where} returned {answer}; expected {expected}.", mistake)
    _passed(
        f"out_size agrees with course_lib.conv.output_size on {len(cases)} cases, "
        "including strides that do not fit."
    )


def check_fitting_strides(fitting_strides):
    """Check a learner's ``fitting_strides(n, k)``: every stride 1..n that leaves no row unused (valid padding).

    The expected list comes from :func:`course_lib.conv.unused_input`.

    Example:
        >>> check_fitting_strides(lambda n, k: [s for s in range(1, n + 1) if (n - k) % s == 0])
        Correct: fitting_strides finds every stride that fits, e.g. [1, 2, 4] for a 3x3 kernel on 7 rows.
    """
    from course_lib.conv import unused_input

    hint = (
        "Stride s fits when the window's start can move over the n - k rows in whole steps: "
        "(n - k) % s == 0, or unused_input(n, k, strides=s) == 0. Try every s in range(1, n + 1)."
    )
    for n, k in [(7, 3), (5, 5), (13, 6), (32, 5), (12, 1), (28, 4), (9, 2)]:
        expected = [s for s in range(1, n + 1) if unused_input(n, k, strides=s) == 0]
        answer = _call(fitting_strides, (n, k), "fitting_strides", hint)
        where = f"fitting_strides({n}, {k})"
        if answer is None:
            _fail(f"{where} returned None.", "Return the list of strides.")
        try:
            answer = [int(s) for s in answer]
        except (TypeError, ValueError):
            _fail(f"{where} returned {answer!r}; expected a list of ints.", hint)
        if answer == expected:
            continue
        if sorted(set(answer)) == expected:
            _fail(f"{where} returned {answer}; expected {expected}.", "List each stride once, smallest first.")
        missing = sorted(set(expected) - set(answer))
        extra = sorted(set(answer) - set(expected))
        if extra:
            s = extra[0]
            _fail(
                f"{where} includes stride {s}, which does not fit: "
                f"{unused_input(n, k, strides=s)} row(s) at the end are never seen.",
                hint,
            )
        s = missing[0]
        if s == n and n > 1:
            mistake = "range(1, n) stops before n; the last stride to try is n itself: range(1, n + 1)."
        elif n == k:
            mistake = (
                f"When the kernel is as large as the input there is one window and no step, "
                f"so every stride fits. {hint}"
            )
        else:
            mistake = hint
        _fail(f"{where} misses stride {s}, which fits; expected {expected}.", mistake)
    _passed("fitting_strides finds every stride that fits, e.g. [1, 2, 4] for a 3x3 kernel on 7 rows.")


def check_same_pads(same_pads):
    """Check a learner's ``same_pads(n, k, s)``: TensorFlow's "same" zeros ``(before, after)`` on one axis.

    The expected pair comes from :func:`course_lib.conv.same_padding`.

    Example:
        >>> import math
        >>> def same_pads(n, k, s):
        ...     total = max((math.ceil(n / s) - 1) * s + k - n, 0)
        ...     return total // 2, total - total // 2
        >>> check_same_pads(same_pads)
        Correct: same_pads matches TensorFlow's "same" padding on 68 cases, e.g. (1, 2) for n=13, k=6, s=5.
    """
    import math

    from course_lib.conv import same_padding

    hint = (
        "The output has ceil(n / s) positions; the last window starts at (ceil(n / s) - 1) * s and "
        "needs k rows, so total = max((ceil(n / s) - 1) * s + k - n, 0) zeros; before = total // 2, "
        "after = total - before."
    )
    cases = [(13, 6, 5), (4, 2, 1), (5, 3, 1), (8, 1, 3)]
    cases += [(n, k, s) for n in (6, 7, 10, 13) for k in (1, 2, 3, 4) for s in (1, 2, 3, 4)]
    for n, k, s in cases:
        before, after = expected = same_padding(n, k, s)
        answer = _call(same_pads, (n, k, s), "same_pads", hint)
        where = f"same_pads(n={n}, k={k}, s={s})"
        try:
            answer = tuple(int(v) for v in answer)
        except (TypeError, ValueError):
            _fail(f"{where} returned {answer!r}; expected a pair (before, after).", hint)
        if len(answer) != 2:
            _fail(f"{where} returned {len(answer)} values; expected a pair (before, after).", hint)
        if answer == expected:
            continue
        if answer == (after, before):
            mistake = (
                "When the total is odd, TensorFlow puts the extra zero *after* the input "
                "(bottom/right): before = total // 2, after = total - before."
            )
        elif min(answer) < 0:
            mistake = (
                "A negative number of zeros: when the kernel is smaller than the stride the "
                "formula goes below 0 and no padding is needed. Wrap the total in max(..., 0)."
            )
        elif s > 1 and sum(answer) == k - 1:
            mistake = (
                "k - 1 zeros keep the size only with stride 1. With stride s the output has "
                f"ceil(n / s) positions. {hint}"
            )
        else:
            mistake = hint
        _fail(f"{where} returned {answer}; expected {expected}.", mistake)
    _passed(
        f'same_pads matches TensorFlow\'s "same" padding on {len(cases)} cases, '
        "e.g. (1, 2) for n=13, k=6, s=5."
    )


# --------------------------------------------------------------------------- 05 pooling


def _pool_cases():
    """2-D arrays with even sides, some not square, with negative values (so a zero start is wrong)."""
    rng = np.random.default_rng(5)
    shapes = [(2, 2), (4, 4), (4, 6), (6, 2), (8, 10)]
    return [rng.integers(-9, 10, shape).astype(float) for shape in shapes]


def check_max_pool_2x2(max_pool_2x2):
    """Check a learner's ``max_pool_2x2(x)``: 2x2 max pooling, stride 2, of a 2-D array with even sides."""
    from course_lib.pooling import pool2d

    hint = (
        "Cut x into non-overlapping 2x2 blocks: x.reshape(H // 2, 2, W // 2, 2) puts the two rows "
        "of a block on axis 1 and its two columns on axis 3; take .max(axis=(1, 3)). The result "
        "has shape (H // 2, W // 2)."
    )
    for x in _pool_cases():
        expected = pool2d(x, 2)
        answer = _call_array(
            max_pool_2x2, (x.copy(),), "max_pool_2x2", hint,
            returned_none=("max_pool_2x2 returned None.", "Return the pooled array."),
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


def check_pooled_shape(pooled_shape):
    """Check ``pooled_shape(input_shape, pool_size, strides=None, padding="valid")`` against Keras."""
    import keras

    hint = (
        "Along the height and the width: strides=None means strides = pool_size; 'valid' gives "
        "floor((n - pool_size) / strides) + 1, 'same' gives ceil(n / strides). The channel count "
        "stays as it is."
    )
    for shape, pool_size, strides, padding in _pooled_shape_cases():
        layer = keras.layers.MaxPooling2D(pool_size, strides=strides, padding=padding)
        expected = tuple(int(v) for v in layer.compute_output_shape((None, *shape))[1:])
        call = f"pooled_shape({shape}, {pool_size}, strides={strides}, padding={padding!r})"
        answer = _call(pooled_shape, (shape, pool_size, strides, padding), "pooled_shape", hint)
        try:
            answer = tuple(int(v) for v in answer)
        except (TypeError, ValueError):
            _fail(
                f"{call} returned {answer!r}; expected a tuple of three ints like {expected}.", hint
            )
        if len(answer) == 2 and answer == expected[:2]:
            _fail(
                f"{call} returned {answer}: the channels are missing.",
                "Pooling keeps every channel. " + hint,
            )
        if answer != expected:
            steps = pool_size if strides is None else strides
            valid = tuple((n - pool_size) // steps + 1 for n in shape[:2]) + shape[2:]
            if padding == "same" and answer == valid:
                problem = f"{call} returned {answer}, the 'valid' size; Keras gives {expected}."
                hint = (
                    "With padding='same' the output size is ceil(n / strides), whatever the pool size. "
                    + hint
                )
            else:
                problem = f"{call} returned {answer}; Keras's MaxPooling2D gives {expected}."
            _fail(problem, hint)
    _passed(
        "pooled_shape agrees with Keras on every case: default strides, overlap, odd sizes and 'same'."
    )


def check_global_average_pool(global_average_pool):
    """Check ``global_average_pool(x)``: ``(N, H, W, C)`` to ``(N, C)``, the mean of every map."""
    from course_lib.pooling import global_pool

    hint = "Average over the two spatial axes only: x.mean(axis=(1, 2)) turns (N, H, W, C) into (N, C)."
    rng = np.random.default_rng(55)
    for shape in [(2, 5, 7, 3), (3, 4, 4, 1), (1, 1, 1, 4), (4, 3, 2, 5)]:
        x = rng.normal(size=shape).astype(np.float32)
        expected = global_pool(x)
        answer = _call_array(
            global_average_pool, (x.copy(),), "global_average_pool", hint,
            returned_none=("global_average_pool returned None.", "Return the (N, C) array."),
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
                f"{name} has shape {answer.shape}; expected {expected.shape}, one row per image.",
                hint,
            )
        _same_array(answer, expected, name, hint)
    _passed("global_average_pool gives one mean per channel and image, (N, H, W, C) -> (N, C).")


# --------------------------------------------------------------------------- 06 counting parameters, operations and memory


# The layer of exercise 1: the first 128-filter layer of the MNIST CNN in the source notes,
# Conv2D(128, 3, padding="same") on the 14 x 14 x 64 maps that the first pooling leaves.
_PARAMS_LAYER = {"input_shape": (14, 14, 64), "filters": 128, "kernel_size": 3}


def _whole_number(answer, name, hint):
    """Return ``answer`` as an int, or fail if it is not a whole number (bools are refused)."""
    if isinstance(answer, bool) or not isinstance(answer, (int, float, np.integer, np.floating)):
        _fail(f"{name} should be a number; received {answer!r}.", hint)
    if not np.isfinite(answer) or answer != int(answer):
        _fail(f"{name} is {answer!r}; a count is a whole number.", hint)
    return int(answer)


def check_conv_layer_params(with_bias, without_bias):
    """Check the parameter counts of ``Conv2D(128, 3, padding="same")`` on 14 x 14 x 64 maps.

    ``with_bias`` is the count of the layer as written (``use_bias=True``), ``without_bias`` that
    of ``Conv2D(128, 3, padding="same", use_bias=False)``. Both are recomputed from Keras's
    ``count_params()`` of the built layers.
    """
    from course_lib.session import import_tensorflow

    import_tensorflow()  # quietly, before Keras imports it
    import keras

    h, w, c_in = _PARAMS_LAYER["input_shape"]
    filters, k = _PARAMS_LAYER["filters"], _PARAMS_LAYER["kernel_size"]
    expected = {}
    for use_bias in (True, False):
        layer = keras.layers.Conv2D(filters, k, padding="same", use_bias=use_bias)
        layer.build((None, h, w, c_in))
        expected[use_bias] = layer.count_params()
    hint = (
        f"One filter covers every input channel: k x k x c_in = {k} x {k} x {c_in} weights. There "
        f"are {filters} filters, and each has one bias when use_bias=True."
    )
    weights = k * k * c_in * filters
    answers = {
        True: _whole_number(with_bias, "with_bias", hint),
        False: _whole_number(without_bias, "without_bias", hint),
    }
    for use_bias, answer in answers.items():
        name = "with_bias" if use_bias else "without_bias"
        right = expected[use_bias]
        if answer == right:
            continue
        biases = filters if use_bias else 0
        if answer == k * k * filters + biases:
            _fail(
                f"{name} = {answer:,}; expected {right:,}: the factor c_in = {c_in} is missing.",
                f"A filter on a {c_in}-channel input has one {k}x{k} slice per channel, so "
                f"{k} x {k} x {c_in} weights, not {k} x {k}.",
            )
        if use_bias and answer == weights:
            _fail(
                f"with_bias = {answer:,}; expected {right:,}: the {filters} biases are missing.",
                "Conv2D has use_bias=True by default: every filter adds one bias.",
            )
        if not use_bias and answer == weights + filters:
            _fail(
                f"without_bias = {answer:,}; expected {right:,}: this counts the biases too.",
                "With use_bias=False the layer has only its kernel: k x k x c_in x filters.",
            )
        if use_bias and answer == weights + c_in:
            _fail(
                f"{name} = {answer:,}; expected {right:,}: one bias per input channel.",
                f"There is one bias per filter (output map), so {filters} of them, not {c_in}.",
            )
        if answer in (h * w * weights + biases, h * w * (weights + biases)):
            _fail(
                f"{name} = {answer:,}; expected {right:,}: this counts the weights once per "
                f"position of the {h}x{w} map.",
                "The filters are shared: the same weights slide over every position, so the "
                "size of the map does not enter the count.",
            )
        _fail(f"{name} = {answer:,}; Keras counts {right:,}.", hint)
    _passed(
        f"Conv2D({filters}, {k}) on {c_in} channels has {expected[True]:,} parameters, "
        f"{expected[False]:,} of them weights and {filters} biases."
    )


# (h_out, w_out, kernel_size, c_in, filters): different heights and widths, 1x1 and 7x7 kernels.
_MACS_CASES = [
    (150, 100, 5, 3, 200),
    (28, 28, 3, 1, 32),
    (14, 14, 3, 32, 64),
    (7, 5, 1, 64, 16),
    (112, 112, 7, 3, 64),
]


def check_conv_macs(conv_macs):
    """Check ``conv_macs(h_out, w_out, k, c_in, filters)`` against ``counting.conv2d_macs``.

    The multiply-accumulates of a ``Conv2D`` with a square ``k x k`` kernel whose output is
    ``h_out x w_out x filters``, on several layers; bias additions are not counted.
    """
    from course_lib.counting import conv2d_macs

    hint = (
        "Every output value (h_out x w_out positions, times filters maps) is a sum of "
        "k x k x c_in products: multiply all five numbers, with k twice."
    )
    for h, w, k, c_in, filters in _MACS_CASES:
        case = f"conv_macs({h}, {w}, {k}, {c_in}, {filters})"
        answer = _call(conv_macs, (h, w, k, c_in, filters), "conv_macs", hint)
        answer = _whole_number(answer, case, hint)
        expected = conv2d_macs(h, w, k, c_in, filters)
        if answer == expected:
            continue
        if answer == 2 * expected:
            _fail(
                f"{case} returned {answer:,}, twice {expected:,}: that is the FLOPs count.",
                "A MAC is one multiplication and one addition together; count each pair once.",
            )
        if answer == expected + h * w * filters:
            _fail(
                f"{case} returned {answer:,}; expected {expected:,}: it counts the bias additions.",
                "The convention (and counting.conv2d_macs) counts multiplications by a weight "
                "only; leave the bias out.",
            )
        if c_in > 1 and answer == expected // c_in:
            _fail(
                f"{case} returned {answer:,}; expected {expected:,}: the factor c_in is missing.",
                "Each output value sums over every input channel: k x k x c_in products.",
            )
        if k > 1 and answer == expected // k:
            _fail(
                f"{case} returned {answer:,}; expected {expected:,}: k appears once.",
                "A k x k window holds k * k values: k appears twice in the product.",
            )
        _fail(f"{case} returned {answer:,}; counting.conv2d_macs gives {expected:,}.", hint)
    _passed(f"conv_macs agrees with counting.conv2d_macs on all {len(_MACS_CASES)} layers tried.")


# The layer of exercise 3: the first layer of ResNet, Conv2D(64, 7, strides=2, padding="same")
# on a 224 x 224 x 3 image.
_STEM = {"n": 224, "c_in": 3, "filters": 64, "kernel_size": 7, "strides": 2}


def check_stem_macs(macs):
    """Check the MACs of ``Conv2D(64, 7, strides=2, padding="same")`` on one 224 x 224 x 3 image.

    The output size comes from ``course_lib.conv.output_size`` and the count from
    ``course_lib.counting.conv2d_macs``.
    """
    from course_lib.conv import output_size
    from course_lib.counting import conv2d_macs

    n, k, s = _STEM["n"], _STEM["kernel_size"], _STEM["strides"]
    c_in, filters = _STEM["c_in"], _STEM["filters"]
    out = output_size(n, k, s, padding="same")
    expected = conv2d_macs(out, out, k, c_in, filters)
    hint = (
        f"Count the output positions first: with stride {s} and 'same' padding the output is "
        f"output_size({n}, {k}, {s}, 'same') on each side. Then each of the out x out x {filters} "
        f"output values costs {k} x {k} x {c_in} MACs."
    )
    answer = _whole_number(macs, "macs", hint)
    if answer == expected:
        _passed(f"{out} x {out} x {filters} outputs x {k} x {k} x {c_in} = {expected:,} MACs.")
        return
    if answer == conv2d_macs(n, n, k, c_in, filters):
        _fail(
            f"macs = {answer:,}, {answer // expected} times too many: it counts {n} x {n} "
            "positions, the input's size.",
            f"Only output values cost work. With stride {s} the filter moves {s} pixels at a time, "
            f"so the output is {out} x {out}: use the output size, not the input size.",
        )
    valid = output_size(n, k, s, padding="valid")
    if answer == conv2d_macs(valid, valid, k, c_in, filters):
        _fail(
            f"macs = {answer:,}: that is the count for 'valid' padding ({valid} x {valid}).",
            f"'same' padding with stride {s} gives ceil({n} / {s}) = {out} positions per side.",
        )
    if answer == 2 * expected:
        _fail(
            f"macs = {answer:,}, twice {expected:,}: that is the FLOPs count.",
            "A MAC is one multiplication and one addition together; count each pair once.",
        )
    _fail(f"macs = {answer:,}; expected {expected:,}.", hint)


# The layer of exercise 4: the first convolution of the Fashion-MNIST CNN,
# Conv2D(32, 3, padding="same") on 28 x 28 x 1, for a training batch of 256 float32 images.
_MEMORY_LAYER = {"input_shape": (28, 28, 1), "filters": 32, "kernel_size": 3, "batch_size": 256}


def check_batch_activation_mb(megabytes):
    """Check the megabytes (10**6 bytes) of one layer's output for a whole float32 batch.

    The layer is ``Conv2D(32, 3, padding="same")`` on 28 x 28 x 1 images and the batch holds 256
    images; the expected value is that layer's row of ``counting.profile(model, batch_size=256)``,
    divided by 10**6. Answers within 0.01 MB are accepted.
    """
    from course_lib.counting import profile
    from course_lib.session import import_tensorflow

    import_tensorflow()
    import keras

    shape, filters = _MEMORY_LAYER["input_shape"], _MEMORY_LAYER["filters"]
    k, batch = _MEMORY_LAYER["kernel_size"], _MEMORY_LAYER["batch_size"]
    model = keras.Sequential(
        [keras.Input(shape), keras.layers.Conv2D(filters, k, padding="same", name="conv")]
    )
    values = shape[0] * shape[1] * filters  # one image's output values
    expected_bytes = profile(model, batch_size=batch).rows[-1].activation_bytes
    expected = expected_bytes / 1e6
    hint = (
        f"The output is {shape[0]} x {shape[1]} x {filters} values per image, {batch} images, "
        "4 bytes per float32 value; divide the bytes by 1,000,000 for MB."
    )
    if isinstance(megabytes, bool) or not isinstance(
        megabytes, (int, float, np.integer, np.floating)
    ):
        _fail(f"megabytes should be a number; received {megabytes!r}.", hint)
    answer = float(megabytes)
    if abs(answer - expected) <= 0.01:
        _passed(
            f"{batch} x {values:,} values x 4 bytes = {expected_bytes:,} bytes, {expected:.2f} MB."
        )
        return
    slips = [
        (expected_bytes, "that is the number of bytes, not megabytes.",
         "Divide the bytes by 1,000,000 (10**6) to get MB."),
        (expected / 4, "it counts values, not bytes.", "Each float32 value takes 4 bytes."),
        (expected_bytes / 2**20, "that is MiB (2**20 bytes), not MB.",
         "This course's MB is 10**6 bytes, as profile() reports it."),
        (expected / batch, "that is one image, not the batch.",
         f"Training keeps the outputs of all {batch} images of the batch."),
        (expected / filters, "it counts one feature map per image.",
         f"The layer outputs {filters} maps per image, one per filter."),
        (expected * 2, "twice the expected value.", hint),
    ]
    for value, problem, slip_hint in slips:
        if abs(answer - value) <= max(0.01, 1e-6 * value):
            _fail(f"megabytes = {answer:g}; expected {expected:.2f}: {problem}", slip_hint)
    _fail(f"megabytes = {answer:g}; expected {expected:.2f}.", hint)


# --------------------------------------------------------------------------- 07 how filters learn


def _kernel_gradient_cases():
    """``(x, grad_output, kernel_size)`` for valid, stride-1 convolutions of several shapes, seeded."""
    rng = np.random.default_rng(7)
    cases = []
    for (h, w), (kh, kw) in [((5, 5), (3, 3)), ((6, 8), (2, 4)), ((7, 4), (3, 1)), ((4, 4), (4, 4))]:
        x = rng.integers(-3, 4, (h, w)).astype(float)
        grad_output = rng.integers(-2, 3, (h - kh + 1, w - kw + 1)).astype(float)
        cases.append((x, grad_output, (kh, kw)))
    return cases


def check_kernel_gradient(kernel_gradient):
    """Check a learner's ``kernel_gradient(x, grad_output, kernel_size)``: dLoss/dkernel of a 2-D conv.

    ``x`` is ``(H, W)``, ``grad_output`` is dLoss/dy for ``y = conv2d(x, kernel)`` (valid, stride 1),
    shaped ``(H - kh + 1, W - kw + 1)``, and ``kernel_size = (kh, kw)``. The expected answer comes
    from :func:`course_lib.conv.conv2d_backward`.
    """
    from course_lib.conv import conv2d_backward

    hint = (
        "Each weight meets one window of the input per output position: kernel[a, b] multiplies "
        "x[i + a, j + b] to make output (i, j), so grad[a, b] = sum over i, j of "
        "x[i + a, j + b] * grad_output[i, j]. Loop over output positions and add "
        "grad_output[i, j] * x[i:i + kh, j:j + kw] to a (kh, kw) array of zeros."
    )
    for x, grad_output, kernel_size in _kernel_gradient_cases():
        expected = conv2d_backward(x, np.zeros(kernel_size), grad_output)[1]
        where = f"for x of shape {x.shape} and kernel_size={kernel_size}"
        answer = _call_array(
            kernel_gradient, (x.copy(), grad_output.copy(), kernel_size), "kernel_gradient", hint,
            returned_none=("kernel_gradient returned None.", "Build the (kh, kw) gradient and return it."),
            not_numbers="kernel_gradient returned a {type}, not an array.",
        )
        if answer.shape == x.shape != expected.shape:
            _fail(
                f"the result has the shape of x, {x.shape}, {where}: that is the input gradient.",
                "The kernel gradient has one value per weight: shape kernel_size = (kh, kw). " + hint,
            )
        if answer.shape == expected.shape and not np.allclose(answer, expected):
            if np.allclose(answer, expected[::-1, ::-1]):
                _fail(
                    f"the result is the right gradient flipped upside down and left to right, {where}.",
                    "conv2d is a cross-correlation, with no flip: weight (a, b) meets x[i + a, j + b].",
                )
            if np.allclose(answer, expected / grad_output.size):
                _fail(
                    f"the result is the right gradient divided by the number of outputs, {where}.",
                    "Sum over the output positions; do not average. The loss's own averaging is "
                    "already inside grad_output.",
                )
        _same_array(answer, expected, f"kernel_gradient {where}", hint)
    _passed("kernel_gradient equals conv2d_backward's kernel gradient on every shape tried.")


def _softmax_cross_entropy_cases():
    """``(logits, label)`` pairs: random scores for 2 to 10 classes, then very large logits."""
    rng = np.random.default_rng(11)
    cases = [(rng.normal(0, 3, classes), int(rng.integers(classes))) for classes in (2, 3, 5, 10)]
    cases.append((np.array([2.0, 2.0, 2.0, 2.0]), 1))  # equal scores: log(4)
    cases.append((np.array([1000.0, 0.0, -1000.0]), 0))  # sure and right: loss 0
    cases.append((np.array([1000.0, 0.0, -1000.0]), 2))  # sure and wrong: exp overflows, softmax underflows
    return cases


def check_softmax_cross_entropy(softmax_cross_entropy):
    """Check a learner's ``softmax_cross_entropy(logits, label)``: ``-log softmax(logits)[label]``.

    ``logits`` is a 1-D array of class scores and ``label`` the index of the correct class; the
    answer must be one number. The expected value comes from Keras's
    ``SparseCategoricalCrossentropy(from_logits=True)``; the cases include logits of +-1000,
    where computing ``exp`` directly overflows.
    """
    from course_lib.session import import_tensorflow

    import_tensorflow()  # quietly, before Keras imports it
    import keras

    keras_loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    hint = (
        "subtract the largest logit m first (it cancels out), then "
        "loss = log(sum(exp(logits - m))) - (logits[label] - m)."
    )
    for logits, label in _softmax_cross_entropy_cases():
        expected = float(keras_loss(np.array([label]), logits[None].astype(np.float32)))
        where = f"for logits {np.array2string(logits, precision=2)} and label {label}"
        with np.errstate(all="ignore"):  # overflow is the learner's to see in the result
            answer = _call(
                softmax_cross_entropy, (logits.copy(), label), "softmax_cross_entropy", hint
            )
        if answer is None:
            _fail("softmax_cross_entropy returned None.", "Return the loss, one number.")
        if np.ndim(answer) != 0 and np.size(answer) != 1:
            _fail(
                f"softmax_cross_entropy returned {np.size(answer)} values {where}; expected one number.",
                "Pick the probability of the correct class only: -log p[label]. " + hint,
            )
        try:
            answer = float(np.asarray(answer, dtype=float).reshape(()))
        except (TypeError, ValueError):
            _fail(f"softmax_cross_entropy returned a {type(answer).__name__}, not a number.", hint)
        if not np.isfinite(answer):
            _fail(
                f"softmax_cross_entropy returned {answer} {where}.",
                "exp(1000) overflows and exp(-2000) rounds to 0, so softmax then log loses "
                "everything. Stay in the log domain: " + hint,
            )
        if np.isclose(answer, -expected, atol=1e-4) and expected > 1e-4:
            _fail(
                f"softmax_cross_entropy returned {answer:.4f} {where}; expected {expected:.4f}.",
                "The sign is wrong: the loss is MINUS the log-probability, never negative.",
            )
        probabilities = np.exp(logits - logits.max())
        probabilities /= probabilities.sum()
        if np.isclose(answer, probabilities[label], atol=1e-4) and not np.isclose(
            answer, expected, atol=1e-4
        ):
            _fail(
                f"softmax_cross_entropy returned {answer:.4f} {where}: the probability of the "
                "correct class, not the loss.",
                "Take minus its logarithm. " + hint,
            )
        if np.isclose(answer, expected / np.log(10), atol=1e-4) and expected > 1e-4:
            _fail(
                f"softmax_cross_entropy returned {answer:.4f} {where}; expected {expected:.4f}.",
                "Use the natural logarithm (np.log), as Keras does, not log10.",
            )
        if not np.isclose(answer, expected, atol=1e-4, rtol=1e-5):
            _fail(
                f"softmax_cross_entropy returned {answer:.4f} {where}; Keras gives {expected:.4f}.",
                hint,
            )
    _passed(
        "softmax_cross_entropy agrees with Keras's SparseCategoricalCrossentropy, "
        "also for logits of +-1000."
    )


# --------------------------------------------------------------------------- 08 a first CNN in Keras


def _keras():
    """Import Keras quietly (TensorFlow's start-up lines go nowhere) and return it."""
    from course_lib.session import import_tensorflow

    import_tensorflow()
    import keras

    return keras


def _small_cnn(keras):
    """The model that exercise 1 of notebook 08 describes, built the reference way."""
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            keras.layers.Conv2D(16, kernel_size=5, padding="same", activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Conv2D(32, kernel_size=3, activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Flatten(),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )


def _layer_rows(model):
    """``(type name, output shape without the batch axis, parameters, activation)`` per layer."""
    rows = []
    for layer in model.layers:
        kind = type(layer).__name__
        if kind == "InputLayer":
            continue
        activation = getattr(layer, "activation", None)
        rows.append(
            (
                kind,
                tuple(layer.output.shape[1:]),
                layer.count_params(),
                getattr(activation, "__name__", None),
            )
        )
    return rows


def check_small_cnn(build_small_cnn):
    """Check a learner's ``build_small_cnn()`` against the model exercise 1 of notebook 08 describes.

    The reference is built here; the two are compared layer by layer (input layers aside): type,
    output shape, parameter count and activation.
    """
    keras = _keras()
    hint = (
        "keras.Sequential([keras.Input(shape=(28, 28, 1)), Conv2D(16, kernel_size=5, "
        "padding='same', activation='relu'), MaxPooling2D(2), Conv2D(32, kernel_size=3, "
        "activation='relu'), MaxPooling2D(2), Flatten(), Dense(10, activation='softmax')])."
    )
    model = _call(build_small_cnn, (), "build_small_cnn", hint)
    if model is None:
        _fail("build_small_cnn returned None.", "End the function with `return model`. " + hint)
    if not isinstance(model, keras.Model):
        _fail(f"build_small_cnn returned a {type(model).__name__}, not a Keras model.", hint)
    try:
        input_shape = tuple(model.inputs[0].shape[1:])
        rows = _layer_rows(model)
    except (AttributeError, ValueError, IndexError):
        _fail(
            "the model has no input shape yet, so its layers have no output shapes.",
            "Start the list of layers with keras.Input(shape=(28, 28, 1)).",
        )
    if input_shape != (28, 28, 1):
        _fail(
            f"the model's input has shape {input_shape}; expected (28, 28, 1).",
            "The digits are 28x28 grey images: keras.Input(shape=(28, 28, 1)), one channel last.",
        )
    expected = _layer_rows(_small_cnn(keras))
    for number, (want, got) in enumerate(zip(expected, rows), start=1):
        where = f"layer {number} ({want[0]})"
        if got[0] != want[0]:
            extra = (
                "A Dense layer needs a flat vector: put Flatten() between the last pooling layer "
                "and Dense. "
                if want[0] == "Flatten"
                else ""
            )
            _fail(f"layer {number} is a {got[0]}; expected a {want[0]}.", extra + hint)
        if got[1] != want[1]:
            if want[0] == "Conv2D" and got[1][-1] != want[1][-1]:
                extra = f"The number of filters sets the channels: {want[1][-1]} here. "
            elif want[0] == "Conv2D":
                extra = (
                    "padding='same' keeps height and width; the default, 'valid', shrinks them "
                    "by kernel_size - 1. "
                )
            else:
                extra = ""
            _fail(f"{where} outputs {got[1]}; expected {want[1]}.", extra + hint)
        if got[2] != want[2]:
            _fail(
                f"{where} has {got[2]:,} parameters; expected {want[2]:,}.",
                "The output shape is right, so look at kernel_size (and use_bias). " + hint,
            )
        if got[3] != want[3]:
            extra = (
                "The last layer turns scores into probabilities: activation='softmax'. "
                if want[3] == "softmax"
                else ""
            )
            _fail(f"{where} uses the activation {got[3]!r}; expected {want[3]!r}.", extra + hint)
    if len(rows) != len(expected):
        if len(rows) < len(expected):
            _fail(
                f"the model has {len(rows)} layers; the description has {len(expected)}: "
                f"a {expected[len(rows)][0]} is missing at the end.",
                hint,
            )
        _fail(
            f"the model has {len(rows)} layers; the description has {len(expected)}: remove the "
            f"{', '.join(row[0] for row in rows[len(expected) :])} at the end.",
            hint,
        )
    _passed(
        f"all {len(rows)} layers match the description: output {rows[-1][1]}, "
        f"{sum(row[2] for row in rows):,} parameters."
    )


def _probability_cases():
    """``(probabilities, labels)`` pairs: softmax rows of seeded random scores, no ties.

    The first case is square (10 examples, 10 classes), so an argmax over the wrong axis gives a
    wrong number rather than an error; the last two are all right and all wrong.
    """
    rng = np.random.default_rng(8)
    cases = []
    for examples, classes in [(10, 10), (12, 3), (40, 10), (7, 2)]:
        scores = rng.normal(0, 2, (examples, classes))
        probabilities = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
        labels = np.where(
            rng.random(examples) < 0.7,
            probabilities.argmax(axis=1),
            rng.integers(0, classes, examples),
        )
        cases.append((probabilities.astype(np.float32), labels.astype(np.int64)))
    eye = np.eye(4, dtype=np.float32) * 0.7 + 0.075
    cases.append((eye, np.arange(4)))
    cases.append((eye, (np.arange(4) + 1) % 4))
    return cases


def check_accuracy(accuracy):
    """Check a learner's ``accuracy(probabilities, labels)``: the share of rows whose argmax is the label.

    ``probabilities`` is ``(N, classes)``, one softmax row per example, ``labels`` is ``(N,)``
    integers. The expected value comes from ``keras.metrics.SparseCategoricalAccuracy`` (and is
    checked against NumPy).
    """
    keras = _keras()
    hint = (
        "The predicted class of each example is the column of its largest probability, "
        "probabilities.argmax(axis=1); compare it with labels and take the mean of the booleans."
    )
    for probabilities, labels in _probability_cases():
        metric = keras.metrics.SparseCategoricalAccuracy()
        metric.update_state(labels, probabilities)
        expected = float(metric.result())
        predicted = probabilities.argmax(axis=1)
        assert np.isclose(expected, np.mean(predicted == labels))
        case = f"on {len(labels)} examples of {probabilities.shape[1]} classes"
        values = _call_array(
            accuracy, (probabilities.copy(), labels.copy()), "accuracy", hint,
            returned_none=("accuracy returned None.", "Return the number. " + hint),
            not_numbers="accuracy returned a {type}; expected one number.",
        ).reshape(-1)
        if values.size != 1:
            _fail(
                f"accuracy {case} returned {values.size} values; expected one number.",
                "A comparison gives one boolean per example: average them with np.mean(...).",
            )
        value = float(values[0])
        if np.isclose(value, expected, atol=1e-6):
            continue
        correct = int(np.sum(predicted == labels))
        known = [
            (correct, "the number of right answers, not their share (divide by len(labels))"),
            (100 * expected, "a percentage; the accuracy is a fraction between 0 and 1"),
            (1 - expected, "the error rate, the share of wrong answers"),
            (
                probabilities[np.arange(len(labels)), labels].mean(),
                "the mean probability of the right class (pick each row's argmax first)",
            ),
            (probabilities.max(axis=1).mean(), "the mean confidence, right or wrong"),
            (
                np.mean(probabilities.argmax() == labels),
                "argmax without an axis, one index into the flattened array (use axis=1)",
            ),
        ]
        if probabilities.shape[0] == probabilities.shape[1]:
            known += [
                (
                    np.mean(probabilities == labels),
                    (
                        "the share of probabilities equal to a label (turn each row into its "
                        "predicted class with argmax(axis=1) first)"
                    ),
                ),
                (
                    np.mean(probabilities.argmax(axis=0) == labels),
                    (
                        "argmax(axis=0), which finds the best example for each class (each row "
                        "is one example, so the prediction is argmax(axis=1))"
                    ),
                ),
            ]
        matches = [text for wrong, text in known if np.isclose(value, wrong, atol=1e-6)]
        if matches:
            _fail(f"accuracy {case} returned {value:.4g}: that is {', or '.join(matches)}.", hint)
        _fail(f"accuracy {case} returned {value:.4g}; Keras gives {expected:.4g}.", hint)
    _passed(
        f"accuracy agrees with keras.metrics.SparseCategoricalAccuracy on all "
        f"{len(_probability_cases())} cases."
    )


# History dicts as fit returns them, each consistent with EarlyStopping(patience=2): the first
# stops early, the second runs to its last epoch, the third has a tie for the lowest val_loss,
# the fourth improves again after a bad epoch. Training loss and val_accuracy peak elsewhere.
_HISTORY_CASES = [
    {
        "loss": [1.0, 0.6, 0.4, 0.3, 0.2],
        "accuracy": [0.7, 0.82, 0.9, 0.93, 0.96],
        "val_loss": [0.9, 0.5, 0.3, 0.35, 0.32],
        "val_accuracy": [0.7, 0.8, 0.9, 0.92, 0.91],
    },
    {
        "loss": [1.1, 0.7, 0.5, 0.4],
        "accuracy": [0.6, 0.8, 0.86, 0.9],
        "val_loss": [0.8, 0.6, 0.5, 0.45],
        "val_accuracy": [0.75, 0.82, 0.86, 0.85],
    },
    {
        "loss": [0.9, 0.5, 0.35, 0.3],
        "accuracy": [0.7, 0.85, 0.9, 0.92],
        "val_loss": [0.7, 0.4, 0.5, 0.4],
        "val_accuracy": [0.76, 0.86, 0.84, 0.87],
    },
    {
        "loss": [1.5, 0.9, 0.6, 0.5, 0.42, 0.36, 0.3],
        "accuracy": [0.5, 0.7, 0.8, 0.84, 0.87, 0.9, 0.92],
        "val_loss": [1.2, 0.8, 0.6, 0.62, 0.55, 0.58, 0.57],
        "val_accuracy": [0.6, 0.74, 0.8, 0.81, 0.83, 0.85, 0.84],
    },
]


def _restored_by_keras(val_loss, patience=2):
    """Return ``(restored epoch counted from 1, epochs run)`` by feeding ``val_loss`` to EarlyStopping."""
    keras = _keras()
    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
    model.stop_training = False  # fit sets it; the callback reads and writes it
    callback = keras.callbacks.EarlyStopping(patience=patience, restore_best_weights=True)
    callback.set_model(model)
    callback.on_train_begin()
    epochs_run = len(val_loss)
    for epoch, value in enumerate(val_loss):
        callback.on_epoch_end(epoch, {"val_loss": value})
        if model.stop_training:
            epochs_run = epoch + 1
            break
    return callback.best_epoch + 1, epochs_run


def check_restored_epoch(restored_epoch):
    """Check a learner's ``restored_epoch(history)``: the epoch, counted from 1, whose weights
    ``EarlyStopping(restore_best_weights=True)`` (monitoring ``val_loss``) puts back.

    The expected epoch comes from a real ``keras.callbacks.EarlyStopping`` fed each history's
    ``val_loss``, one epoch at a time.
    """
    hint = (
        "EarlyStopping watches val_loss (its default monitor) and keeps the weights of the epoch "
        "with the lowest value; a later epoch must be strictly lower to replace it. Keras counts "
        "epochs from 1: np.argmin(history['val_loss']) + 1."
    )
    for history in _HISTORY_CASES:
        expected, _ = _restored_by_keras(history["val_loss"])
        answer = _call(
            restored_epoch, ({k: list(v) for k, v in history.items()},), "restored_epoch", hint
        )
        if isinstance(answer, bool) or not isinstance(answer, (int, np.integer)):
            _fail(f"restored_epoch returned {answer!r}; expected a whole number (an int).", hint)
        if answer == expected:
            continue
        losses = np.asarray(history["val_loss"])
        known = [
            (
                expected - 1,
                "is the right epoch counted from 0, but Keras and the curves count from 1",
            ),
            (len(losses), "is the last epoch, but restore_best_weights goes back to the best one"),
            (
                int(np.argmin(history["loss"])) + 1,
                "has the lowest training loss, but EarlyStopping watches val_loss",
            ),
            (
                int(np.argmax(history["val_accuracy"])) + 1,
                "has the highest val_accuracy, but EarlyStopping's default monitor is val_loss",
            ),
            (
                int(np.flatnonzero(losses == losses.min())[-1]) + 1,
                (
                    "is the later of two epochs with the same lowest val_loss, but only a "
                    "strictly lower loss counts as an improvement, so the first is kept"
                ),
            ),
        ]
        matches = [text for epoch, text in known if answer == epoch != expected]
        problem = (
            "; or it ".join(matches)
            if matches
            else f"is not the one EarlyStopping restores ({expected})"
        )
        _fail(
            f"restored_epoch returned {answer} for val_loss = {history['val_loss']}: that epoch "
            f"{problem}.",
            hint,
        )
    _passed(
        f"restored_epoch picks the epoch EarlyStopping restores in all {len(_HISTORY_CASES)} "
        "histories."
    )


# --------------------------------------------------------------------------- 10 seeing what a CNN learned


def _maps_shape_models():
    """``(model, [(layer name, input size), ...])``: small CNNs built for any input size."""
    from course_lib.session import import_tensorflow

    import_tensorflow()  # quietly, before Keras imports it
    import keras
    from keras import layers

    first = keras.Sequential(
        [
            keras.Input((None, None, 3)),
            layers.Conv2D(8, 3, padding="same", activation="relu", name="c1"),
            layers.MaxPooling2D(2, name="p1"),
            layers.Conv2D(16, 5, name="c2"),
            layers.MaxPooling2D(3, strides=2, name="p2"),
            layers.Conv2D(4, 3, strides=2, padding="same", name="c3"),
        ],
        name="check_cnn_1",
    )
    second = keras.Sequential(
        [
            keras.Input((None, None, 1)),
            layers.Conv2D(6, 7, strides=2, name="stem"),
            layers.Dropout(0.5, name="drop"),
            layers.MaxPooling2D(2, padding="same", name="pool"),
            layers.Conv2D(12, 3, name="conv"),
            layers.GlobalAveragePooling2D(name="gap"),
        ],
        name="check_cnn_2",
    )
    return [
        (first, [("c1", 32), ("p1", 32), ("c2", 32), ("p2", 32), ("c3", 32), ("c3", 45), ("p2", 29)]),
        (second, [("stem", 28), ("pool", 28), ("conv", 28), ("pool", 41), ("conv", 64)]),
    ]


def check_maps_shape(maps_shape):
    """Check a learner's ``maps_shape(model, name, input_size)``: the ``(H, W, C)`` maps of one layer.

    The models are built for inputs of any size (``keras.Input((None, None, C))``), so their
    ``layer.output.shape`` holds ``None`` and the sizes must be computed. The expected shape comes
    from running the model on an image of zeros.
    """
    import keras

    hint = (
        "walk through model.layers from the first; Conv2D and MaxPooling2D layers change the size "
        "with output_size(size, window, layer.strides[0], layer.padding), and a Conv2D sets the "
        "channels to layer.filters; stop at the layer called name."
    )
    for model, cases in _maps_shape_models():
        channels_in = model.inputs[0].shape[-1]
        for name, input_size in cases:
            layer = model.get_layer(name)
            probe = keras.Model(model.inputs, layer.output)
            zeros = np.zeros((1, input_size, input_size, channels_in), dtype=np.float32)
            expected = tuple(int(v) for v in probe([zeros]).shape[1:])  # inputs: a list of one
            where = f"for layer {name!r} of {model.name} on a {input_size}x{input_size} input"
            answer = _call(maps_shape, (model, name, input_size), "maps_shape", hint)
            if answer is None:
                _fail(
                    f"maps_shape returned None {where}.",
                    "return (size, size, channels) when you reach the layer called name. " + hint,
                )
            try:
                answer = tuple(int(v) for v in answer)
            except (TypeError, ValueError):
                _fail(f"maps_shape returned {answer!r} {where}; expected a tuple of 3 ints.", hint)
            if len(answer) == 4 and answer[1:] == expected:
                _fail(
                    f"maps_shape returned {answer} {where}: with a batch axis.",
                    f"return the shape of one image's maps, (H, W, C) = {expected}, without the batch.",
                )
            if answer == expected:
                continue
            if len(answer) == 3 and answer[:2] == expected[:2]:
                _fail(
                    f"maps_shape returned {answer} {where}; the size is right, the channels are not "
                    f"(expected {expected[2]}).",
                    "a Conv2D layer makes layer.filters channels; pooling keeps the channels it gets.",
                )
            _fail(
                f"maps_shape returned {answer} {where}; expected {expected}.",
                "take every layer's padding and strides into account ('same' gives ceil(n / s), "
                "'valid' floor((n - k) / s) + 1), and the pooling layers too. " + hint,
            )
    _passed("maps_shape gives the shape of every layer tried, in two models and several input sizes.")


def _activation_cases():
    """``(activations, channel, expected, mean_winner, other_winner)``: random maps with three decoys.

    In ``channel``, image ``expected`` holds the largest single value and image ``mean_winner`` the
    largest mean; image ``other_winner`` holds a still larger value in another channel.
    """
    rng = np.random.default_rng(10)
    cases = []
    for images, size, channels, channel in [(7, 4, 5, 2), (12, 6, 3, 0), (5, 3, 8, 7), (9, 5, 4, 3)]:
        activations = rng.uniform(0, 1, (images, size, size, channels)).astype(np.float32)
        spike, flat, other = (int(n) for n in rng.choice(images, 3, replace=False))
        activations[spike, rng.integers(size), rng.integers(size), channel] = 5.0
        activations[flat, :, :, channel] = 3.0  # the largest mean, but not the largest value
        activations[other, rng.integers(size), rng.integers(size), (channel + 1) % channels] = 9.0
        cases.append((activations, channel, spike, flat, other))
    return cases


def check_most_exciting_image(most_exciting_image):
    """Check a learner's ``most_exciting_image(activations, channel)``.

    ``activations`` is ``(images, H, W, channels)``; the answer is the index of the image whose map
    for ``channel`` holds the largest value. In every case one image has the largest single value
    and another the largest mean, and a third image holds an even larger value in another channel.
    """
    hint = (
        "select the channel, activations[:, :, :, channel], take each image's maximum over rows "
        "and columns with .max(axis=(1, 2)), and return int(...argmax())."
    )
    for activations, channel, expected, mean_winner, other_winner in _activation_cases():
        where = f"for activations of shape {activations.shape} and channel {channel}"
        answer = _call(
            most_exciting_image, (activations.copy(), channel), "most_exciting_image", hint
        )
        if answer is None:
            _fail(f"most_exciting_image returned None {where}.", "Return the index. " + hint)
        if np.ndim(answer) != 0:
            _fail(
                f"most_exciting_image returned {np.size(answer)} values {where}; expected one index.",
                hint,
            )
        if not isinstance(answer, (int, np.integer)) or isinstance(answer, bool):
            _fail(
                f"most_exciting_image returned {answer!r} ({type(answer).__name__}) {where}; "
                "expected an int, an image index.",
                hint,
            )
        answer = int(answer)
        if answer == expected:
            continue
        if answer == mean_winner:
            _fail(
                f"most_exciting_image returned image {answer} {where}: the one with the largest mean.",
                "the unit responds most where a single value is largest: use .max, not .mean.",
            )
        if answer == other_winner:
            _fail(
                f"most_exciting_image returned image {answer} {where}: the largest value of "
                "another channel.",
                "look at the given channel only, activations[:, :, :, channel]. " + hint,
            )
        if answer == int(activations[:, :, :, channel].argmax()):
            _fail(
                f"most_exciting_image returned {answer} {where}: the position of the largest "
                "value among all images * H * W values, not an image index.",
                "argmax of a whole (images, H, W) array counts every value; take the maximum per "
                "image first. " + hint,
            )
        if not 0 <= answer < len(activations):
            _fail(
                f"most_exciting_image returned {answer} {where}, but there are only "
                f"{len(activations)} images.",
                hint,
            )
        _fail(f"most_exciting_image returned image {answer} {where}; expected {expected}.", hint)
    _passed("most_exciting_image finds the image with the strongest response in every case.")


def _cam_cases():
    """``(maps, weights, c)``: non-negative maps (after ReLU) and signed Dense weights, seeded."""
    rng = np.random.default_rng(2016)
    cases = []
    for (h, w, k, classes), c in [((5, 5, 8, 3), 1), ((4, 6, 5, 10), 7), ((3, 3, 4, 4), 2), ((7, 7, 16, 10), 0)]:
        maps = np.maximum(rng.normal(size=(h, w, k)), 0)
        weights = rng.normal(size=(k, classes))
        cases.append((maps, weights, c))
    return cases


def check_class_activation_map(class_activation_map):
    """Check a learner's ``class_activation_map(maps, weights, c)``: ``sum_k weights[k, c] * maps[:, :, k]``.

    ``maps`` is ``(H, W, K)`` and ``weights`` is ``(K, classes)``; the answer is ``(H, W)``, without
    ReLU or scaling. The cases include a square ``weights`` (``K == classes``), where using the
    row ``weights[c]`` instead of the column gives the right shape but the wrong map.
    """
    hint = (
        "weigh map k by weights[k, c] and sum over k: maps @ weights[:, c], or "
        "(maps * weights[:, c]).sum(axis=-1)."
    )
    for maps, weights, c in _cam_cases():
        expected = np.tensordot(maps, weights[:, c], axes=([2], [0]))
        where = f"for maps of shape {maps.shape}, weights of shape {weights.shape} and c = {c}"
        answer = _call_array(
            class_activation_map, (maps.copy(), weights.copy(), c), "class_activation_map", hint,
            returned_none=(f"class_activation_map returned None {where}.", "Return the map. " + hint),
            not_numbers="class_activation_map returned a {type}, not an array.",
        )
        if answer.shape == expected.shape and not np.allclose(answer, expected, atol=1e-6):
            if np.allclose(answer, np.maximum(expected, 0), atol=1e-6):
                _fail(
                    f"the map has its negative values set to 0 {where}.",
                    "the CAM keeps negative values (evidence against the class); do not apply ReLU.",
                )
            if np.allclose(answer, expected / maps.shape[-1], atol=1e-6):
                _fail(
                    f"the map is the right one divided by K = {maps.shape[-1]} {where}.",
                    "sum over the K maps; do not average them.",
                )
            if weights.shape[0] == weights.shape[1] and np.allclose(
                answer, maps @ weights[c], atol=1e-6
            ):
                _fail(
                    f"the map uses the row weights[{c}] instead of the column weights[:, {c}] {where}.",
                    "weights has shape (K, classes): the weights of class c are the column "
                    "weights[:, c], one per map.",
                )
            low, high = expected.min(), expected.max()
            if np.allclose(answer, (expected - low) / (high - low), atol=1e-6) or np.allclose(
                answer, expected / np.abs(expected).max(), atol=1e-6
            ):
                _fail(
                    f"the map is rescaled {where}.",
                    "return the raw sum; scale it only when you draw it.",
                )
        _same_array(answer, expected, f"the map {where}", hint, atol=1e-6)
    _passed("class_activation_map equals sum_k weights[k, c] * maps[:, :, k] on every case.")


# --------------------------------------------------------------------------- 09 deeper CNNs, regularisation and augmentation


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


def check_block_output_shapes(block_output_shapes):
    """Check ``block_output_shapes(size, filters, blocks)`` for stacks that double the filters.

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


def check_inverted_dropout(inverted_dropout):
    """Check ``inverted_dropout(x, rate, rng)``, dropout as Keras does it in training.

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


def check_translate(translate):
    """Check ``translate(x, dy, dx)``: a batch ``(N, H, W, C)`` moved ``dy`` rows down and ``dx``
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


# --------------------------------------------------------------------------- 13 VGG


def _pair_of_numbers(answer, call, hint):
    """Return ``answer`` as two numbers, or fail saying what ``call`` returned instead."""
    if answer is None:
        _fail(f"{call} returned None.", "End the function with `return field, params`. " + hint)
    try:
        first, second = answer
        return float(first), float(second)
    except (TypeError, ValueError):
        _fail(f"{call} returned {answer!r}; expected a pair of numbers (field, params).", hint)


def check_stacked_3x3(stacked_3x3):
    """Check a learner's ``stacked_3x3(n, channels)``: ``(field, params)`` of ``n`` stacked 3x3 convolutions.

    Each convolution has stride 1, ``channels`` input channels and ``channels`` filters, with
    biases. ``field`` is the side of the input window one output unit sees. The expected values
    come from :func:`course_lib.counting.receptive_field` and :func:`course_lib.counting.conv2d_params`.
    """
    from course_lib.counting import conv2d_params, receptive_field

    hint = (
        "Each extra 3x3 layer widens the field by 2 pixels: receptive_field([(3, 1)] * n).size. "
        "Each layer has conv2d_params(3, channels, channels) parameters (9 * channels * channels "
        "weights and channels biases), and there are n layers."
    )
    cases = [(n, c) for n in (1, 2, 3, 4) for c in (1, 3, 64, 256)]
    for n, channels in cases:
        field = receptive_field([(3, 1)] * n).size
        params = n * conv2d_params(3, channels, channels)
        call = f"stacked_3x3({n}, {channels})"
        got_field, got_params = _pair_of_numbers(_call(stacked_3x3, (n, channels), "stacked_3x3", hint), call, hint)
        if got_field != field:
            known = [
                (3 * n, "adds up the kernel sizes, but neighbouring layers overlap: each layer after "
                        "the first adds 2 pixels, not 3"),
                (field * field, "is the field's area; give its side"),
                (n, "is the number of layers"),
            ]
            why = next((text for value, text in known if got_field == value), None)
            _fail(
                f"{call} gave field {got_field:g}; expected {field}" + (f": {got_field:g} {why}." if why else "."),
                hint,
            )
        if got_params != params:
            known = [
                (n * conv2d_params(3, channels, channels, use_bias=False),
                 "counts the weights but not the biases (one per filter in every layer)"),
                (conv2d_params(field, channels, channels),
                 f"is one {field}x{field} convolution, the single layer the stack replaces"),
                (conv2d_params(3, channels, channels), "is one 3x3 layer; the stack has n of them"),
                (n * (9 * channels + channels), "gives each layer only 9 * channels weights, but each of "
                                                "its channels filters has 3 x 3 x channels weights"),
            ]
            why = next((text for value, text in known if got_params == value), None)
            _fail(
                f"{call} gave {got_params:,.0f} parameters; expected {params:,}"
                + (f": {got_params:,.0f} {why}." if why else "."),
                hint,
            )
    _passed(f"stacked_3x3 agrees with receptive_field and conv2d_params on all {len(cases)} stacks.")


def check_first_dense_params(first_dense_params):
    """Check a learner's ``first_dense_params(side)``: the parameters of VGG16's ``fc1`` on a
    ``side x side`` input.

    Five 2x2 poolings leave ``side // 32`` pixels per side (floor), times 512 channels, all
    connected to 4,096 units with biases. The expected value is recomputed with
    :func:`course_lib.counting.dense_params` and, for 224, checked against the VGG16 builder's layer.
    """
    from course_lib.counting import dense_params

    hint = (
        "Each of the five 2x2 poolings halves the side (rounding down): side // 32 pixels are left. "
        "Flatten gives (side // 32) ** 2 * 512 values, and fc1 has dense_params(that, 4096) "
        "parameters."
    )
    sides = (224, 32, 64, 100, 256, 320, 383)
    for side in sides:
        final = side // 32
        expected = dense_params(final * final * 512, 4096)
        answer = _call(first_dense_params, (side,), "first_dense_params", hint)
        value = _whole_number(answer, "first_dense_params", hint)
        if value == expected:
            continue
        known = [
            (dense_params(final * final * 512, 4096, use_bias=False), "counts the weights but forgets the 4,096 biases"),
            ((side / 32) ** 2 * 512 * 4096 + 4096, "does not round down: a pooling of an odd side drops the last row"),
            (dense_params((side // 16) ** 2 * 512, 4096), "halves the side four times; VGG16 has five poolings"),
            (dense_params(final * final, 4096), "forgets the 512 channels of the last feature map"),
            (dense_params(final * 512, 4096), "uses one side of the map instead of side x side positions"),
            (dense_params(7 * 7 * 512, 4096), "is the count for 224x224 whatever the side: the map shrinks or grows with the input"),
        ]
        why = next((text for wrong, text in known if np.isclose(value, wrong)), None)
        _fail(
            f"first_dense_params({side}) returned {value:,.0f}; expected {expected:,}"
            + (f": that {why}." if why else "."),
            hint,
        )
    _passed(f"first_dense_params is right for sides {', '.join(map(str, sides))}.")


# --------------------------------------------------------------------------- 14 GoogLeNet


def check_module_params(module_params):
    """Check a learner's ``module_params(c_in, f1, f3_reduce, f3, f5_reduce, f5, pool_proj)``: the
    parameters of one inception module, biases included.

    The expected count is that of a module built by ``course_lib.architectures.googlenet``
    (``inception_module``) in Keras.
    """
    keras = _keras()
    from course_lib.architectures import googlenet
    from course_lib.counting import conv2d_params

    hint = (
        "Six convolutions, each conv2d_params(kernel_size, c_in, filters) with biases: 1x1 on c_in "
        "(f1); 1x1 on c_in (f3_reduce), then 3x3 on f3_reduce channels (f3); 1x1 on c_in "
        "(f5_reduce), then 5x5 on f5_reduce channels (f5); and the 1x1 after the pooling, on c_in "
        "channels (pool_proj). The pooling has no parameters."
    )
    cases = [(192, *googlenet.GOOGLENET_MODULES["3a"]), (3, 1, 2, 3, 4, 5, 6),
             (528, *googlenet.GOOGLENET_MODULES["4e"]), (16, *googlenet.SMALL_MODULES["a"])]
    for c_in, *filters in cases:
        x = keras.Input((4, 4, c_in))
        with keras.StatelessScope(initialize_variables=False):  # shapes only: no random weights drawn
            expected = keras.Model(x, googlenet.inception_module(x, *filters, name="m")).count_params()
        f1, f3r, f3, f5r, f5, pp = filters
        call = f"module_params({c_in}, {', '.join(map(str, filters))})"
        value = _whole_number(_call(module_params, (c_in, *filters), "module_params", hint), "module_params", hint)
        if value == expected:
            continue
        known = [
            (googlenet.inception_params(c_in, *filters, use_bias=False), "counts the weights but not the biases"),
            (googlenet.inception_params(c_in, *filters, bottlenecks=False),
             "lets the 3x3 and 5x5 filters see all c_in channels and leaves out the reduce layers: "
             "that is the module without bottlenecks"),
            (expected - conv2d_params(1, c_in, f3r) - conv2d_params(1, c_in, f5r),
             "leaves out the two 1x1 reduce layers, which are convolutions with parameters too"),
            (expected - conv2d_params(1, c_in, pp), "leaves out the 1x1 convolution after the pooling (pool_proj)"),
            (expected - conv2d_params(5, f5r, f5) + conv2d_params(3, f5r, f5), "gives the 5x5 convolution 3x3 kernels"),
        ]
        why = next((text for wrong, text in known if value == wrong), None)
        _fail(f"{call} returned {value:,}; expected {expected:,}" + (f": that {why}." if why else "."), hint)
    _passed(f"module_params agrees with Keras on all {len(cases)} modules.")


def check_aux_head_params(aux_head_params):
    """Check a learner's ``aux_head_params(c_in, side, classes)``: the parameters of GoogLeNet's
    auxiliary classifier on a ``side x side x c_in`` map.

    The head: 5x5 average pooling with stride 3 (no padding), 1x1 convolution with 128 filters,
    flatten, dense 1,024, dropout, dense ``classes``. The expected count is that of the head built
    by ``course_lib.architectures.googlenet.auxiliary_classifier`` in Keras.
    """
    keras = _keras()
    from course_lib.architectures import googlenet
    from course_lib.counting import conv2d_params, dense_params

    hint = (
        "The pooling leaves (side - 5) // 3 + 1 pixels per side (4 for 14). Then "
        "conv2d_params(1, c_in, 128) + dense_params(pooled * pooled * 128, 1024) + "
        "dense_params(1024, classes)."
    )
    cases = [(512, 14, 1000), (40, 16, 6), (528, 14, 1000), (64, 8, 10), (32, 20, 5)]
    for c_in, side, classes in cases:
        x = keras.Input((side, side, c_in))
        with keras.StatelessScope(initialize_variables=False):  # shapes only: no random weights drawn
            expected = keras.Model(x, googlenet.auxiliary_classifier(x, classes, "aux")).count_params()
        pooled = (side - 5) // 3 + 1
        head = dense_params(1024, classes)
        call = f"aux_head_params({c_in}, {side}, {classes})"
        value = _whole_number(_call(aux_head_params, (c_in, side, classes), "aux_head_params", hint),
                              "aux_head_params", hint)
        if value == expected:
            continue
        known = [
            (conv2d_params(1, c_in, 128, use_bias=False) + dense_params(pooled**2 * 128, 1024, use_bias=False)
             + dense_params(1024, classes, use_bias=False), "counts the weights but not the biases"),
            (conv2d_params(1, c_in, 128) + dense_params(side**2 * 128, 1024) + head,
             "flattens the map before the pooling; the 5x5/3 pooling shrinks it first"),
            (conv2d_params(1, c_in, 128) + dense_params(128, 1024) + head,
             "flattens only the 128 channels of one position; Flatten keeps every position"),
            (dense_params(pooled**2 * c_in, 1024) + head, "leaves out the 1x1 convolution down to 128 channels"),
            (conv2d_params(1, c_in, 128) + dense_params((side // 3) ** 2 * 128, 1024) + head,
             "divides the side by 3, but a 5x5 window with stride 3 fits (side - 5) // 3 + 1 times"),
            (conv2d_params(1, c_in, 128) + dense_params(pooled**2 * 128, 1024),
             "leaves out the last dense layer, the classifier itself"),
        ]
        why = next((text for wrong, text in known if value == wrong), None)
        _fail(f"{call} returned {value:,}; expected {expected:,}" + (f": that {why}." if why else "."), hint)
    _passed(f"aux_head_params agrees with Keras on all {len(cases)} heads.")


# --------------------------------------------------------------------------- 16 Xception


def _pointwise_cases():
    """``(maps, kernel, bias)`` triples: (H, W, C_in) maps, a (C_in, C_out) kernel, (C_out,) biases.

    The second case is square (C_in == C_out), so a transposed kernel gives wrong numbers rather
    than an error.
    """
    rng = np.random.default_rng(16)
    cases = []
    for h, w, c_in, c_out in [(5, 7, 3, 4), (4, 4, 6, 6), (1, 9, 8, 2), (6, 5, 1, 3)]:
        cases.append(
            (
                rng.normal(size=(h, w, c_in)).astype(np.float32),
                rng.normal(size=(c_in, c_out)).astype(np.float32),
                rng.normal(size=c_out).astype(np.float32),
            )
        )
    return cases


def check_pointwise_conv(pointwise_conv):
    """Check a learner's ``pointwise_conv(maps, kernel, bias)``: a 1x1 convolution of ``(H, W, C_in)`` maps.

    ``kernel`` is ``(C_in, C_out)`` and ``bias`` ``(C_out,)``; the expected ``(H, W, C_out)``
    output comes from a Keras ``Conv2D(C_out, 1)`` whose weights are set to ``kernel`` and ``bias``.
    """
    keras = _keras()
    hint = (
        "At every pixel the C_in values are multiplied by the (C_in, C_out) kernel: maps @ kernel "
        "gives (H, W, C_out); then add bias, which broadcasting adds at every pixel."
    )
    for maps, kernel, bias in _pointwise_cases():
        layer = keras.layers.Conv2D(kernel.shape[1], 1)
        layer.build((None, *maps.shape))
        layer.set_weights([kernel[None, None], bias])
        expected = keras.ops.convert_to_numpy(layer(maps[None]))[0].astype(np.float64)
        case = f"pointwise_conv on {maps.shape} maps with a {kernel.shape} kernel"
        values = _call_array(
            pointwise_conv, (maps.copy(), kernel.copy(), bias.copy()), "pointwise_conv", hint,
            not_numbers=case + " should be a numeric array; received {type}.",
            returned_none=(f"{case} returned None.", "End the function with `return ...`. " + hint),
        )
        if values.shape == expected.shape:
            if np.allclose(values, expected - bias, atol=1e-4):
                _fail(f"{case}: every value is off by the bias.", "Add bias after the product. " + hint)
            if kernel.shape[0] == kernel.shape[1] and np.allclose(values, maps @ kernel.T + bias, atol=1e-4):
                _fail(
                    f"{case}: the result uses the kernel transposed.",
                    "kernel[i, j] is the weight from input channel i to output channel j: "
                    "maps @ kernel, not maps @ kernel.T.",
                )
        _same_array(values, expected, case, hint, atol=1e-4)
    _passed(f"pointwise_conv agrees with a Keras 1x1 Conv2D on all {len(_pointwise_cases())} cases.")


# One middle-flow block of Xception: three (ReLU, 3x3 convolution of 728 filters, batch
# normalization) on 19 x 19 x 728 maps, and an identity shortcut.
_MIDDLE_BLOCK = {"input_shape": (19, 19, 728), "filters": 728, "kernel_size": 3, "convolutions": 3}


def check_middle_block_params(block_separable, block_regular):
    """Check the parameters of one Xception middle-flow block, and of the same block with ``Conv2D``.

    ``block_separable`` is recomputed by building ``xception.middle_block`` in Keras and
    ``block_regular`` by building three ``ReLU, Conv2D(728, 3, padding="same", use_bias=False),
    BatchNormalization`` (both inside ``keras.StatelessScope``, which skips the random values).
    """
    from course_lib.architectures import xception

    keras = _keras()
    shape, filters = _MIDDLE_BLOCK["input_shape"], _MIDDLE_BLOCK["filters"]
    k, n = _MIDDLE_BLOCK["kernel_size"], _MIDDLE_BLOCK["convolutions"]
    with keras.StatelessScope(initialize_variables=False):
        x = keras.Input(shape)
        expected_separable = keras.Model(x, xception.middle_block(x, block=5)).count_params()
        layers = [keras.Input(shape)]
        for _ in range(n):
            layers += [
                keras.layers.ReLU(),
                keras.layers.Conv2D(filters, k, padding="same", use_bias=False),
                keras.layers.BatchNormalization(),
            ]
        expected_regular = keras.Sequential(layers).count_params()
    hint = (
        f"Per convolution: separable_conv2d_params({k}, {filters}, {filters}, use_bias=False) or "
        f"conv2d_params({k}, {filters}, {filters}, use_bias=False), plus batch_norm_params({filters}); "
        f"{n} convolutions per block. ReLU and the addition have no weights."
    )
    batch_norm = 4 * filters
    for name, answer, expected in (
        ("block_separable", block_separable, expected_separable),
        ("block_regular", block_regular, expected_regular),
    ):
        answer = _whole_number(answer, name, hint)
        if answer == expected:
            continue
        convolutions = expected - n * batch_norm
        slips = [
            (convolutions, "the batch normalizations are missing.",
             f"Each convolution is followed by BatchNormalization: {batch_norm:,} parameters each."),
            (expected - n * batch_norm // 2, "it counts half of each batch normalization.",
             "BatchNormalization has 4 numbers per channel: gamma and beta (trained) and the moving "
             "mean and variance (not trained, but counted)."),
            (expected // n, f"that is one convolution; the block has {n}.", hint),
            (convolutions // n, f"that is one convolution without its normalization; the block has {n}.", hint),
            (expected + n * filters, "it counts a bias per filter.",
             "The convolutions have use_bias=False: batch normalization's beta does the shifting."),
        ]
        other = expected_regular if name == "block_separable" else expected_separable
        slips.append((other, "that is the other block's count: the two answers are swapped.", hint))
        for value, problem, slip_hint in slips:
            if answer == value:
                _fail(f"{name} = {answer:,}; expected {expected:,}: {problem}", slip_hint)
        _fail(f"{name} = {answer:,}; Keras counts {expected:,}.", hint)
    _passed(
        f"a middle-flow block has {expected_separable:,} parameters; with regular convolutions it "
        f"would have {expected_regular:,}, {expected_regular / expected_separable:.1f} times as many."
    )


# --------------------------------------------------------------------------- 11 LeNet-5


def _partial_tables():
    """``(table, kernel_size)`` cases: LeNet-5's C3, a full table, and two small irregular ones."""
    from course_lib.architectures import lenet

    return [
        (lenet.C3_TABLE, 5),
        (tuple(tuple(range(6)) for _ in range(16)), 5),
        (((0,), (1, 2), (0, 1, 2)), 3),
        (((0, 3), (1,), (2, 3), (0, 1, 2, 3), (1, 2)), 7),
    ]


def check_partial_params(partial_params):
    """Check a learner's ``partial_params(table, kernel_size)``: the parameters of a partly connected layer.

    The expected count is :func:`course_lib.architectures.lenet.partial_conv2d_params`: one
    single-filter ``Conv2D`` per output map, over the maps its row of the table lists.
    """
    from course_lib import counting

    hint = (
        "Output map i has kernel_size * kernel_size weights for each input map it reads, "
        "len(table[i]) of them, and one bias: sum(kernel_size * kernel_size * len(inputs) + 1 "
        "for inputs in table)."
    )
    for table, k in _partial_tables():
        expected = sum(counting.conv2d_params(k, len(inputs), 1) for inputs in table)
        answer = _call(partial_params, (table, k), "partial_params", hint)
        name = f"partial_params(table of {len(table)} maps, {k})"
        answer = _whole_number(answer, name, hint)
        if answer == expected:
            continue
        known = [
            (expected - len(table), "leaves out the biases: each output map has one"),
            (sum(k * len(inputs) + 1 for inputs in table),
             "counts kernel_size weights per input map; a kernel_size x kernel_size filter has its square"),
            (len(table) * (k * k * max(map(len, table)) + 1),
             "gives every output map as many inputs as the longest row of the table"),
        ]
        problem = next((text for value, text in known if answer == value), f"should be {expected:,}")
        _fail(f"{name} = {answer:,}: it {problem}.", hint)
    _passed("partial_params gives 1,516 for LeNet-5's C3 and the right count for every table tried.")


def check_flatten_length(flatten_length):
    """Check a learner's ``flatten_length(side)``: the values LeNet-5's ``flatten`` layer passes on.

    The expected value follows each layer of :func:`course_lib.architectures.lenet.lenet5` with
    :func:`course_lib.conv.output_size` (5x5 convolution, 2x2 pooling with stride 2, twice).
    """
    from course_lib.conv import output_size

    hint = (
        "A 5x5 convolution without padding gives side - 4; a 2x2 pooling gives side // 2 (an odd "
        "last row is dropped). Do both twice, then multiply the final side by itself and by 16 maps."
    )
    for side in (32, 28, 33, 64, 100, 16):
        s = side
        for kernel, stride in ((5, 1), (2, 2), (5, 1), (2, 2)):
            s = output_size(s, kernel, stride)
        expected = s * s * 16
        answer = _whole_number(_call(flatten_length, (side,), "flatten_length", hint), f"flatten_length({side})", hint)
        if answer == expected:
            continue
        if answer == s:
            problem = f"is the side of the last map ({s}); flatten passes side x side x 16 values"
        elif answer == s * s:
            problem = f"counts one map ({s}x{s}); S4 has 16 of them"
        else:
            problem = f"should be {expected:,} ({s}x{s}x16)"
        _fail(f"flatten_length({side}) = {answer:,}: it {problem}.", hint)
    _passed("flatten_length matches LeNet-5's flatten layer for inputs from 16x16 to 100x100.")


# --------------------------------------------------------------------------- 12 AlexNet


def _lrn_cases():
    """``(a, n, k, alpha, beta)``: maps on the last axis, large enough that alpha matters."""
    rng = np.random.default_rng(12)
    return [
        (np.abs(rng.normal(scale=60, size=(2, 3, 4, 8))).astype(np.float32), 5, 2.0, 1e-4, 0.75),
        (np.abs(rng.normal(scale=30, size=(5, 7))).astype(np.float32), 3, 1.0, 1e-3, 0.5),
        (rng.normal(scale=100, size=(6,)).astype(np.float32), 5, 2.0, 1e-4, 0.75),
        (np.ones((1, 1, 1, 5), np.float32), 5, 2.0, 1e-4, 0.75),
    ]


def _lrn_reference(a, n, k, alpha, beta, tf):
    """The paper's formula through ``tf.nn.local_response_normalization`` (maps on the last axis)."""
    x = a.reshape((-1, 1, 1, a.shape[-1]))
    y = tf.nn.local_response_normalization(x, depth_radius=n // 2, bias=k, alpha=alpha, beta=beta)
    return y.numpy().reshape(a.shape).astype(np.float64)


def check_lrn(lrn):
    """Check a learner's ``lrn(a, n=5, k=2.0, alpha=1e-4, beta=0.75)``: AlexNet's local response normalisation.

    ``a`` holds maps on its last axis; the expected values come from
    ``tf.nn.local_response_normalization`` with ``depth_radius = n // 2``.
    """
    from course_lib.session import import_tensorflow

    tf = import_tensorflow()
    hint = (
        "For each map i, add up a[..., j] ** 2 over j from max(0, i - n // 2) to "
        "min(N - 1, i + n // 2), then divide a[..., i] by (k + alpha * that sum) ** beta. A loop "
        "over i with a[..., lo:hi + 1] works for any number of leading axes."
    )
    for a, n, k, alpha, beta in _lrn_cases():
        expected = _lrn_reference(a, n, k, alpha, beta, tf)
        case = f"lrn(a of shape {a.shape}, n={n}, k={k}, alpha={alpha}, beta={beta})"
        values = _call_array(
            lrn, (a.copy(), n, k, alpha, beta), "lrn", hint,
            not_numbers=case + " should be a numeric array; received {type}.",
            returned_none=(f"{case} returned None.", "End the function with `return ...`. " + hint),
        )
        if values.shape == expected.shape and not np.allclose(values, expected, rtol=1e-4):
            mistakes = [
                (_lrn_reference(a, n, k, alpha / n, beta, tf),
                 ("alpha is divided by n (as Caffe and PyTorch do); in the paper and in TensorFlow "
                  "it multiplies the sum directly")),
                (_lrn_reference(a, 2 * n + 1, k, alpha, beta, tf),
                 "the window reaches n maps on each side; it holds n maps in all, n // 2 on each side"),
                (a / (k + alpha * a.astype(np.float64) ** 2) ** beta,
                 "only the map itself is in the sum; it should add up its neighbours too"),
            ]
            for wrong, text in mistakes:
                if np.allclose(values, wrong, rtol=1e-4):
                    _fail(f"{case}: {text}.", hint)
        _same_array(values, expected, case, hint, atol=1e-4 * max(1.0, float(np.abs(expected).max())))
    _passed("lrn agrees with tf.nn.local_response_normalization, window edges and all.")


def check_dropout(dropout):
    """Check a learner's ``dropout(x, rate, rng)``: inverted dropout as Keras applies it during training.

    Each value is zeroed with probability ``rate`` and the others are divided by ``1 - rate``, so
    the expected sum is unchanged. The random draws must come from ``rng`` (a NumPy
    ``Generator``), so the same seed gives the same mask.
    """
    hint = (
        "Draw keep = rng.random(x.shape) >= rate (True with probability 1 - rate), then return "
        "np.where(keep, x / (1 - rate), 0.0): the survivors are scaled up so the expected output "
        "equals x."
    )
    x = np.random.default_rng(0).normal(size=(400, 500)) + 3.0  # no zeros in x itself
    for rate in (0.5, 0.2, 0.0):
        case = f"dropout(x, rate={rate}, rng)"
        values = _call_array(
            dropout, (x.copy(), rate, np.random.default_rng(1)), "dropout", hint,
            not_numbers=case + " returned {type}; expected an array like x.",
        )
        if values.shape != x.shape:
            _fail(f"{case} has shape {values.shape}; expected {x.shape}.", hint)
        dropped = values == 0
        kept = ~dropped
        share = dropped.mean()
        if abs(share - rate) > 0.01:
            _fail(
                f"{case} zeroes {share:.1%} of the values; expected about {rate:.0%}.",
                "rate is the probability of dropping a value, not of keeping it. " + hint,
            )
        if rate and np.allclose(values[kept], x[kept]):
            _fail(
                f"{case} keeps the surviving values unchanged.",
                "Without scaling, the layer's output shrinks by (1 - rate) on average during "
                "training but not at test time. " + hint,
            )
        if rate and np.allclose(values[kept], x[kept] * (1 - rate)):
            _fail(f"{case} multiplies the survivors by 1 - rate; divide by it instead.", hint)
        if not np.allclose(values[kept], x[kept] / (1 - rate)):
            _fail(f"{case}: the surviving values should be x / (1 - rate) at the same positions.", hint)
        again = _call_array(
            dropout, (x.copy(), rate, np.random.default_rng(1)), "dropout", hint,
            not_numbers=case + " returned {type}; expected an array like x.",
        )
        if not np.array_equal(again, values):
            _fail(
                f"{case} gives a different mask with the same seed.",
                "Draw the random numbers from the rng argument (rng.random(...)), not from "
                "np.random, so a seed reproduces the mask. " + hint,
            )
    _passed("dropout zeroes the right share of values, scales the rest by 1 / (1 - rate) and uses rng.")


# --------------------------------------------------------------------------- 15 ResNet


def _whole_count(answer, call, hint):
    """Return ``answer`` as an int, or fail saying what ``call`` returned instead."""
    if answer is None:
        _fail(f"{call} returned None.", "End the function with `return ...`. " + hint)
    if isinstance(answer, bool):
        _fail(f"{call} returned {answer!r}; expected a whole number.", hint)
    try:
        value = float(answer)
    except (TypeError, ValueError):
        _fail(f"{call} returned {answer!r}; expected a whole number.", hint)
    if value != int(value):
        _fail(f"{call} returned {value:g}; expected a whole number.", hint)
    return int(value)


def check_residual_unit_params(residual_unit_params):
    """Check a learner's ``residual_unit_params(c_in, filters, strides)``: the parameters of
    ``resnet.ResidualUnit(filters, strides)`` on an input with ``c_in`` channels.

    The expected count is ``count_params()`` of a real ``ResidualUnit`` built for each case.
    """
    _keras()  # TensorFlow's start-up lines go nowhere
    from course_lib.architectures.resnet import ResidualUnit
    from course_lib.counting import batch_norm_params, conv2d_params

    hint = (
        "Two 3x3 convolutions without bias, conv2d_params(3, c_in, filters, use_bias=False) and "
        "conv2d_params(3, filters, filters, use_bias=False), each followed by batch_norm_params("
        "filters); plus, only when strides != 1 or c_in != filters, a 1x1 projection "
        "conv2d_params(1, c_in, filters, use_bias=False) and one more batch_norm_params(filters)."
    )
    cases = [(64, 64, 1), (64, 128, 2), (128, 128, 1), (3, 16, 1), (256, 512, 2), (32, 32, 2)]
    for c_in, filters, strides in cases:
        unit = ResidualUnit(filters, strides=strides)
        unit.build((None, 8, 8, c_in))
        expected = unit.count_params()
        call = f"residual_unit_params({c_in}, {filters}, {strides})"
        answer = _call(residual_unit_params, (c_in, filters, strides), "residual_unit_params", hint)
        answer = _whole_count(answer, call, hint)
        if answer == expected:
            continue
        projects = strides != 1 or c_in != filters
        projection = conv2d_params(1, c_in, filters, use_bias=False) + batch_norm_params(filters)
        branch = expected - (projection if projects else 0)
        known = [
            (branch + projection, "adds a projection, but the shortcut is the identity when the "
                                  "stride is 1 and the channels do not change"),
            (branch, "leaves out the 1x1 projection the shortcut needs when the shape changes"),
            (expected - 2 * filters * (3 if projects else 2),
             "counts only gamma and beta of each batch normalisation; count_params() also counts "
             "the moving mean and variance (batch_norm_params gives all four)"),
            (expected - 4 * filters * (3 if projects else 2), "leaves out the batch normalisations"),
            (expected + filters * (3 if projects else 2),
             "adds biases, but these convolutions have use_bias=False"),
        ]
        _fail_with_known_mistakes(call, answer, expected, known, hint)
    _passed(f"residual_unit_params matches ResidualUnit.count_params() in all {len(cases)} cases.")


def _bottleneck_expected(height, width, channels, filters):
    """MACs of a 1x1 / 3x3 / 1x1 stack from ``counting.profile`` of a real Keras model."""
    keras = _keras()
    from course_lib.counting import profile

    L = keras.layers
    x = keras.Input((height, width, channels))
    y = L.Conv2D(filters, 1)(x)
    y = L.Conv2D(filters, 3, padding="same")(y)
    y = L.Conv2D(channels, 1)(y)
    return profile(keras.Model(x, y)).macs


def check_bottleneck_macs(bottleneck_macs):
    """Check a learner's ``bottleneck_macs(height, width, channels, filters)``: the MACs of a
    bottleneck's 1x1 (channels -> filters), 3x3 (filters -> filters, "same") and 1x1
    (filters -> channels) convolutions on a ``height x width`` map.

    The expected value comes from :func:`course_lib.counting.profile` of a Keras model of the three
    convolutions.
    """
    hint = (
        "Every convolution keeps the height and width, so each costs height * width * kh * kw * "
        "c_in * c_out: conv2d_macs(height, width, 1, channels, filters) + conv2d_macs(height, "
        "width, 3, filters, filters) + conv2d_macs(height, width, 1, filters, channels)."
    )
    cases = [(56, 56, 256, 64), (7, 7, 2048, 512), (8, 6, 32, 8), (1, 1, 4, 1), (14, 14, 1024, 256)]
    for height, width, channels, filters in cases:
        expected = _bottleneck_expected(height, width, channels, filters)
        call = f"bottleneck_macs({height}, {width}, {channels}, {filters})"
        answer = _whole_count(
            _call(bottleneck_macs, (height, width, channels, filters), "bottleneck_macs", hint), call, hint
        )
        if answer == expected:
            continue
        positions = height * width
        reduce, middle, expand = channels * filters, 9 * filters * filters, filters * channels
        known = [
            (positions * (reduce + filters * filters + expand),
             "counts the 3x3 convolution as 1x1: each output costs 3 * 3 * filters MACs per filter"),
            (positions * (reduce + middle), "leaves out the 1x1 expansion back to channels"),
            (positions * (middle + expand), "leaves out the 1x1 reduction"),
            (reduce + middle + expand, "is the number of weights (MACs per position); multiply by "
                                       "height * width"),
            (positions * 9 * (reduce + filters * filters + expand), "makes every convolution 3x3"),
            (positions * 2 * 9 * channels * channels, "is two 3x3 convolutions at full width, the "
                                                      "unit the bottleneck replaces"),
        ]
        _fail_with_known_mistakes(call, answer, expected, known, hint)
    _passed(f"bottleneck_macs agrees with counting.profile on all {len(cases)} maps.")


# --------------------------------------------------------------------------- 17 SENet


def check_se_block_params(se_block_params):
    """Check a learner's ``se_block_params(channels, reduction)``: the parameters of one SE block,
    ``Dense(C / r, relu)`` then ``Dense(C, sigmoid)``, both with biases.

    The expected count is ``count_params()`` of a real ``senet.se_block`` built for each case.
    """
    keras = _keras()
    from course_lib.architectures import senet

    hint = (
        "Squeezing and scaling learn nothing. The first Dense layer has C * (C / r) weights and "
        "C / r biases, the second (C / r) * C weights and C biases: 2 * C * C / r + C / r + C "
        "(dense_params does each layer)."
    )
    cases = [(64, 16), (256, 16), (2048, 16), (32, 4), (96, 8), (6, 1)]
    for channels, reduction in cases:
        x = keras.Input((4, 4, channels))
        expected = keras.Model(x, senet.se_block(x, reduction)).count_params()
        call = f"se_block_params({channels}, {reduction})"
        answer = _call(se_block_params, (channels, reduction), "se_block_params", hint)
        answer = _whole_count(answer, call, hint)
        if answer == expected:
            continue
        hidden = channels // reduction
        known = [
            (2 * channels * hidden, "counts the weights but not the biases of the two Dense layers"),
            (2 * channels * hidden + hidden,
             "leaves out the biases of the second Dense layer (C of them)"),
            (2 * channels * hidden + channels,
             "leaves out the biases of the first Dense layer (C / r of them)"),
            (channels * hidden + hidden, "counts only the first Dense layer; the excitation has two"),
            (2 * channels * channels * reduction + channels * reduction + channels,
             "multiplies by the reduction; the hidden layer has C / r units, fewer than C"),
            (2 * channels * channels + 2 * channels, "leaves out the reduction: the hidden layer has C / r units"),
        ]
        _fail_with_known_mistakes(call, answer, expected, known, hint)
    _passed(f"se_block_params matches the Keras SE block in all {len(cases)} cases.")


def check_se_resnet50_extra(se_resnet50_extra):
    """Check a learner's ``se_resnet50_extra(reduction)``: the parameters that SE blocks add to
    ResNet-50, one block per bottleneck unit, on its ``4 * filters`` output channels.

    The expected value is recomputed from ``resnet.RESNET50_STAGES`` and ``senet.se_params``
    (tests/test_architectures_senet.py checks that sum against the built SE-ResNet-50).
    """
    _keras()  # TensorFlow's start-up lines go nowhere
    from course_lib.architectures import resnet, senet

    hint = (
        "Every one of the 3 + 4 + 6 + 3 = 16 bottleneck units gets its own SE block, on the "
        "unit's output channels, 4 * filters (256, 512, 1024, 2048): sum units * se_params(4 * "
        "filters, reduction) over resnet.RESNET50_STAGES."
    )
    stages = resnet.RESNET50_STAGES
    for reduction in (16, 8, 4, 32):
        expected = sum(units * senet.se_params(4 * filters, reduction) for filters, units in stages)
        call = f"se_resnet50_extra({reduction})"
        answer = _whole_count(_call(se_resnet50_extra, (reduction,), "se_resnet50_extra", hint), call, hint)
        if answer == expected:
            continue
        known = [
            (sum(senet.se_params(4 * f, reduction) for f, _ in stages),
             "counts one SE block per stage; every unit has its own"),
            (sum(n * senet.se_params(f, reduction) for f, n in stages if f % reduction == 0)
             if all(f % reduction == 0 for f, _ in stages) else None,
             "uses the bottleneck filters (64 ... 512), but the block sits on the unit's output, "
             "with 4 * filters channels"),
            (sum(n * 2 * (4 * f) ** 2 // reduction for f, n in stages),
             "counts the weights but not the biases"),
            (sum(n * senet.se_params(4 * f, reduction) for f, n in stages) + 25_636_712,
             "is the whole SE-ResNet-50; give only what the SE blocks add"),
        ]
        matches = [text for value, text in known if value is not None and answer == value]
        _fail(
            f"{call} returned {answer:,}; expected {expected:,}"
            + (f": it {'; or it '.join(matches)}." if matches else "."),
            hint,
        )
    _passed("se_resnet50_extra gives what the 16 SE blocks add for reductions 16, 8, 4 and 32.")


# --------------------------------------------------------------------------- 18 comparing architectures


def _photo_batches():
    """RGB batches with values 0-255 whose channels all differ, so a channel mix-up shows."""
    rng = np.random.default_rng(18)
    return [
        rng.uniform(0, 255, size=shape).astype(np.float32)
        for shape in [(1, 4, 5, 3), (3, 2, 2, 3), (2, 7, 3, 3)]
    ]


def check_caffe_preprocess(caffe_preprocess):
    """Check a learner's ``caffe_preprocess(x)`` against ``keras.applications.resnet50.preprocess_input``.

    ``x`` is a float32 batch ``(N, H, W, 3)`` of RGB values 0-255; the answer must equal Keras's
    result (on a copy) and must leave ``x`` unchanged.
    """
    keras = _keras()
    mean_bgr = np.array([103.939, 116.779, 123.68])
    hint = (
        "Reverse the channels, RGB to BGR, with x[..., ::-1], then subtract the mean pixel in BGR "
        "order, [103.939, 116.779, 123.68]. No scaling."
    )
    for x in _photo_batches():
        expected = keras.applications.resnet50.preprocess_input(x.copy()).astype(np.float64)
        given = x.copy()
        answer = _call(caffe_preprocess, (given,), "caffe_preprocess", hint)
        case = f"caffe_preprocess on a batch of shape {x.shape}"
        if answer is None:
            _fail(f"{case} returned None.", "Return the new array. " + hint)
        if not np.array_equal(given, x):
            _fail(
                f"{case} changed the array it was given.",
                "Build a new array (x[..., ::-1] - mean does) instead of subtracting in place "
                "with -=; the caller may still need the original pixels.",
            )
        try:
            values = np.asarray(answer, dtype=np.float64)
        except (TypeError, ValueError):
            values = None
        if values is not None and values.shape == expected.shape:
            known = [
                (x - mean_bgr, "the mean is subtracted but the channels are still in RGB order"),
                (x - mean_bgr[::-1], "the channels are still in RGB order (the mean is RGB too)"),
                (x[..., ::-1] - mean_bgr[::-1], "the mean is in RGB order; after the flip it must be BGR"),
                (x[..., ::-1], "the channels are reversed but the mean is not subtracted"),
                (x / 127.5 - 1, "that is MobileNet's preprocessing ([-1, 1]), not ResNet50's"),
                (x[..., ::-1] / 255 - mean_bgr / 255, "the values were scaled to [0, 1] first"),
            ]
            for wrong, problem in known:
                if np.allclose(values, wrong, atol=1e-3):
                    _fail(f"{case}: {problem}.", hint)
        _same_array(answer, expected, case, hint, atol=1e-3)
    _passed("caffe_preprocess equals keras.applications.resnet50.preprocess_input and keeps its input.")


def check_unfreeze_top(unfreeze_top):
    """Check a learner's ``unfreeze_top(base, n)`` on frozen MobileNet bases (``alpha=0.25``).

    After the call the base must be trainable as a whole, exactly its last ``n`` layers trainable
    except the ``BatchNormalization`` ones, and the trainable weights those of that choice.
    """
    keras = _keras()
    hint = (
        "Set base.trainable = True first (a frozen model hides all its weights), then for each "
        "layer: trainable if it is among base.layers[-n:] and not a BatchNormalization."
    )
    for n in (6, 1, 20):
        base = keras.applications.MobileNet(
            input_shape=(32, 32, 3), alpha=0.25, include_top=False, weights=None, pooling="avg"
        )
        base.trainable = False
        _call(unfreeze_top, (base, n), "unfreeze_top", hint)
        layers = base.layers
        expected = [
            i >= len(layers) - n and not isinstance(layer, keras.layers.BatchNormalization)
            for i, layer in enumerate(layers)
        ]
        got = [layer.trainable for layer in layers]
        case = f"unfreeze_top(base, {n})"
        if not base.trainable:
            _fail(
                f"after {case} the base is still frozen as a whole (base.trainable is False), so "
                "none of its weights would train.",
                hint,
            )
        if got == expected:
            continue
        wrong = [layers[i] for i in range(len(layers)) if got[i] != expected[i]]
        batch_norms = [layer for layer in wrong if isinstance(layer, keras.layers.BatchNormalization)]
        if batch_norms and len(batch_norms) == len(wrong):
            _fail(
                f"after {case} the batch normalization layer '{batch_norms[0].name}' is trainable.",
                "Keep every BatchNormalization frozen: its moving statistics describe the "
                "pretraining data. " + hint,
            )
        trained = sum(got)
        top = [i for i, flag in enumerate(got) if flag]
        if all(got):
            _fail(f"after {case} every layer of the base is trainable.", hint)
        if top and top[0] in (len(layers) - n - 1, len(layers) - n + 1):
            _fail(f"after {case} the trainable layers start one layer off: {trained} are trainable.",
                  f"The last n layers are base.layers[-n:], i.e. the indices len(base.layers) - n "
                  f"to len(base.layers) - 1. " + hint)
        _fail(
            f"after {case} layer '{wrong[0].name}' has trainable={wrong[0].trainable}; expected "
            f"{not wrong[0].trainable}.",
            hint,
        )
    _passed("unfreeze_top makes the last n layers trainable, batch normalization frozen, for n = 6, 1 and 20.")
