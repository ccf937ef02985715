"""Checks for the exercises of notebook 15, ``notebooks/15_resnet.ipynb``."""

from course_lib.session import import_keras
from course_lib.checks._common import CheckFailed, exercise_check, _call, _judge_cases, _passed, _read_answer


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
        "the main path has two 3x3 convolutions without bias (the first from c_in channels, the "
        "second from filters channels), each followed by a batch normalization, which counts four "
        "numbers per channel. The shortcut adds a 1x1 projection without bias and its batch "
        "normalization only when the shape changes: a stride other than 1, or c_in != filters."
    )
    cases = [(64, 64, 1), (64, 128, 2), (128, 128, 1), (3, 16, 1), (256, 512, 2), (32, 32, 2)]
    answers, expected = [], []
    pending = None
    try:
        for c_in, filters, strides in cases:
            unit = ResidualUnit(filters, strides=strides)
            unit.build((None, 8, 8, c_in))
            expected.append(unit.count_params())
            call = f"residual_unit_params({c_in}, {filters}, {strides})"
            answer = _call(residual_unit_params, (c_in, filters, strides), "residual_unit_params", hint)
            answers.append(_read_answer(answer, "count", call, hint, returned=True))
    except CheckFailed as failure:  # judged after the cases before it
        pending = failure

    def projects(c_in, filters, strides):
        return strides != 1 or c_in != filters

    def projection(c_in, filters):
        return conv2d_params(1, c_in, filters, use_bias=False) + batch_norm_params(filters)

    branches = [e - (projection(c, f) if projects(c, f, s) else 0) for e, (c, f, s) in zip(expected, cases)]
    norms = [3 if projects(*case) else 2 for case in cases]
    mistakes = [
        ([b + projection(c, f) for b, (c, f, s) in zip(branches, cases)],
         "adds a projection, but the shortcut is the identity when the stride is 1 and the channels "
         "do not change"),
        (branches, "leaves out the 1x1 projection the shortcut needs when the shape changes"),
        ([b + projection(c, f) if c != f else b for b, (c, f, s) in zip(branches, cases)],
         "adds the projection only when the channels change, but a stride other than 1 changes "
         "the shape too"),
        ([e - 2 * f * m for e, (_, f, _), m in zip(expected, cases, norms)],
         "counts only gamma and beta of each batch normalisation; count_params() also counts the "
         "moving mean and variance (batch_norm_params gives all four)"),
        ([e - 4 * f * m for e, (_, f, _), m in zip(expected, cases, norms)], "leaves out the batch normalisations"),
        ([e + f * m for e, (_, f, _), m in zip(expected, cases, norms)],
         "adds biases, but these convolutions have use_bias=False"),
    ]
    _judge_cases(answers, expected, lambda i: f"residual_unit_params{cases[i]}",
                 [(values, text, None) for values, text in mistakes], hint, pending=pending)
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
    convolutions. One case has ``channels`` other than ``4 * filters``, so an expansion hard-coded
    as ``4 * filters`` fails.
    """
    hint = (
        "every convolution keeps the height and width, so each costs one MAC per weight at every "
        "position: count the weights of the 1x1 reduction (channels to filters), of the 3x3 "
        "(filters to filters) and of the 1x1 expansion (filters back to channels)."
    )
    cases = [(56, 56, 256, 64), (7, 7, 2048, 512), (8, 6, 48, 16), (1, 1, 4, 1), (14, 14, 1024, 256)]
    answers, expected = [], []
    pending = None
    try:
        for height, width, channels, filters in cases:
            expected.append(_bottleneck_expected(height, width, channels, filters))
            call = f"bottleneck_macs({height}, {width}, {channels}, {filters})"
            answers.append(_read_answer(_call(bottleneck_macs, (height, width, channels, filters), "bottleneck_macs", hint),
                                        "count", call, hint, returned=True))
    except CheckFailed as failure:  # judged after the cases before it
        pending = failure

    def macs(h, w, c, f, reduce=1, middle=9, expand=1, out=None):
        out = c if out is None else out
        return h * w * (reduce * c * f + middle * f * f + expand * f * out)

    mistakes = [
        ([macs(*case, middle=1) for case in cases],
         "counts the 3x3 convolution as 1x1: a 3x3 filter has nine weights per input channel"),
        ([macs(*case, expand=0) for case in cases], "leaves out the 1x1 expansion back to channels"),
        ([macs(*case, reduce=0) for case in cases], "leaves out the 1x1 reduction"),
        ([macs(1, 1, c, f) for h, w, c, f in cases], "is the number of weights (MACs per position); multiply by "
                                                      "the number of positions"),
        ([macs(*case, reduce=9, expand=9) for case in cases], "makes every convolution 3x3"),
        ([h * w * 2 * 9 * c * c for h, w, c, f in cases],
         "is two 3x3 convolutions at full width, the unit the bottleneck replaces"),
        ([macs(h, w, 4 * f, f, out=4 * f) if c != 4 * f else None for h, w, c, f in cases],
         "takes the block's channels as 4 * filters, but here channels is not 4 * filters: use the "
         "channels argument"),
    ]
    _judge_cases(answers, expected, lambda i: f"bottleneck_macs{cases[i]}",
                 [(values, text, None) for values, text in mistakes], hint, pending=pending)
    _passed(f"bottleneck_macs agrees with counting.layer_table on all {len(cases)} maps.")
