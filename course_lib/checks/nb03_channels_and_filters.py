"""Checks for the exercises of notebook 03, ``notebooks/03_channels_and_filters.ipynb``."""

import numpy as np

from course_lib.checks._common import (
    CheckFailed, exercise_check, _call, _call_array, _delegates_to, _fail, _judge_cases, _passed, _read_answer,
    _read_shape, _shape_problem,
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
    """Notebook 03, exercise 2: check a learner's ``conv_output_shape(input_shape, kernel_size, filters)``, valid, stride 1.

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
    """Notebook 03, exercise 3: check a learner's ``conv_params(kernel_size, c_in, filters, use_bias=True)`` against Keras.

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


# Library functions that compute a whole multi-channel convolution in one call: a learner's
# conv_multi that calls one of them has not written the sum (course_lib.conv's conv2d and
# conv2d_loops, tf.nn.conv2d and tf.nn.convolution, keras.layers.Conv2D, keras.ops.conv,
# scipy.signal's and scipy.ndimage's correlate and convolve, which sum over a third axis too).
_LIBRARY_CONVOLUTIONS = frozenset(
    {"conv2d", "conv2d_loops", "conv2d_v2", "Conv2D", "convolution", "convolution_v2", "conv",
     "correlate", "convolve"}
)

# (x shape (H, W, C), kernel shape (kh, kw, C, F)): the first has a non-square kernel on a
# non-square input with C = 3 and F = 2 (so C, F and C x F maps all have different shapes); then
# more filters than channels, one filter (F = 1), and one channel (C = 1).
_CONV_MULTI_CASES = [
    ((6, 5, 3), (3, 2, 3, 2)),
    ((5, 6, 2), (2, 2, 2, 4)),
    ((6, 6, 4), (3, 3, 4, 1)),
    ((5, 4, 1), (2, 3, 1, 3)),
]


def _conv_multi_inputs():
    """``[(x, kernel, bias)]`` for :data:`_CONV_MULTI_CASES`: seeded values in [-1, 1], and
    biases of at least 0.5 in size, so that a missing or repeated bias shows."""
    rng = np.random.default_rng(303)
    inputs = []
    for x_shape, kernel_shape in _CONV_MULTI_CASES:
        x = rng.uniform(-1, 1, x_shape)
        kernel = rng.uniform(-1, 1, kernel_shape)
        bias = rng.choice([-1, 1], kernel_shape[-1]) * rng.uniform(0.5, 1.5, kernel_shape[-1])
        inputs.append((x, kernel, bias))
    return inputs


@exercise_check
def check_conv_multi(conv_multi):
    """Notebook 03, exercise 1: check a learner's ``conv_multi(x, kernel, bias)``: the multi-channel cross-correlation, valid, stride 1.

    ``x`` is ``(H, W, C)``, ``kernel`` ``(kh, kw, C, F)`` and ``bias`` ``(F,)``; the answer must
    equal ``course_lib.conv.conv2d(x, kernel, bias)``, ``(H - kh + 1, W - kw + 1, F)``, on every
    case of :data:`_CONV_MULTI_CASES`. A function whose code calls a library convolution (see
    :data:`_LIBRARY_CONVOLUTIONS`) fails: the exercise is to write the sum.
    """
    from course_lib.conv import conv2d

    hint = (
        "Each value of output map f is filter f's bias plus the sum of the products of one window "
        "of x, through all of x's channels, with filter f's weights. The window takes every "
        "position where it fits entirely inside x, the first one included, and the maps go on "
        "the last axis, one per filter."
    )
    for number, (x, kernel, bias) in enumerate(_conv_multi_inputs()):
        (h, w, c), (kh, kw, _, f) = x.shape, kernel.shape
        case = f"conv_multi on an x of shape {x.shape} with a kernel of shape {kernel.shape}"
        answer = _call_array(
            conv_multi, (x.copy(), kernel.copy(), bias.copy()), "conv_multi", hint,
            not_numbers="conv_multi returned {type}, not an array of numbers.",
        )
        if number == 0 and _delegates_to(conv_multi, _LIBRARY_CONVOLUTIONS):
            _fail(
                "conv_multi calls a library function that computes the whole convolution (conv2d "
                "or the like): the exercise is to write the sums yourself.",
                "Use loops, or NumPy products and sums, and no convolution function. " + hint,
            )
        expected = conv2d(x, kernel, bias=bias)
        if answer.shape != expected.shape:
            _fail_conv_multi_shape(answer.shape, case, (h, w, c), (kh, kw, f), hint)
        if np.allclose(answer, expected, atol=1e-5, rtol=0):
            continue
        flipped = conv2d(x, kernel[::-1, ::-1].copy(), bias=bias)
        known = [
            (expected - bias, f"{case} leaves out the bias.", "Add bias[f] to every value of map f."),
            (
                expected + (c - 1) * bias,
                f"{case} adds the bias once per input channel, {c} times in all.",
                "A filter has one bias, added once to its sum over the window and all the channels.",
            ),
            (
                flipped,
                f"{case} flips the kernel (a convolution, not a cross-correlation).",
                "Deep-learning layers do not flip the kernel: weight [u, v] multiplies the value u "
                "rows below and v columns right of the window's top-left corner.",
            ),
            (
                flipped - bias,
                f"{case} flips the kernel (a convolution, not a cross-correlation) and leaves out "
                "the bias.",
                "Weight [u, v] multiplies the value u rows below and v columns right of the "
                "window's top-left corner, and bias[f] is added to map f.",
            ),
        ]
        for mistake, problem, mistake_hint in known:
            if np.allclose(answer, mistake, atol=1e-5, rtol=0):
                _fail(problem, mistake_hint)
        i, j, k = np.argwhere(~np.isclose(answer, expected, atol=1e-5, rtol=0))[0]
        _fail(
            f"{case} has the right shape but not the right values; the first wrong one is at row "
            f"{i}, column {j} of map {k}.",
            hint,
        )
    _passed(
        f"conv_multi equals conv2d on all {len(_CONV_MULTI_CASES)} cases tried: non-square "
        "kernels, more filters than channels, one filter and one channel."
    )


def _fail_conv_multi_shape(shape, case, x_shape, kernel_sizes, hint):
    """Fail conv_multi's answer of the wrong ``shape``, naming the mistake that gives it."""
    (h, w, c), (kh, kw, f) = x_shape, kernel_sizes
    rows, cols = h - kh + 1, w - kw + 1
    said = f"{case} returned an array of shape {shape}"
    if c > 1 and shape in ((rows, cols, c, f), (rows, cols, c * f)):
        _fail(
            f"{said}: one map per input channel and filter. The channels are not summed.",
            "A filter's products are summed over the window AND over the channels: each filter "
            "gives one map, whatever C is.",
        )
    if c != f and shape == (rows, cols, c):
        _fail(
            f"{said}: it keeps the input's {c} channels; the output has one map per filter.",
            "Sum each filter's products over the channels too, and make one map for each of "
            "the kernel's F filters (its last axis).",
        )
    if shape == (f, rows, cols):
        _fail(f"{said}: the maps come first. Keras's layout puts them last, (H', W', F).", hint)
    if shape == (rows - 1, cols - 1, f):
        _fail(
            f"{said}: one position short along each side.",
            "count the window's first position too: a window as wide as x still fits once.",
        )
    if shape == (rows + 1, cols + 1, f):
        _fail(
            f"{said}: one position too many along each side; the last window would run off x.",
            "the window's last position ends at x's last row or column; it never hangs over the edge.",
        )
    if kh != kw and shape == (h - kw + 1, w - kh + 1, f):
        _fail(
            f"{said}: the kernel's height and width are swapped.",
            "The kernel is (kh, kw, C, F): its first axis runs along the rows of x.",
        )
    _fail(f"{said}: {_shape_problem(shape, (rows, cols, f))}.", hint)
