"""Checks for the exercises of notebook 06, ``notebooks/06_counting.ipynb``."""

import numpy as np

from course_lib.checks._common import (
    CheckFailed, exercise_check, _call, _delegates_to, _direction, _fail, _judge_cases, _passed, _read_answer,
)


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
    if _delegates_to(conv_macs, {"conv2d_macs"}):
        _fail(
            "conv_macs calls course_lib's conv2d_macs, the function this exercise asks you to write.",
            "Write the count yourself, from the output size, the kernel and the channels.",
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


# The layer of exercise 3: the first convolution of the Fashion-MNIST CNN,
# Conv2D(32, 3, padding="same") on 28 x 28 x 1, for a training batch of 256 float32 images.
_MEMORY_LAYER = {"input_shape": (28, 28, 1), "filters": 32, "kernel_size": 3, "batch_size": 256}


@exercise_check
def check_batch_activation_mb(megabytes):
    """Notebook 06, exercise 3: check the megabytes (10**6 bytes) of one layer's output for a whole float32 batch.

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

# (what the stack is, the stack as (kernel_size, strides) pairs): strides 1 only, a stride of 2
# early, pooling, and a 1x1 layer, on which the mistakes below all give other sizes.
_FIELD_STACKS = [
    ("three 3x3 convolutions", [(3, 1), (3, 1), (3, 1)]),
    ("a 7x7 convolution with stride 2, then two 3x3", [(7, 2), (3, 1), (3, 1)]),
    ("conv 3x3, pool 2x2, conv 3x3, pool 2x2 (the Fashion-MNIST CNN)", [(3, 1), (2, 2), (3, 1), (2, 2)]),
    ("conv 3x3, pool 3x3 with stride 2, a 1x1 convolution, conv 3x3", [(3, 1), (3, 2), (1, 1), (3, 1)]),
    ("conv 5x5 with stride 2, conv 3x3 with stride 2, conv 3x3", [(5, 2), (3, 2), (3, 1)]),
]


def _field(stack, start=1, stride_of_current=False, kernels_multiplied=False):
    """The receptive field of ``stack``: right with the defaults, else one known mistake."""
    if kernels_multiplied:
        return int(np.prod([k for k, _ in stack]))
    size, jump = start, 1
    for k, s in stack:
        if stride_of_current:
            jump *= s
        size += (k - 1) * jump
        if not stride_of_current:
            jump *= s
    return size


# What each known mistake gives (computed on every stack), what it does (a clause that follows
# "it", as _judge_cases names it) and its hint.
_FIELD_MISTAKES = [
    (
        lambda stack: 1 + sum(k - 1 for k, _ in stack),
        "adds k - 1 for every layer and ignores the strides",
        "After a layer with stride s, neighbouring units of that layer are s input pixels apart "
        "(times the strides below): one more step of the next kernel reaches that much further.",
    ),
    (
        lambda stack: _field(stack, stride_of_current=True),
        "multiplies k - 1 by the product of the strides up to and including the current layer",
        "A layer's own stride spaces out its outputs, not its inputs: the steps of its kernel are "
        "the spacing of the layer below, the product of the strides of the layers before it.",
    ),
    (
        lambda stack: _field(stack, kernels_multiplied=True),
        "multiplies the kernel sizes",
        "Stacking widens the field by adding: each layer adds k - 1 steps to the field of the "
        "layer below, it does not multiply it.",
    ),
    (
        lambda stack: _field(stack, start=0),
        "is one pixel short on every stack, as if the field started from r_0 = 0",
        "Before any layer, a unit is one input pixel, so the field starts at r_0 = 1.",
    ),
]


@exercise_check
def check_receptive_field_size(receptive_field_size):
    """Notebook 06, exercise 4: check ``receptive_field_size(layers)``, the receptive field of one unit of the last layer, in input pixels.

    ``layers`` is the stack, first layer first, as ``(kernel_size, strides)`` pairs; the answer
    is compared with :func:`course_lib.counting.receptive_field` on stacks with strides 1 only,
    a stride of 2 early, pooling and a 1x1 layer. An answer whose code calls the library's
    ``receptive_field`` (or ``receptive_field_of``) is refused: the exercise is the recurrence.
    """
    from course_lib.counting import receptive_field

    hint = (
        "walk up the stack from the input, one pixel wide at first. Besides the field, keep the "
        "spacing, in input pixels, between neighbouring units of the layer you have reached (1 at "
        "the input): each layer widens the field with the spacing of the layer below it, and only "
        "then changes the spacing."
    )
    if _delegates_to(receptive_field_size, {"receptive_field", "receptive_field_of"}):
        _fail(
            "receptive_field_size calls course_lib's receptive_field, which computes the answer "
            "for you.",
            "Write the recurrence yourself: a loop over the layers that updates the field and the "
            "product of the strides.",
        )
    answers, calls = [], []
    pending = None
    try:
        for description, stack in _FIELD_STACKS:
            calls.append(f"receptive_field_size({stack}), for {description},")
            answer = _call(receptive_field_size, ([tuple(layer) for layer in stack],), "receptive_field_size", hint)
            answers.append(_read_answer(answer, "count", f"receptive_field_size({stack})", hint, returned=True))
    except CheckFailed as failure:  # judged after the cases before it
        pending = failure
    expected = [receptive_field(stack).size for _, stack in _FIELD_STACKS]
    mistakes = [
        ([mistake(stack) for _, stack in _FIELD_STACKS], problem, mistake_hint)
        for mistake, problem, mistake_hint in _FIELD_MISTAKES
    ]
    _judge_cases(answers, expected, calls.__getitem__, mistakes, hint, pending=pending)
    _passed(
        f"receptive_field_size agrees with counting.receptive_field on all {len(expected)} "
        "stacks tried: strides 1 only, strides 2 early, pooling and a 1x1 layer."
    )
