"""Checks for the exercises of notebook 03, ``notebooks/03_channels_and_filters.ipynb``."""

import numpy as np

from course_lib.checks._common import (
    CheckFailed, exercise_check, _call, _fail, _judge_cases, _passed, _read_answer, _read_shape, _same_array,
)


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


@exercise_check
def check_conv_output_shape(conv_output_shape):
    """Notebook 03, exercise 1: check a learner's ``conv_output_shape(input_shape, kernel_size, filters)``, valid, stride 1.

    The expected shape is the shape of what ``course_lib.conv.conv2d`` returns for an input of
    zeros and a ``(kh, kw, C, filters)`` kernel, on several layers.
    """
    from course_lib.conv import conv2d

    hint = (
        "along each side, count the positions where a window of the kernel's size fits entirely "
        "inside the input, the first one included; the output has one channel per filter. "
        "kernel_size may be an int or a pair (kh, kw)."
    )
    answers, expected, calls = [], [], []
    pending = None
    try:
        for input_shape, kernel_size, filters in _CONV_SHAPE_CASES:
            kh, kw = _kernel_pair(kernel_size)
            x = np.zeros(input_shape, dtype=np.float32)
            expected.append(conv2d(x, np.zeros((kh, kw, input_shape[-1], filters), dtype=np.float32)).shape)
            calls.append(f"conv_output_shape({input_shape}, {kernel_size!r}, {filters})")
            answer = _call(
                conv_output_shape, (input_shape, kernel_size, filters), "conv_output_shape", hint
            )
            answers.append(_read_shape(answer, calls[-1], hint, "a tuple of three ints"))
    except CheckFailed as failure:  # judged after the cases before it
        pending = failure
    pairs = [_kernel_pair(k) for _, k, _ in _CONV_SHAPE_CASES]
    inputs = [shape for shape, _, _ in _CONV_SHAPE_CASES]
    mistakes = [
        ([e[:2] for e in expected], "gives the height and width only",
         "the output keeps a channel axis, one channel per filter. " + hint),
        ([e[:2] + (s[-1],) for e, s in zip(expected, inputs)], "keeps the input's channels on the last axis",
         "channels become filters: every filter covers all the input channels and gives one feature "
         "map, so the output has one channel per filter, whatever C was."),
        ([(e[0] - 1, e[1] - 1, e[2]) for e in expected], "is one position short on each side",
         "count the window's first position too: a window as wide as the input still fits once."),
        ([(s[0] - kh + 1, s[1] - kh + 1, e[2]) for s, (kh, kw), e in zip(inputs, pairs, expected)],
         "uses the kernel's height along both sides",
         "kernel_size may be a pair (kh, kw): kh rows, kw columns."),
        ([(s[0] - kw + 1, s[1] - kh + 1, e[2]) for s, (kh, kw), e in zip(inputs, pairs, expected)],
         "swaps the kernel's height and width",
         "kernel_size is (kh, kw): kh goes with the height, kw with the width."),
    ]
    _judge_cases(answers, expected, calls.__getitem__, mistakes, hint, pending=pending)
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


@exercise_check
def check_conv_params(conv_params):
    """Notebook 03, exercise 2: check a learner's ``conv_params(kernel_size, c_in, filters, use_bias=True)`` against Keras.

    The expected count is ``count_params()`` of a Keras ``Conv2D(filters, kernel_size,
    use_bias=use_bias)`` built for ``c_in`` input channels. Cases with a bias call the learner's
    function without ``use_bias``, so its default must be ``True`` as in Keras.
    """
    from course_lib.session import import_tensorflow

    import_tensorflow()  # quietly, before Keras imports it
    import keras

    hint = (
        "one filter covers every input channel, with one kh x kw slice per channel; count the "
        "filters, and one bias per filter when use_bias is true (the default, as in Keras)."
    )
    answers, expected, calls = [], [], []
    pending = None
    try:
        for kernel_size, c_in, filters, use_bias in _CONV_PARAM_CASES:
            layer = keras.layers.Conv2D(filters, kernel_size, use_bias=use_bias)
            layer.build((None, None, None, c_in))
            expected.append(layer.count_params())
            if use_bias:
                args, case = (
                    (kernel_size, c_in, filters),
                    f"conv_params({kernel_size!r}, {c_in}, {filters})",
                )
            else:
                args = (kernel_size, c_in, filters, False)
                case = f"conv_params({kernel_size!r}, {c_in}, {filters}, use_bias=False)"
            answer = _call(conv_params, args, "conv_params", hint)
            answers.append(_read_answer(answer, "number", case, hint, returned=True))
            calls.append(case)
    except CheckFailed as failure:  # judged after the cases before it
        pending = failure

    def count(kh, kw, c_in, filters, biases):
        return kh * kw * c_in * filters + biases

    cases = [(*_kernel_pair(k), c, f, b) for k, c, f, b in _CONV_PARAM_CASES]
    mistakes = [
        ([count(kh, kw, 1, f, f if b else 0) if c != 1 else None for kh, kw, c, f, b in cases],
         "leaves out the factor c_in",
         "c_in is part of every filter: a filter on a C-channel input has one kh x kw slice per "
         "channel."),
        ([count(kh, kw, c, f, 0) for kh, kw, c, f, b in cases],
         "leaves out the biases",
         "with use_bias=True (the default, as in Keras) each filter adds one bias."),
        ([count(kh, kw, c, f, f) for kh, kw, c, f, b in cases],
         "counts the biases even with use_bias=False",
         "add the biases only when use_bias is true."),
        ([count(kh, kw, c, f, c if b else 0) for kh, kw, c, f, b in cases],
         "counts one bias per input channel",
         "there is one bias per filter (output map), not per input channel."),
        ([count(kh, kh, c, f, f if b else 0) for kh, kw, c, f, b in cases],
         "uses the kernel's height for its width too",
         "kernel_size may be a pair (kh, kw): a filter slice has kh x kw weights."),
    ]
    _judge_cases(answers, expected, calls.__getitem__, mistakes, hint, pending=pending)
    _passed(
        f"conv_params agrees with Keras count_params() on all {len(_CONV_PARAM_CASES)} layers "
        "tried, with and without biases."
    )


@exercise_check
def check_gray_kernel(gray_kernel):
    """Notebook 03, exercise 3: check a ``(1, 1, 3, 1)`` kernel whose 1x1 convolution equals ``course_lib.images.to_gray``.

    The comparison runs ``course_lib.conv.conv2d`` on a real photo and on a seeded random colour
    image, to 1e-5.
    """
    from course_lib.conv import conv2d
    from course_lib.images import GRAY_WEIGHTS, load_photo, to_gray

    hint = (
        "to_gray weighs the red, green and blue values with three fixed numbers "
        "(course_lib.images shows them); a 1x1 kernel holds one weight per input channel, on its "
        "c_in axis, in the order R, G, B."
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
        _fail(f"gray_kernel has shape {kernel.shape}, but the exercise asks for a (1, 1, 3, 1) kernel.{extra}", hint)
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
