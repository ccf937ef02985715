"""Checks for the exercises of notebook 02, ``notebooks/02_convolution.ipynb``."""

import numpy as np

from course_lib.checks._common import exercise_check, _call_array, _fail, _passed, _same_array


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


@exercise_check
def check_corr2d(corr2d):
    """Notebook 02, exercise 1: check a learner's ``corr2d(image, kernel)``: valid cross-correlation, stride 1, one channel."""
    from course_lib.conv import conv2d

    hint = (
        "slide the kernel over every position where it fits entirely inside the image; at each "
        "position multiply the window and the kernel element by element and add up the products. "
        "Count how many positions fit along each side: the kernel may be taller than it is wide."
    )
    for image, kernel in _corr2d_cases():
        expected = conv2d(image, kernel)
        answer = _call_array(
            corr2d, (image, kernel), "corr2d", hint,
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


@exercise_check
def check_convolve(convolve):
    """Notebook 02, exercise 2: check a learner's ``convolve(image, kernel)``: true (flipped-kernel) convolution, 'valid' size."""
    import scipy.signal

    hint = "convolution is cross-correlation with the kernel flipped, upside down and left to right."
    for image, kernel in _corr2d_cases():
        expected = scipy.signal.convolve2d(image, kernel, mode="valid")
        answer = _call_array(
            convolve, (image, kernel), "convolve", hint,
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


@exercise_check
def check_horizontal_edge_filter(kernel):
    """Notebook 02, exercise 3: check a 3x3 filter that answers positively to dark-above-bright edges and zero to flat areas."""
    from course_lib.conv import conv2d

    hint = (
        "an edge between a dark row above and a bright row below is a change from top to bottom: "
        "weigh the rows below the centre against the rows above, so that they cancel on a flat area."
    )
    try:
        kernel = np.asarray(kernel, dtype=float)
    except (TypeError, ValueError):
        _fail("the filter should be a 3x3 array of numbers.", hint)
    if kernel.shape != (3, 3):
        _fail(f"the filter has shape {kernel.shape}, but the exercise asks for a 3x3 filter.", hint)
    flat = conv2d(np.full((5, 5), 0.7), kernel)
    if not np.allclose(flat, 0):
        _fail(
            f"on a flat grey image the filter answers {flat[0, 0]:.3g}, not 0: its weights sum to {kernel.sum():.3g}.",
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
            "Give every column of the filter the same pattern, so that left-right changes cancel out. "
            + hint,
        )
    _passed(
        f"the filter ignores flat areas and vertical edges and answers {response.max():g} on a dark-above-bright edge."
    )
