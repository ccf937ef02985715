"""Checks for the exercises of notebook 17, ``notebooks/17_senet.ipynb``."""

from course_lib.session import import_keras
from course_lib.checks._common import CheckFailed, exercise_check, _call, _judge_cases, _passed, _read_answer


def _se_like(x, reduction, squeeze="average", first="relu", last="sigmoid", hidden="divide", combine="multiply"):
    """The SE block and its near misses: squeeze, excitation, scale, with the named part changed.

    ``hidden`` is how the first dense layer's units come from the channels and the reduction
    (``"divide"``: ``C // r``; ``"none"``: ``C``; ``"multiply"``: ``C * r``); ``combine`` is what
    the block does with ``x`` and the weights (``"multiply"``, ``"add"``, or ``"weights"``: it
    returns the weights themselves)."""
    keras = import_keras()
    L = keras.layers
    channels = x.shape[-1]
    units = {"divide": channels // reduction, "none": channels, "multiply": channels * reduction}[hidden]
    pool = L.GlobalAveragePooling2D if squeeze == "average" else L.GlobalMaxPooling2D
    weights = pool(keepdims=True)(x)
    weights = L.Dense(units, activation=first)(weights)
    weights = L.Dense(channels, activation=last)(weights)
    if combine == "weights":
        return weights
    return (L.Multiply() if combine == "multiply" else L.Add())([x, weights])


@exercise_check
def check_se_block(se_block):
    """Notebook 17, exercise 1: check a learner's ``se_block(x, reduction)``: squeeze (global
    average pooling), excitation (``Dense(C // reduction, relu)``, ``Dense(C, sigmoid)``) and
    scale (``x`` multiplied by the ``C`` weights), ``C`` being the channels of ``x``.

    The block is compared with :func:`course_lib.architectures.senet.se_block` by
    :func:`course_lib.checks._blocks.judge_block`: output shape, parameter count and outputs
    with the same weights, on four inputs with different channels and reductions. A 1x1
    ``Conv2D`` in place of a ``Dense`` layer computes the same, and passes; so does a squeeze
    without ``keepdims`` followed by a ``Reshape``.
    """
    from course_lib.architectures.senet import se_block as library_block
    from course_lib.checks._blocks import judge_block, reference

    hint = (
        "follow the block's three steps in the lesson's formula, one layer each: the squeeze, the two "
        "dense layers of the excitation (check each one's units and activation), and the scale. The "
        "channels are the last axis of x's shape."
    )
    # On a 1x1 input the squeeze is the input itself, large enough for some of the first dense
    # layer's sums to fall below zero (with the weights block_facts sets, and its positive
    # biases, the larger maps' means never do): only that case tells a missing ReLU.
    cases = [((4, 4, 8), (2,)), ((3, 5, 12), (4,)), ((5, 5, 6), (3,)), ((1, 1, 12), (4,))]

    def near_miss(**change):
        return reference(_se_like, **change)

    mistakes = [
        (near_miss(squeeze="max"), "squeezes with the maximum; the squeeze is the average of each channel"),
        (near_miss(last="relu"), "ends with a ReLU; the last dense layer needs a sigmoid, which gives "
                                 "each channel a weight between 0 and 1"),
        (near_miss(last="softmax"), "ends with a softmax, which makes the channels' weights share a total of 1; "
                                    "the last dense layer needs a sigmoid, which weighs each channel on its own"),
        (near_miss(first="sigmoid", last="relu"), "swaps the two activations: the first dense layer takes the ReLU, "
                                                  "the second the sigmoid"),
        (near_miss(hidden="none"), "leaves out the reduction: its first dense layer has as many units as "
                                   "there are channels, not the channels divided by the reduction"),
        (near_miss(hidden="multiply"), "multiplies the channels by the reduction; the first dense layer has "
                                       "the channels divided by the reduction, fewer units than channels"),
        (near_miss(combine="add"), "adds the weights to x; the scale multiplies each channel by its weight"),
        (near_miss(combine="weights"), "returns the channel weights; the block returns x scaled by them"),
    ]
    judge_block(se_block, "se_block", cases,
                reference(library_block, name="se"),
                mistakes, hint, library_names={"se_block"})


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
