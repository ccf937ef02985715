"""course_lib.architectures.xception against keras.applications.Xception, the counting formulas and Keras layers."""

import math
from fractions import Fraction

import numpy as np
import pytest

from course_lib import counting
from course_lib.architectures import xception as xc
from course_lib.architectures._small import SMALL_BN_MOMENTUM
from course_lib.session import import_keras

keras = import_keras()

L = keras.layers


@pytest.fixture(scope="module")
def models():
    """Ours and Keras's Xception at 299x299x3 and 1000 classes, each built once.

    The StatelessScope keeps every weight's shape but skips drawing 23 million random values
    twice, which is all that counting needs.
    """
    with keras.StatelessScope(initialize_variables=False):
        return xc.xception(), keras.applications.Xception(weights=None)


def shapes(layer):
    return [tuple(w.shape) for w in layer.weights]


# --------------------------------------------------------------------------- the published network


def test_parameter_count_equals_keras_applications(models):
    ours, keras_xception = models
    assert ours.count_params() == keras_xception.count_params() == 22_910_480
    non_trainable = sum(math.prod(w.shape) for w in ours.non_trainable_weights)
    assert non_trainable == sum(math.prod(w.shape) for w in keras_xception.non_trainable_weights)
    assert non_trainable == 54_528  # the moving mean and variance of every batch normalization
    assert {layer.momentum for layer in ours.layers if isinstance(layer, L.BatchNormalization)} == {0.99}
    assert ours.input_shape == (None, 299, 299, 3) and ours.output_shape == (None, 1000)


def test_every_named_keras_layer_is_ours_with_the_same_weights_and_output(models):
    ours, keras_xception = models
    assert len(ours.layers) == len(keras_xception.layers) == 134
    mine = {layer.name: layer for layer in ours.layers}
    unnamed = []
    for layer in keras_xception.layers:
        if layer.name.startswith(("input_layer", "conv2d", "batch_normalization", "add")):
            unnamed.append(layer)
            continue
        assert layer.name in mine, f"{layer.name} is missing"
        twin = mine[layer.name]
        assert type(twin) is type(layer), layer.name
        assert shapes(twin) == shapes(layer), layer.name
        assert twin.output.shape == layer.output.shape, layer.name
    # Keras leaves the shortcuts and additions unnamed; ours are named blockN_shortcut_*/blockN_add.
    def kinds(layers):
        return sorted((type(layer).__name__, str(shapes(layer)), str(layer.output.shape)) for layer in layers)

    named_here = [mine[n] for n in mine if "_shortcut_" in n or n.endswith("_add") or n == "input"]
    assert kinds(named_here) == kinds(unnamed)
    assert [mine[f"block{b}_add"].output.shape[1:] for b in (2, 3, 4, 12, 13)] == [
        (74, 74, 128), (37, 37, 256), (19, 19, 728), (19, 19, 728), (10, 10, 1024)
    ]


def _separable_macs(size, c_in, c_out):
    """Depthwise (a grouped conv, one group per channel) plus pointwise MACs of a 3x3 'same' layer."""
    return counting.conv2d_macs(size, size, 3, c_in, c_in, groups=c_in) + counting.conv2d_macs(
        size, size, 1, c_in, c_out
    )


def test_macs_equal_the_sum_of_the_formulas(models):
    ours, keras_xception = models
    macs = counting.conv2d_macs(149, 149, 3, 3, 32) + counting.conv2d_macs(147, 147, 3, 32, 64)
    # (size of the separable convolutions, channels in -> out) per block, and its 1x1 shortcut
    downsampling = [(147, [64, 128, 128], 74), (74, [128, 256, 256], 37), (37, [256, 728, 728], 19),
                    (19, [728, 728, 1024], 10)]
    for size, channels, out in downsampling:
        macs += sum(_separable_macs(size, a, b) for a, b in zip(channels, channels[1:]))
        macs += counting.conv2d_macs(out, out, 1, channels[0], channels[-1])
    macs += 8 * 3 * _separable_macs(19, 728, 728)  # the middle flow
    macs += _separable_macs(10, 1024, 1536) + _separable_macs(10, 1536, 2048)
    macs += counting.dense_macs(2048, 1000)
    assert counting.layer_table(ours).macs == counting.layer_table(keras_xception).macs == macs
    assert macs == pytest.approx(8.4e9, rel=0.01)  # the figure usually quoted for Xception


def test_profile_totals_match_keras(models):
    ours, _ = models
    profile = counting.layer_table(ours)
    assert profile.params == ours.count_params()
    assert profile.non_trainable_params == 54_528
    assert not any(row.note for row in profile.rows), "every layer's MACs are counted"


def test_a_smaller_input_and_other_classes_build(models):
    with keras.StatelessScope(initialize_variables=False):
        model = xc.xception((23, 23, 3), classes=10)
    assert model.output_shape == (None, 10)
    assert model.get_layer("block14_sepconv2_act").output.shape == (None, 1, 1, 2048)
    # Only the classifier depends on the classes: 2048 x 990 fewer weights and 990 fewer biases.
    assert models[0].count_params() - model.count_params() == 2049 * 990


# --------------------------------------------------------------------------- depthwise separable convolution


@pytest.mark.parametrize(
    ("shape", "filters", "kernel_size", "strides", "multiplier"),
    [((9, 9, 3), 8, 3, 1, 1), ((12, 10, 16), 4, 5, 2, 1), ((7, 7, 6), 10, 3, 1, 2)],
)
def test_depthwise_then_pointwise_equals_separable_conv2d(shape, filters, kernel_size, strides, multiplier):
    x = np.random.default_rng(0).normal(size=(2, *shape)).astype("float32")
    separable = L.SeparableConv2D(filters, kernel_size, strides=strides, padding="same",
                                  depth_multiplier=multiplier)
    expected = separable(x)
    separable.bias.assign(np.linspace(-1, 1, filters))  # a bias that is not all zeros
    expected = keras.ops.convert_to_numpy(separable(x))
    depthwise = L.DepthwiseConv2D(kernel_size, strides=strides, padding="same",
                                  depth_multiplier=multiplier, use_bias=False)
    pointwise = L.Conv2D(filters, 1)
    pointwise(depthwise(x))  # builds both
    depthwise.set_weights([separable.depthwise_kernel.numpy()])
    pointwise.set_weights([separable.pointwise_kernel.numpy(), separable.bias.numpy()])
    got = keras.ops.convert_to_numpy(pointwise(depthwise(x)))
    np.testing.assert_allclose(got, expected, atol=1e-5)
    assert depthwise.count_params() + pointwise.count_params() == separable.count_params()
    assert separable.count_params() == counting.separable_conv2d_params(
        kernel_size, shape[-1], filters, depth_multiplier=multiplier
    )


@pytest.mark.parametrize(
    ("kernel_size", "c_in", "c_out"), [(3, 32, 64), (3, 728, 728), (5, 64, 256), (7, 3, 64), (1, 8, 8)]
)
def test_savings_are_one_over_c_out_plus_one_over_k_squared(kernel_size, c_in, c_out):
    ratio = Fraction(1, c_out) + Fraction(1, kernel_size**2)
    separable = counting.separable_conv2d_params(kernel_size, c_in, c_out, use_bias=False)
    regular = counting.conv2d_params(kernel_size, c_in, c_out, use_bias=False)
    assert Fraction(separable, regular) == ratio
    # The same ratio for the operations: profile two one-layer models on a 16x16 input.
    def macs(layer):
        return counting.layer_table(keras.Sequential([keras.Input((16, 16, c_in)), layer])).macs

    kwargs = {"padding": "same", "use_bias": False}
    assert Fraction(macs(L.SeparableConv2D(c_out, kernel_size, **kwargs)),
                    macs(L.Conv2D(c_out, kernel_size, **kwargs))) == ratio


# --------------------------------------------------------------------------- blocks


def test_separable_block_puts_the_relu_where_asked():
    x = keras.Input((16, 16, 8))
    for relu, kinds in [
        ("before", ["Activation", "SeparableConv2D", "BatchNormalization"]),
        ("after", ["SeparableConv2D", "BatchNormalization", "Activation"]),
        (None, ["SeparableConv2D", "BatchNormalization"]),
    ]:
        model = keras.Model(x, xc.separable_block(x, 32, name="demo", relu=relu))
        assert [type(layer).__name__ for layer in model.layers[1:]] == kinds
        assert model.output_shape == (None, 16, 16, 32)
        assert model.count_params() == counting.separable_conv2d_params(3, 8, 32, use_bias=False) + (
            counting.batch_norm_params(32)
        )
        assert {layer.name for layer in model.layers[1:]} <= {"demo", "demo_bn", "demo_act"}


def test_separable_block_passes_the_momentum_to_batch_normalization():
    x = keras.Input((8, 8, 4))
    model = keras.Model(x, xc.separable_block(x, 4, name="b", bn_momentum=0.9))
    assert model.get_layer("b_bn").momentum == 0.9


def test_downsampling_and_middle_blocks_shapes_and_names():
    x = keras.Input((15, 15, 16))
    y = xc.downsampling_block(x, (24, 32), block=2, first_relu=False)
    model = keras.Model(x, y)
    assert model.output_shape == (None, 8, 8, 32)
    names = [layer.name for layer in model.layers]
    assert "block2_sepconv1_act" not in names and "block2_sepconv2_act" in names
    assert model.get_layer("block2_shortcut_conv").strides == (2, 2)
    assert model.get_layer("block2_sepconv1").filters == 24
    z = xc.middle_block(keras.Input((8, 8, 32)), block=5)
    assert tuple(z.shape) == (None, 8, 8, 32)


def test_xception_small_shapes_counts_and_a_forward_pass():
    model = xc.xception_small()
    assert model.name == "xception_small" and model.output_shape == (None, 6)
    sizes = [model.get_layer(name).output.shape[1:3] for name in
             ("block1_conv2_act", "block2_add", "block3_add", "block4_add", "block5_add")]
    assert sizes == [(16, 16), (8, 8), (4, 4), (4, 4), (2, 2)]
    assert counting.layer_table(model).params == model.count_params()
    momenta = {layer.momentum for layer in model.layers if isinstance(layer, L.BatchNormalization)}
    assert momenta == {SMALL_BN_MOMENTUM} == {0.9}
    # One eager forward pass (a training step would first trace the whole graph: slow, and the
    # notebook trains it anyway): one probability row per image.
    x = np.random.default_rng(0).random((4, 32, 32, 3), dtype=np.float32)
    probabilities = keras.ops.convert_to_numpy(model(x, training=False))
    np.testing.assert_allclose(probabilities.sum(axis=1), 1, atol=1e-5)
    wider = xc.xception_small(input_shape=(48, 40, 1), classes=10, width=4, middle_repeats=3)
    assert wider.output_shape == (None, 10) and "block6_add" in [layer.name for layer in wider.layers]


# --------------------------------------------------------------------------- errors


def test_smallest_inputs():
    assert xc.smallest_input([(3, 2, "valid"), (3, 1, "valid")], 4) == 23
    assert xc.smallest_input([(3, 2, "same"), (3, 1, "same")], 3) == 9


def test_too_small_inputs_say_the_size_the_halvings_and_the_minimum():
    with pytest.raises(ValueError, match=r"\(22, 22, 3\) is too small for Xception.*5 times \(1 in its stem, then 4 poolings\).*23x23"):
        xc.xception((22, 22, 3))
    with pytest.raises(ValueError, match=r"\(32, 8, 3\) is too small for xception_small.*4 times.*9x9"):
        xc.xception_small((32, 8, 3))


@pytest.mark.parametrize(
    ("input_shape", "error"),
    [((32, 32), ValueError), ((32, 32, 0), ValueError), ([32.0, 32, 3], TypeError), ("32x32x3", TypeError)],
)
def test_malformed_input_shapes_are_refused(input_shape, error):
    with pytest.raises(error, match=r"input_shape must be \(height, width, channels\)"):
        xc.xception_small(input_shape)


@pytest.mark.parametrize(
    ("classes", "error", "match"),
    [(1, ValueError, "classes must be an int >= 2"), (0, ValueError, "classes must be an int >= 2"),
     ("10", TypeError, "classes must be an int"), (2.0, TypeError, "classes must be an int"),
     (True, TypeError, "classes must be an int")],
)
def test_wrong_classes_are_refused(classes, error, match):
    with pytest.raises(error, match=match):
        xc.xception_small(classes=classes)


def test_wrong_block_arguments_are_refused():
    x = keras.Input((8, 8, 4))
    with pytest.raises(ValueError, match="relu must be 'before', 'after' or None; received relu='middle'"):
        xc.separable_block(x, 8, name="b", relu="middle")
    with pytest.raises(ValueError, match="filters must be a positive int; received filters=0"):
        xc.separable_block(x, 0, name="b")
    with pytest.raises(ValueError, match="width must be a positive int; received width=0"):
        xc.xception_small(width=0)
    with pytest.raises(ValueError, match="middle_repeats must be an int >= 0"):
        xc.xception_small(middle_repeats=-1)
