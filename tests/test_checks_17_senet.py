"""The checks of notebook 17, ``course_lib.checks.nb17_senet``, accept right answers and
reject wrong ones."""

import pytest

from course_lib import checks


def _se_block(x, reduction):
    import keras

    channels = x.shape[-1]
    weights = keras.layers.GlobalAveragePooling2D(keepdims=True)(x)
    weights = keras.layers.Dense(channels // reduction, activation="relu")(weights)
    weights = keras.layers.Dense(channels, activation="sigmoid")(weights)
    return keras.layers.Multiply()([x, weights])


def _block(squeeze="average", first="relu", last="sigmoid", units=lambda c, r: c // r, combine="multiply",
           bias=True):
    """An SE block with one part changed: the near misses a learner may write."""
    import keras

    L = keras.layers

    def block(x, reduction):
        channels = x.shape[-1]
        pool = L.GlobalAveragePooling2D if squeeze == "average" else L.GlobalMaxPooling2D
        weights = pool(keepdims=True)(x)
        weights = L.Dense(units(channels, reduction), activation=first, use_bias=bias)(weights)
        weights = L.Dense(channels, activation=last, use_bias=bias)(weights)
        if combine == "weights":
            return weights
        return (L.Multiply() if combine == "multiply" else L.Add())([x, weights])

    return block


def test_check_se_block_accepts_the_block_written_in_other_ways(capsys):
    import keras

    L = keras.layers
    checks.check_se_block(_se_block)

    def convolutions(x, reduction):  # 1x1 convolutions on the 1x1 map: the same as the dense layers
        channels = x.shape[-1]
        weights = L.GlobalAveragePooling2D(keepdims=True)(x)
        weights = L.Conv2D(channels // reduction, 1, activation="relu")(weights)
        weights = L.Conv2D(channels, (1, 1), activation="sigmoid")(weights)
        return L.Multiply()([x, weights])

    def reshaped(x, reduction):  # a flat squeeze, reshaped to 1x1 before the scale; activations as layers
        channels = x.shape[-1]
        weights = L.GlobalAveragePooling2D()(x)
        weights = L.ReLU()(L.Dense(channels // reduction)(weights))
        weights = L.Activation("sigmoid")(L.Dense(channels)(weights))
        return x * L.Reshape((1, 1, channels))(weights)

    def sequential(x, reduction):  # the excitation as a Sequential, the scale with keras.ops
        channels = x.shape[-1]
        excite = keras.Sequential([L.GlobalAveragePooling2D(keepdims=True),
                                   L.Dense(channels // reduction, activation="relu"),
                                   L.Dense(channels, activation="sigmoid")])
        return keras.ops.multiply(x, excite(x))

    for answer in (convolutions, reshaped, sequential):
        checks.check_se_block(answer)
    assert capsys.readouterr().out.count("Correct") == 4


@pytest.mark.parametrize("wrong, named", [
    (_block(squeeze="max"), "squeezes with the maximum"),
    (_block(last="relu"), "ends with a ReLU"),
    (_block(last="softmax"), "ends with a softmax"),
    (_block(first="sigmoid", last="relu"), "swaps the two activations"),
    (_block(units=lambda c, r: c), "leaves out the reduction"),
    (_block(units=lambda c, r: c * r), "multiplies the channels by the reduction"),
    (_block(combine="add"), "adds the weights to x"),
    (_block(combine="weights"), "returns the channel weights"),
])
def test_check_se_block_names_a_near_miss(wrong, named):
    with pytest.raises(AssertionError, match=named):
        checks.check_se_block(wrong)


def test_check_se_block_rejects_other_blocks_without_naming_a_mistake():
    with pytest.raises(AssertionError, match=r"parameters, too few\.\nHint"):
        checks.check_se_block(_block(bias=False))
    with pytest.raises(AssertionError, match=r"computes other outputs: .*\.\nHint"):
        checks.check_se_block(_block(first=None))  # no ReLU in the hidden layer
    with pytest.raises(AssertionError, match=r"parameters, too many\.\nHint"):
        checks.check_se_block(_block(units=lambda c, r: c // 2))  # ignores the reduction it is given
    with pytest.raises(AssertionError, match="returned NoneType; expected the block's output tensor"):
        checks.check_se_block(lambda x, r: None)
    with pytest.raises(AssertionError, match="not attempted yet"):
        checks.check_se_block(lambda x, r: (_ for _ in ()).throw(NotImplementedError))


def test_check_se_block_rejects_the_library_block():
    from course_lib.architectures import senet

    with pytest.raises(AssertionError, match="uses the library's se_block"):
        checks.check_se_block(lambda x, r: senet.se_block(x, r))


def _se_params(channels, reduction):
    hidden = channels // reduction
    return 2 * channels * hidden + hidden + channels


def _se_resnet50_extra(reduction):
    stages = ((64, 3), (128, 4), (256, 6), (512, 3))
    return sum(units * _se_params(4 * filters, reduction) for filters, units in stages)


def test_check_se_resnet50_extra_accepts_the_sum_and_matches_the_built_model(capsys):
    from course_lib.architectures import resnet, senet

    checks.check_se_resnet50_extra(_se_resnet50_extra)
    assert capsys.readouterr().out.startswith("Correct")
    assert _se_resnet50_extra(16) == 2_530_992  # what test_architectures_senet measures on the model
    assert resnet.RESNET50_STAGES == ((64, 3), (128, 4), (256, 6), (512, 3))
    assert senet.se_params(2048, 16) == _se_params(2048, 16)


def test_check_se_resnet50_extra_rejects_per_stage_and_wrong_channels():
    stages = ((64, 3), (128, 4), (256, 6), (512, 3))
    with pytest.raises(AssertionError, match="one SE block per stage"):
        checks.check_se_resnet50_extra(lambda r: sum(_se_params(4 * f, r) for f, _ in stages))
    with pytest.raises(AssertionError, match="uses the bottleneck filters"):
        checks.check_se_resnet50_extra(lambda r: sum(n * _se_params(f, r) for f, n in stages))


def test_check_se_resnet50_extra_rejects_missing_biases_and_the_whole_model():
    stages = ((64, 3), (128, 4), (256, 6), (512, 3))
    with pytest.raises(AssertionError, match="counts the weights but not the biases"):
        checks.check_se_resnet50_extra(lambda r: sum(n * 2 * (4 * f) ** 2 // r for f, n in stages))
    with pytest.raises(AssertionError, match="is the whole SE-ResNet-50"):
        checks.check_se_resnet50_extra(lambda r: _se_resnet50_extra(r) + 25_636_712)


def right_answers():
    """Check name -> the arguments of one right answer (tests/test_every_check.py uses them)."""
    return {
        "check_se_block": (_se_block,),
        "check_se_resnet50_extra": (_se_resnet50_extra,),
    }


def wrong_answers():
    """Check name -> near misses ``[(description, answer tuple)]`` (tests/test_every_check.py tries them)."""
    return {
        "check_se_block": [
            ("max pooling squeeze", (_block(squeeze="max"),)),
            ("ReLU at the end", (_block(last="relu"),)),
            ("softmax at the end", (_block(last="softmax"),)),
            ("no reduction", (_block(units=lambda c, r: c),)),
            ("C * r units", (_block(units=lambda c, r: c * r),)),
            ("adds", (_block(combine="add"),)),
            ("no biases", (_block(bias=False),)),
        ],
    }
