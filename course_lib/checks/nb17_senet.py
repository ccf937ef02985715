"""Checks for the exercises of notebook 17, ``notebooks/17_senet.ipynb``."""

from course_lib.session import import_keras
from course_lib.checks._common import CheckFailed, exercise_check, _call, _judge_cases, _passed, _read_answer


@exercise_check
def check_se_block_params(se_block_params):
    """Notebook 17, exercise 1: check a learner's ``se_block_params(channels, reduction)``: the parameters of one SE block,
    ``Dense(C / r, relu)`` then ``Dense(C, sigmoid)``, both with biases.

    The expected count is ``count_params()`` of a real ``senet.se_block`` built for each case.
    """
    keras = import_keras()
    from course_lib.architectures import senet

    hint = (
        "squeezing (the global average) and scaling learn nothing. The excitation is two Dense "
        "layers with biases: C inputs to C / r units, then C / r inputs back to C units."
    )
    cases = [(64, 16), (256, 16), (2048, 16), (32, 4), (96, 8), (6, 1)]
    answers, expected = [], []
    pending = None
    try:
        for channels, reduction in cases:
            x = keras.Input((4, 4, channels))
            expected.append(keras.Model(x, senet.se_block(x, reduction)).count_params())
            call = f"se_block_params({channels}, {reduction})"
            answer = _call(se_block_params, (channels, reduction), "se_block_params", hint)
            answers.append(_read_answer(answer, "count", call, hint, returned=True))
    except CheckFailed as failure:  # judged after the cases before it
        pending = failure
    hidden = [c // r for c, r in cases]
    mistakes = [
        ([2 * c * h for (c, _), h in zip(cases, hidden)], "counts the weights but not the biases of the two Dense layers"),
        ([2 * c * h + h for (c, _), h in zip(cases, hidden)], "leaves out the biases of the second Dense layer (C of them)"),
        ([2 * c * h + c for (c, _), h in zip(cases, hidden)], "leaves out the biases of the first Dense layer (C / r of them)"),
        ([c * h + h for (c, _), h in zip(cases, hidden)], "counts only the first Dense layer; the excitation has two"),
        ([2 * c * c * r + c * r + c for c, r in cases],
         "multiplies by the reduction; the hidden layer has C / r units, fewer than C"),
        ([2 * c * c + 2 * c for c, _ in cases], "leaves out the reduction: the hidden layer has C / r units"),
    ]
    _judge_cases(answers, expected, lambda i: f"se_block_params{cases[i]}",
                 [(values, text, None) for values, text in mistakes], hint, pending=pending)
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
        "every bottleneck unit of ResNet-50 gets its own SE block (resnet.RESNET50_STAGES lists "
        "each stage's filters and units), on the unit's output channels, 4 times its filters."
    )
    stages = resnet.RESNET50_STAGES
    reductions = (16, 8, 4, 32)
    answers, expected = [], []
    pending = None
    try:
        for reduction in reductions:
            expected.append(sum(units * senet.se_params(4 * filters, reduction) for filters, units in stages))
            call = f"se_resnet50_extra({reduction})"
            answers.append(_read_answer(_call(se_resnet50_extra, (reduction,), "se_resnet50_extra", hint), "count", call,
                                        hint, returned=True))
    except CheckFailed as failure:  # judged after the cases before it
        pending = failure
    mistakes = [
        ([sum(senet.se_params(4 * f, r) for f, _ in stages) for r in reductions],
         "counts one SE block per stage; every unit has its own"),
        ([sum(n * senet.se_params(f, r) for f, n in stages) if all(f % r == 0 for f, _ in stages) else None
          for r in reductions],
         "uses the bottleneck filters (64 ... 512), but the block sits on the unit's output, with "
         "4 * filters channels"),
        ([sum(n * 2 * (4 * f) ** 2 // r for f, n in stages) for r in reductions],
         "counts the weights but not the biases"),
        ([e + 25_636_712 for e in expected], "is the whole SE-ResNet-50; give only what the SE blocks add"),
    ]
    _judge_cases(answers, expected, lambda i: f"se_resnet50_extra({reductions[i]})",
                 [(values, text, None) for values, text in mistakes], hint, pending=pending)
    _passed("se_resnet50_extra gives what the 16 SE blocks add for reductions 16, 8, 4 and 32.")
