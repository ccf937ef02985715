"""Checks for the exercises of notebook 13, ``notebooks/13_vgg.ipynb``."""

import numpy as np

from course_lib.session import import_keras
from course_lib.checks._common import CheckFailed, exercise_check, _call, _judge_cases, _passed, _read_answer


@exercise_check
def check_stacked_3x3(stacked_3x3):
    """Notebook 13, exercise 1: check a learner's ``stacked_3x3(n, channels)``: ``(field, params)`` of ``n`` stacked 3x3 convolutions.

    Each convolution has stride 1, ``channels`` input channels and ``channels`` filters, with
    biases. ``field`` is the side of the input window one output unit sees. The expected values
    come from :func:`course_lib.counting.receptive_field` and :func:`course_lib.counting.conv2d_params`.
    """
    from course_lib.counting import conv2d_params, receptive_field

    hint = (
        "each extra 3x3 layer lets an output unit see a little further on each side of the window "
        "the layers below it see: count how far. Every layer of the stack is a 3x3 convolution "
        "from channels to channels, with biases."
    )
    cases = [(n, c) for n in (1, 2, 3, 4) for c in (1, 3, 64, 256)]
    fields, params, got_fields, got_params = [], [], [], []
    pending = None
    try:
        for n, channels in cases:
            fields.append(receptive_field([(3, 1)] * n).size)
            params.append(n * conv2d_params(3, channels, channels))
            call = f"stacked_3x3({n}, {channels})"
            got_field, got_param = _read_answer(_call(stacked_3x3, (n, channels), "stacked_3x3", hint), "pair", call,
                                                hint, returned=True, expected="a pair of numbers (field, params)")
            got_fields.append(got_field)
            got_params.append(got_param)
    except CheckFailed as failure:  # judged after the cases before it
        pending = failure
    field_mistakes = [
        ([3 * n for n, _ in cases], "adds up the kernel sizes, but neighbouring layers overlap: each "
                                    "layer after the first widens the field by less than 3", None),
        ([f * f for f in fields], "gives the field's area; give its side", None),
        ([n for n, _ in cases], "gives the number of layers", None),
        (params, "gives the parameter count first: the pair is swapped",
         "the exercise asks for the field first, then the parameter count."),
    ]
    _judge_cases(got_fields, fields, lambda i: f"stacked_3x3{cases[i]}",
                 field_mistakes, hint, verb="gave the field")
    param_mistakes = [
        ([n * conv2d_params(3, c, c, use_bias=False) for n, c in cases],
         "counts the weights but not the biases (one per filter in every layer)", None),
        ([conv2d_params(f, c, c) for f, (_, c) in zip(fields, cases)],
         "is one convolution as large as the field, the single layer the stack replaces", None),
        ([conv2d_params(3, c, c) for _, c in cases], "is one 3x3 layer; the stack has n of them", None),
        ([n * (9 * c + c) for n, c in cases],
         "counts one filter's weights per layer, but each layer has channels filters", None),
    ]
    _judge_cases(got_params, params, lambda i: f"stacked_3x3{cases[i]}",
                 param_mistakes, hint, verb="gave the parameter count", pending=pending)
    _passed(f"stacked_3x3 agrees with receptive_field and conv2d_params on all {len(cases)} stacks.")


def _vgg_like(x, filters, convs, padding="same", activation="relu", pooling="max", pool_every=False, fixed_convs=None):
    """The VGG block and its near misses: ``convs`` 3x3 convolutions then a 2x2 pooling, with
    the named part changed."""
    keras = import_keras()
    L = keras.layers
    pool = L.MaxPooling2D if pooling == "max" else L.AveragePooling2D
    for _ in range(fixed_convs or convs):
        x = L.Conv2D(filters, 3, padding=padding, activation=activation)(x)
        if pool_every:
            x = pool(2, strides=2)(x)
    return x if pool_every or pooling is None else pool(2, strides=2)(x)


@exercise_check
def check_vgg_block(vgg_block):
    """Notebook 13, exercise 2: check a learner's ``vgg_block(x, filters, convs)``: ``convs``
    3x3 convolutions with ``filters`` filters (stride 1, "same" padding, ReLU), then a 2x2 max
    pooling with stride 2.

    The block is compared with :func:`course_lib.architectures.vgg.vgg_block` by
    :func:`course_lib.checks._blocks.judge_block`: output shape, parameter count and outputs
    with the same weights, on three inputs (one of odd size, one block of three convolutions).
    """
    from course_lib.architectures.vgg import vgg_block as library_block
    from course_lib.checks._blocks import judge_block, reference

    hint = (
        "every convolution of the block is 3x3 with stride 1 and \"same\" padding, so it keeps the "
        "height and width, and is followed by a ReLU; use convs of them, then one max pooling that "
        "halves the height and width."
    )
    cases = [((10, 10, 3), (4, 2)), ((12, 12, 5), (3, 3)), ((11, 11, 2), (4, 1))]

    def near_miss(**change):
        return reference(_vgg_like, **change)

    mistakes = [
        (near_miss(padding="valid"), "uses \"valid\" padding, which shrinks the map by 2 at every convolution"),
        (near_miss(activation=None), "leaves out the ReLU after each convolution"),
        (near_miss(pooling=None), "leaves out the max pooling at the end of the block"),
        (near_miss(pool_every=True), "pools after every convolution; VGG pools once, at the end of the block"),
        (near_miss(pooling="average"), "pools with the average; VGG's pooling takes the maximum"),
        (near_miss(fixed_convs=2), "always builds two convolutions; use the convs argument"),
    ]
    judge_block(vgg_block, "vgg_block", cases,
                reference(library_block, name="block"),
                mistakes, hint, library_names={"vgg_block"})
