"""Checks for the exercises of notebook 17, ``notebooks/17_senet.ipynb``."""

from course_lib.session import import_keras
from course_lib.checks._common import (
    exercise_check, _call, _fail, _fail_with_known_mistakes, _passed, _read_answer,
)


@exercise_check
def check_se_block_params(se_block_params):
    """Notebook 17, exercise 1: check a learner's ``se_block_params(channels, reduction)``: the parameters of one SE block,
    ``Dense(C / r, relu)`` then ``Dense(C, sigmoid)``, both with biases.

    The expected count is ``count_params()`` of a real ``senet.se_block`` built for each case.
    """
    keras = import_keras()
    from course_lib.architectures import senet

    hint = (
        "Squeezing and scaling learn nothing. The first Dense layer has C * (C / r) weights and "
        "C / r biases, the second (C / r) * C weights and C biases: 2 * C * C / r + C / r + C "
        "(dense_params does each layer)."
    )
    cases = [(64, 16), (256, 16), (2048, 16), (32, 4), (96, 8), (6, 1)]
    for channels, reduction in cases:
        x = keras.Input((4, 4, channels))
        expected = keras.Model(x, senet.se_block(x, reduction)).count_params()
        call = f"se_block_params({channels}, {reduction})"
        answer = _call(se_block_params, (channels, reduction), "se_block_params", hint)
        answer = _read_answer(answer, "count", call, hint, returned=True)
        if answer == expected:
            continue
        hidden = channels // reduction
        known = [
            (2 * channels * hidden, "counts the weights but not the biases of the two Dense layers"),
            (2 * channels * hidden + hidden,
             "leaves out the biases of the second Dense layer (C of them)"),
            (2 * channels * hidden + channels,
             "leaves out the biases of the first Dense layer (C / r of them)"),
            (channels * hidden + hidden, "counts only the first Dense layer; the excitation has two"),
            (2 * channels * channels * reduction + channels * reduction + channels,
             "multiplies by the reduction; the hidden layer has C / r units, fewer than C"),
            (2 * channels * channels + 2 * channels, "leaves out the reduction: the hidden layer has C / r units"),
        ]
        _fail_with_known_mistakes(call, answer, expected, known, hint)
    _passed(f"se_block_params matches the Keras SE block in all {len(cases)} cases.")


@exercise_check
def check_se_resnet50_extra(se_resnet50_extra):
    """Notebook 17, exercise 2: check a learner's ``se_resnet50_extra(reduction)``: the parameters that SE blocks add to
    ResNet-50, one block per bottleneck unit, on its ``4 * filters`` output channels.

    The expected value is recomputed from ``resnet.RESNET50_STAGES`` and ``senet.se_params``
    (tests/test_architectures_senet.py checks that sum against the built SE-ResNet-50).
    """
    import_keras()  # TensorFlow's start-up lines go nowhere
    from course_lib.architectures import resnet, senet

    hint = (
        "Every one of the 3 + 4 + 6 + 3 = 16 bottleneck units gets its own SE block, on the "
        "unit's output channels, 4 * filters (256, 512, 1024, 2048): sum units * se_params(4 * "
        "filters, reduction) over resnet.RESNET50_STAGES."
    )
    stages = resnet.RESNET50_STAGES
    for reduction in (16, 8, 4, 32):
        expected = sum(units * senet.se_params(4 * filters, reduction) for filters, units in stages)
        call = f"se_resnet50_extra({reduction})"
        answer = _read_answer(_call(se_resnet50_extra, (reduction,), "se_resnet50_extra", hint), "count", call, hint, returned=True)
        if answer == expected:
            continue
        known = [
            (sum(senet.se_params(4 * f, reduction) for f, _ in stages),
             "counts one SE block per stage; every unit has its own"),
            (sum(n * senet.se_params(f, reduction) for f, n in stages if f % reduction == 0)
             if all(f % reduction == 0 for f, _ in stages) else None,
             "uses the bottleneck filters (64 ... 512), but the block sits on the unit's output, "
             "with 4 * filters channels"),
            (sum(n * 2 * (4 * f) ** 2 // reduction for f, n in stages),
             "counts the weights but not the biases"),
            (sum(n * senet.se_params(4 * f, reduction) for f, n in stages) + 25_636_712,
             "is the whole SE-ResNet-50; give only what the SE blocks add"),
        ]
        matches = [text for value, text in known if value is not None and answer == value]
        _fail(
            f"{call} returned {answer:,}; expected {expected:,}"
            + (f": it {'; or it '.join(matches)}." if matches else "."),
            hint,
        )
    _passed("se_resnet50_extra gives what the 16 SE blocks add for reductions 16, 8, 4 and 32.")
