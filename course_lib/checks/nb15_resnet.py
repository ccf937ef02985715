"""Checks for the exercises of notebook 15, ``notebooks/15_resnet.ipynb``."""

from course_lib.session import import_keras
from course_lib.checks._common import exercise_check, _call, _fail_with_known_mistakes, _passed, _read_answer


@exercise_check
def check_residual_unit_params(residual_unit_params):
    """Notebook 15, exercise 1: check a learner's ``residual_unit_params(c_in, filters, strides)``: the parameters of
    ``resnet.ResidualUnit(filters, strides)`` on an input with ``c_in`` channels.

    The expected count is ``count_params()`` of a real ``ResidualUnit`` built for each case.
    """
    import_keras()  # TensorFlow's start-up lines go nowhere
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
        answer = _read_answer(answer, "count", call, hint, returned=True)
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
    """MACs of a 1x1 / 3x3 / 1x1 stack from ``counting.layer_table`` of a real Keras model."""
    keras = import_keras()
    from course_lib.counting import layer_table

    L = keras.layers
    x = keras.Input((height, width, channels))
    y = L.Conv2D(filters, 1)(x)
    y = L.Conv2D(filters, 3, padding="same")(y)
    y = L.Conv2D(channels, 1)(y)
    return layer_table(keras.Model(x, y)).macs


@exercise_check
def check_bottleneck_macs(bottleneck_macs):
    """Notebook 15, exercise 2: check a learner's ``bottleneck_macs(height, width, channels, filters)``: the MACs of a
    bottleneck's 1x1 (channels -> filters), 3x3 (filters -> filters, "same") and 1x1
    (filters -> channels) convolutions on a ``height x width`` map.

    The expected value comes from :func:`course_lib.counting.layer_table` of a Keras model of the three
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
        answer = _read_answer(_call(bottleneck_macs, (height, width, channels, filters), "bottleneck_macs", hint), "count", call, hint, returned=True)
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
    _passed(f"bottleneck_macs agrees with counting.layer_table on all {len(cases)} maps.")
