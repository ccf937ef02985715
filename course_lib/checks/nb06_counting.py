"""Checks for the exercises of notebook 06, ``notebooks/06_counting.ipynb``."""

import numpy as np

from course_lib.checks._common import CheckFailed, exercise_check, _call, _direction, _fail, _judge_cases, _passed, _read_answer


# The layer of exercise 1: the first 128-filter layer of the MNIST CNN in the source notes,
# Conv2D(128, 3, padding="same") on the 14 x 14 x 64 maps that the first pooling leaves.
_PARAMS_LAYER = {"input_shape": (14, 14, 64), "filters": 128, "kernel_size": 3}


@exercise_check
def check_conv_layer_params(with_bias, without_bias):
    """Notebook 06, exercise 1: check the parameter counts of ``Conv2D(128, 3, padding="same")`` on 14 x 14 x 64 maps.

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
        f"one filter covers every input channel, with one {k}x{k} slice per channel of the "
        f"{c_in}-channel input; count the filters, and one bias per filter when use_bias=True."
    )
    weights = k * k * c_in * filters
    answers = {
        True: _read_answer(with_bias, "count", "with_bias", hint),
        False: _read_answer(without_bias, "count", "without_bias", hint),
    }
    for use_bias, answer in answers.items():
        name = "with_bias" if use_bias else "without_bias"
        right = expected[use_bias]
        if answer == right:
            continue
        biases = filters if use_bias else 0
        if answer == k * k * filters + biases:
            _fail(
                f"{name} = {answer:,}: the factor c_in = {c_in} is missing.",
                f"a filter on a {c_in}-channel input has one {k}x{k} slice per channel, not one slice.",
            )
        if use_bias and answer == weights:
            _fail(
                f"with_bias = {answer:,}: the {filters} biases are missing.",
                "Conv2D has use_bias=True by default: every filter adds one bias.",
            )
        if not use_bias and answer == weights + filters:
            _fail(
                f"without_bias = {answer:,}: this counts the biases too.",
                "with use_bias=False the layer has only its kernel.",
            )
        if use_bias and answer == weights + c_in:
            _fail(
                f"{name} = {answer:,}: one bias per input channel.",
                f"there is one bias per filter (output map), so {filters} of them, not {c_in}.",
            )
        if answer in (h * w * weights + biases, h * w * (weights + biases)):
            _fail(
                f"{name} = {answer:,}: this counts the weights once per position of the {h}x{w} map.",
                "The filters are shared: the same weights slide over every position, so the "
                "size of the map does not enter the count.",
            )
        _fail(f"{name} = {answer:,}, which is {_direction(answer, right)}.", hint)
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


@exercise_check
def check_conv_macs(conv_macs):
    """Notebook 06, exercise 2: check ``conv_macs(h_out, w_out, k, c_in, filters)`` against ``counting.conv2d_macs``.

    The multiply-accumulates of a ``Conv2D`` with a square ``k x k`` kernel whose output is
    ``h_out x w_out x filters``, on several layers; bias additions are not counted.
    """
    from course_lib.counting import conv2d_macs

    hint = (
        "count the output values first (every position of every output map); each of them is a "
        "sum of products, one per weight of its filter, which covers k x k pixels of every input "
        "channel."
    )
    answers, expected, calls = [], [], []
    pending = None
    try:
        for h, w, k, c_in, filters in _MACS_CASES:
            calls.append(f"conv_macs({h}, {w}, {k}, {c_in}, {filters})")
            answer = _call(conv_macs, (h, w, k, c_in, filters), "conv_macs", hint)
            answers.append(_read_answer(answer, "count", calls[-1], hint))
            expected.append(conv2d_macs(h, w, k, c_in, filters))
    except CheckFailed as failure:  # judged after the cases before it
        pending = failure
    mistakes = [
        ([2 * e for e in expected], "counts FLOPs, two per MAC",
         "a MAC is one multiplication and one addition together; count each pair once."),
        ([e + h * w * f for e, (h, w, k, c, f) in zip(expected, _MACS_CASES)], "counts the bias additions",
         "the convention (and counting.conv2d_macs) counts multiplications by a weight only; leave "
         "the bias out."),
        ([h * w * k * k * f if c > 1 else None for h, w, k, c, f in _MACS_CASES], "leaves out the factor c_in",
         "each output value sums over every input channel."),
        ([h * w * k * c * f if k > 1 else None for h, w, k, c, f in _MACS_CASES], "has k once",
         "a k x k window holds k times k values."),
        ([h * w * c * f if k > 1 else None for h, w, k, c, f in _MACS_CASES], "leaves out the kernel's window",
         "each output value sums the products of a whole k x k window, on every input channel."),
    ]
    _judge_cases(answers, expected, calls.__getitem__, mistakes, hint, pending=pending)
    _passed(f"conv_macs agrees with counting.conv2d_macs on all {len(_MACS_CASES)} layers tried.")


# The layer of exercise 3: the first layer of ResNet, Conv2D(64, 7, strides=2, padding="same")
# on a 224 x 224 x 3 image.
_STEM = {"n": 224, "c_in": 3, "filters": 64, "kernel_size": 7, "strides": 2}


@exercise_check
def check_stem_macs(macs):
    """Notebook 06, exercise 3: check the MACs of ``Conv2D(64, 7, strides=2, padding="same")`` on one 224 x 224 x 3 image.

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
        f"count the output positions first: with stride {s} and 'same' padding, how many positions "
        f"does the filter take along each side? Each output value of each of the {filters} maps "
        "then costs one MAC per weight of its filter."
    )
    answer = _read_answer(macs, "count", "macs", hint)
    if answer == expected:
        _passed(f"{out} x {out} x {filters} outputs x {k} x {k} x {c_in} = {expected:,} MACs.")
        return
    if answer == conv2d_macs(n, n, k, c_in, filters):
        _fail(
            f"macs = {answer:,}: it counts {n} x {n} positions, the input's size.",
            f"only output values cost work, and with stride {s} the filter moves {s} pixels at a "
            "time: count the output positions.",
        )
    valid = output_size(n, k, s, padding="valid")
    if answer == conv2d_macs(valid, valid, k, c_in, filters):
        _fail(
            f"macs = {answer:,}: that is the count for 'valid' padding ({valid} x {valid} positions).",
            "'same' pads the input so that the filter takes one position per stride step, rounded up.",
        )
    if answer == 2 * expected:
        _fail(
            f"macs = {answer:,}: that is the FLOPs count, two per MAC.",
            "A MAC is one multiplication and one addition together; count each pair once.",
        )
    _fail(f"macs = {answer:,}, which is {_direction(answer, expected)}.", hint)


# The layer of exercise 4: the first convolution of the Fashion-MNIST CNN,
# Conv2D(32, 3, padding="same") on 28 x 28 x 1, for a training batch of 256 float32 images.
_MEMORY_LAYER = {"input_shape": (28, 28, 1), "filters": 32, "kernel_size": 3, "batch_size": 256}


@exercise_check
def check_batch_activation_mb(megabytes):
    """Notebook 06, exercise 4: check the megabytes (10**6 bytes) of one layer's output for a whole float32 batch.

    The layer is ``Conv2D(32, 3, padding="same")`` on 28 x 28 x 1 images and the batch holds 256
    images; the expected value is that layer's row of ``counting.layer_table(model, batch_size=256)``,
    divided by 10**6. Answers within 0.01 MB are accepted.
    """
    from course_lib.counting import layer_table
    from course_lib.session import import_tensorflow

    import_tensorflow()
    import keras

    shape, filters = _MEMORY_LAYER["input_shape"], _MEMORY_LAYER["filters"]
    k, batch = _MEMORY_LAYER["kernel_size"], _MEMORY_LAYER["batch_size"]
    model = keras.Sequential(
        [keras.Input(shape), keras.layers.Conv2D(filters, k, padding="same", name="conv")]
    )
    values = shape[0] * shape[1] * filters  # one image's output values
    expected_bytes = layer_table(model, batch_size=batch).rows[-1].activation_bytes
    expected = expected_bytes / 1e6
    hint = (
        "count the output values of one image (every position of every feature map), then those "
        "of the whole batch, then their bytes: a float32 value takes 4; this course's MB is 10**6 "
        "bytes."
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
         "This course's MB is 10**6 bytes, as layer_table() reports it."),
        (expected / batch, "that is one image, not the batch.",
         f"Training keeps the outputs of all {batch} images of the batch."),
        (expected / filters, "it counts one feature map per image.",
         f"The layer outputs {filters} maps per image, one per filter."),
        (expected * 2, "it counts 8 bytes per value, a float64's size.",
         "The activations are float32: 4 bytes per value."),
    ]
    for value, problem, slip_hint in slips:
        if abs(answer - value) <= max(0.01, 1e-6 * value):
            _fail(f"megabytes = {answer:g}: {problem}", slip_hint)
    _fail(f"megabytes = {answer:g}, which is {_direction(answer, expected)}.", hint)
