"""course_lib.architectures.senet: what an SE block computes and adds, SE-ResNet-50, errors."""

import numpy as np
import pytest

from course_lib import counting
from course_lib.architectures import resnet, senet
from course_lib.architectures._small import SMALL_BN_MOMENTUM
from course_lib.session import import_keras, import_tensorflow

tf = import_tensorflow()
keras = import_keras()

L = keras.layers

# Output channels of the bottleneck units of ResNet-50, one entry per unit (3 + 4 + 6 + 3 = 16).
UNIT_CHANNELS = [4 * filters for filters, units in resnet.RESNET50_STAGES for _ in range(units)]


def se_formula(channels, reduction):
    """2 C^2 / r + C / r + C: the weights and biases of Dense(C / r) and Dense(C)."""
    return 2 * channels * channels // reduction + channels // reduction + channels


@pytest.fixture(scope="module")
def published():
    with keras.StatelessScope(initialize_variables=False):
        return {"resnet50": resnet.resnet50(), "se_resnet50": senet.se_resnet50()}


# --------------------------------------------------------------------------- one block


@pytest.mark.parametrize(("channels", "reduction"), [(256, 16), (2048, 16), (32, 4), (6, 1), (12, 3)])
def test_se_params_is_the_formula_and_what_keras_builds(channels, reduction):
    x = keras.Input((5, 5, channels))
    block = keras.Model(x, senet.se_block(x, reduction))
    assert senet.se_params(channels, reduction) == se_formula(channels, reduction)
    assert block.count_params() == se_formula(channels, reduction)


def test_se_block_shapes_and_layer_names():
    x = keras.Input((7, 9, 32))
    model = keras.Model(x, senet.se_block(x, reduction=8, name="se"))
    shapes = {layer.name: tuple(layer.output.shape) for layer in model.layers[1:]}
    assert shapes == {
        "se_squeeze": (None, 1, 1, 32),
        "se_reduce": (None, 1, 1, 4),
        "se_expand": (None, 1, 1, 32),
        "se_scale": (None, 7, 9, 32),
    }
    assert model.get_layer("se_reduce").activation.__name__ == "relu"
    assert model.get_layer("se_expand").activation.__name__ == "sigmoid"


def test_se_block_scales_each_channel_by_the_excitation_of_its_mean():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 4, 5, 8)).astype("float32")
    inputs = keras.Input((4, 5, 8))
    model = keras.Model(inputs, senet.se_block(inputs, reduction=2, name="se"))
    w1, b1 = model.get_layer("se_reduce").get_weights()
    w2, b2 = model.get_layer("se_expand").get_weights()
    b1 += rng.normal(size=b1.shape).astype("float32")  # non-zero biases, so they are tested too
    model.get_layer("se_reduce").set_weights([w1, b1])
    squeezed = x.mean(axis=(1, 2))
    weights = 1 / (1 + np.exp(-(np.maximum(squeezed @ w1 + b1, 0) @ w2 + b2)))
    np.testing.assert_allclose(np.asarray(model(x)), x * weights[:, None, None, :], atol=1e-5)
    assert 0 < weights.min() and weights.max() < 1


def test_se_block_rejects_a_reduction_that_does_not_divide_the_channels():
    x = keras.Input((4, 4, 24))
    fitting = r"reduction=16 does not divide the 24 channels.*1, 2, 3, 4, 6, 8, 12, 24"
    with pytest.raises(ValueError, match=fitting):
        senet.se_block(x, reduction=16)
    with pytest.raises(ValueError, match="reduction must be a positive int; received reduction=0"):
        senet.se_block(x, reduction=0)
    with pytest.raises(TypeError, match="received reduction=2.0"):
        senet.se_params(24, 2.0)


# --------------------------------------------------------------------------- SE-ResNet-50


def test_se_resnet50_adds_exactly_the_se_blocks(published):
    added = published["se_resnet50"].count_params() - published["resnet50"].count_params()
    assert len(UNIT_CHANNELS) == 16
    assert added == sum(se_formula(c, 16) for c in UNIT_CHANNELS) == 2_530_992
    assert published["se_resnet50"].count_params() == 25_636_712 + 2_530_992 == 28_167_704


def test_se_resnet50_puts_one_block_on_each_residual_branch_before_the_addition(published):
    model = published["se_resnet50"]
    units = [f"conv{stage}_block{unit}" for stage, (_, n) in zip(range(2, 6), resnet.RESNET50_STAGES)
             for unit in range(1, n + 1)]
    assert len([layer for layer in model.layers if layer.name.endswith("_se_scale")]) == 16
    for unit, channels in zip(units, UNIT_CHANNELS):
        scale = model.get_layer(f"{unit}_se_scale")
        assert scale.output.shape[-1] == channels
        add_inputs = {tensor.name for tensor in model.get_layer(f"{unit}_add").input}
        assert scale.output.name in add_inputs
        branch = model.get_layer(f"{unit}_3_bn").output.name
        weights = model.get_layer(f"{unit}_se_expand").output.name
        assert {tensor.name for tensor in scale.input} == {branch, weights}


def test_se_resnet50_macs_add_the_dense_layers(published):
    with_se = counting.layer_table(published["se_resnet50"])
    without = counting.layer_table(published["resnet50"])
    assert with_se.macs - without.macs == sum(2 * c * c // 16 for c in UNIT_CHANNELS)
    assert (with_se.macs - without.macs) / without.macs < 0.001


def test_se_resnet50_other_reduction_and_errors():
    with keras.StatelessScope(initialize_variables=False):
        model = senet.se_resnet50(input_shape=(64, 64, 3), classes=10, reduction=8)
        plain = resnet.resnet50(input_shape=(64, 64, 3), classes=10)
    assert model.count_params() - plain.count_params() == sum(se_formula(c, 8) for c in UNIT_CHANNELS)
    with pytest.raises(ValueError, match="reduction=3 does not divide the 256 channels"):
        senet.se_resnet50(reduction=3)
    with pytest.raises(ValueError, match="too small"):
        senet.se_resnet50(input_shape=(16, 16, 3))


# --------------------------------------------------------------------------- small variant


def test_se_resnet_small_shapes_and_added_params():
    with_se, without = senet.se_resnet_small(), senet.se_resnet_small(reduction=None)
    assert with_se.output_shape == without.output_shape == (None, 6)
    assert with_se.get_layer("stage3_unit1_out").output.shape == (None, 8, 8, 128)
    assert with_se.count_params() - without.count_params() == sum(se_formula(c, 4) for c in (32, 64, 128))
    assert not any("_se_" in layer.name for layer in without.layers)
    batch_norms = [layer for layer in with_se.layers if isinstance(layer, L.BatchNormalization)]
    assert len(batch_norms) == 1 + 3 * 3 + 2
    assert {layer.momentum for layer in batch_norms} == {SMALL_BN_MOMENTUM} == {0.9}
    digits = senet.se_resnet_small(input_shape=(28, 28, 1), classes=10, units=(1, 2), reduction=8)
    assert digits.output_shape == (None, 10)
    assert digits.get_layer("stage2_unit2_se_scale").output.shape == (None, 14, 14, 64)


def test_se_resnet_small_rejects_bad_arguments():
    with pytest.raises(ValueError, match="reduction=5 does not divide the 32 channels"):
        senet.se_resnet_small(reduction=5)
    with pytest.raises(ValueError, match="units must be a non-empty sequence"):
        senet.se_resnet_small(units=[])
    with pytest.raises(ValueError, match=r"\(2, 2, 3\) is too small"):
        senet.se_resnet_small(input_shape=(2, 2, 3))
    with pytest.raises(ValueError, match="classes=1"):
        senet.se_resnet_small(classes=1)
