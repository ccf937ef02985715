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
        answer = _call(corr2d, (image, kernel), "corr2d", hint)
        answer = np.asarray(answer, dtype=float) if answer is not None else None
        if answer is None:
            _fail("corr2d returned None.", "Build the output array and return it.")
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
        answer = _call(convolve, (image, kernel), "convolve", hint)
        if answer is None:
            _fail("convolve returned None.", "Return the result of the convolution.")
        answer = np.asarray(answer, dtype=float)
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
