"""Checks for the exercises of notebook 16, ``notebooks/16_xception.ipynb``."""

import numpy as np

from course_lib.session import import_keras
from course_lib.checks._common import exercise_check, _call_array, _direction, _fail, _passed, _same_array, _read_answer


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


@exercise_check
def check_pointwise_conv(pointwise_conv):
    """Notebook 16, exercise 1: check a learner's ``pointwise_conv(maps, kernel, bias)``: a 1x1 convolution of ``(H, W, C_in)`` maps.

    ``kernel`` is ``(C_in, C_out)`` and ``bias`` ``(C_out,)``; the expected ``(H, W, C_out)``
    output comes from a Keras ``Conv2D(C_out, 1)`` whose weights are set to ``kernel`` and ``bias``.
    """
    keras = import_keras()
    hint = (
        "a 1x1 convolution mixes the channels of each pixel on its own: at every pixel, output "
        "channel j is the weighted sum of that pixel's C_in values, with the weights in the "
        "kernel's column j, plus bias j."
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
        )
        if values.shape == expected.shape:
            if np.allclose(values, expected - bias, atol=1e-4):
                _fail(f"{case}: every value is off by the bias.", "add the bias after the weighted sum; " + hint)
            if kernel.shape[0] == kernel.shape[1] and np.allclose(values, maps @ kernel.T + bias, atol=1e-4):
                _fail(
                    f"{case}: the result uses the kernel transposed.",
                    "kernel[i, j] is the weight from input channel i to output channel j.",
                )
        _same_array(values, expected, case, hint, atol=1e-4)
    _passed(f"pointwise_conv agrees with a Keras 1x1 Conv2D on all {len(_pointwise_cases())} cases.")


def _separable_like(x, filters, relu="before", conv="separable", batch_norm=True, bias=False):
    """Xception's separable block and its near misses: ReLU, a 3x3 separable convolution
    ("same" padding, no bias) and batch normalization, with the named part changed.

    ``conv`` is ``"separable"`` (one ``SeparableConv2D``), ``"two layers"`` (``DepthwiseConv2D``
    then a 1x1 ``Conv2D``, each with ``bias``) or ``"regular"`` (a 3x3 ``Conv2D``).
    """
    keras = import_keras()
    L = keras.layers
    if relu == "before":
        x = L.ReLU()(x)
    if conv == "separable":
        x = L.SeparableConv2D(filters, 3, padding="same", use_bias=bias)(x)
    elif conv == "two layers":
        x = L.DepthwiseConv2D(3, padding="same", use_bias=bias)(x)
        x = L.Conv2D(filters, 1, use_bias=bias)(x)
    else:
        x = L.Conv2D(filters, 3, padding="same", use_bias=bias)(x)
    if batch_norm:
        x = L.BatchNormalization()(x)
    return L.ReLU()(x) if relu == "after" else x


@exercise_check
def check_separable_block(separable_block):
    """Notebook 16, exercise 2: check a learner's ``separable_block(x, filters)``: a ReLU, a 3x3
    depthwise separable convolution with ``filters`` filters ("same" padding, no bias), then batch
    normalization, as in Xception's entry and middle flows.

    The block is compared with :func:`course_lib.architectures.xception.separable_block` by
    :func:`course_lib.checks._blocks.judge_block`: output shape, parameter count and outputs with
    the same weights, on three inputs (channels 3, 4 and 6 to 5, 4 and 9 filters; one input not
    square). A ``DepthwiseConv2D`` then a 1x1 ``Conv2D``, both without bias, computes the same as
    ``SeparableConv2D`` and passes: their kernels have the same shapes, so they get the same values.
    """
    from course_lib.architectures.xception import separable_block as library_block
    from course_lib.checks._blocks import judge_block, reference

    hint = (
        "the block is three steps, in this order: a ReLU on the block's input; a 3x3 depthwise "
        "separable convolution with \"same\" padding and no bias (one layer, or the depthwise and "
        "the pointwise layers of section 2); then a batch normalization."
    )
    cases = [((8, 8, 3), (5,)), ((6, 6, 4), (4,)), ((7, 5, 6), (9,))]

    def near_miss(**change):
        return reference(_separable_like, **change)

    bias = ("gives the convolution a bias; the batch normalization after it adds a shift of its own, so "
            "Xception leaves the bias out (use_bias=False)")
    mistakes = [
        (near_miss(relu="after"), "puts the ReLU after the batch normalization; in the entry and middle flows "
                                  "it comes first, before the convolution"),
        (near_miss(relu=None), "leaves out the ReLU"),
        (near_miss(conv="regular"), "uses a regular 3x3 Conv2D, which mixes space and channels in one step; "
                                    "the block's convolution is depthwise separable"),
        (near_miss(batch_norm=False), "leaves out the batch normalization after the convolution"),
        (near_miss(bias=True), bias),
        (near_miss(conv="two layers", bias=True), bias),
    ]
    judge_block(separable_block, "separable_block", cases,
                reference(library_block, name="block"),
                mistakes, hint, library_names={"separable_block"})


# One middle-flow block of Xception: three (ReLU, 3x3 convolution of 728 filters, batch
# normalization) on 19 x 19 x 728 maps, and an identity shortcut.
_MIDDLE_BLOCK = {"input_shape": (19, 19, 728), "filters": 728, "kernel_size": 3, "convolutions": 3}


@exercise_check
def check_middle_block_params(block_separable, block_regular):
    """Notebook 16, exercise 3: check the parameters of one Xception middle-flow block, and of the same block with ``Conv2D``.

    ``block_separable`` is recomputed by building ``xception.middle_block`` in Keras and
    ``block_regular`` by building three ``ReLU, Conv2D(728, 3, padding="same", use_bias=False),
    BatchNormalization`` (both built for their shapes only, without random values).
    """
    from course_lib._keras_internals import shapes_only
    from course_lib.architectures import xception

    keras = import_keras()
    shape, filters = _MIDDLE_BLOCK["input_shape"], _MIDDLE_BLOCK["filters"]
    k, n = _MIDDLE_BLOCK["kernel_size"], _MIDDLE_BLOCK["convolutions"]
    with shapes_only(keras):
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
        f"the block has {n} convolutions of {filters} {k}x{k} filters on {filters} channels, "
        "without biases, each followed by a batch normalization (4 numbers per channel); a "
        "separable convolution is a depthwise part (one filter per input channel) and a 1x1 "
        "pointwise part. ReLU and the addition have no weights."
    )
    batch_norm = 4 * filters
    for name, answer, expected in (
        ("block_separable", block_separable, expected_separable),
        ("block_regular", block_regular, expected_regular),
    ):
        answer = _read_answer(answer, "count", name, hint)
        if answer == expected:
            continue
        convolutions = expected - n * batch_norm
        slips = [
            (convolutions, "the batch normalizations are missing.",
             "Each convolution is followed by a BatchNormalization, with 4 numbers per channel."),
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
                _fail(f"{name} = {answer:,}: {problem}", slip_hint)
        _fail(f"{name} = {answer:,}, which is {_direction(answer, expected)}.", hint)
    _passed(
        f"a middle-flow block has {expected_separable:,} parameters; with regular convolutions it "
        f"would have {expected_regular:,}, {expected_regular / expected_separable:.1f} times as many."
    )
