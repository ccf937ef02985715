"""course_lib.architectures.resnet: published counts, shapes of every block, errors."""

import numpy as np
import pytest

from course_lib import counting
from course_lib.architectures import resnet
from course_lib.session import import_keras, import_tensorflow

tf = import_tensorflow()
keras = import_keras()

L = keras.layers

# ResNet-34, the paper's Table 1: conv1 7x7/2 64, pool 3x3/2, then (filters, units) per stage.
RESNET34_TABLE = [(64, 3), (128, 4), (256, 6), (512, 3)]
# He et al. (2015), Table 1: "FLOPs" of ResNet-34 and ResNet-50, which are multiply-adds (MACs).
PAPER_MACS = {"resnet34": 3.6e9, "resnet50": 3.8e9}


def residual_unit_params(c_in, filters, strides):
    """Parameters of a ResidualUnit from the formulas: two 3x3 convs, two BNs, maybe a projection."""
    count = counting.conv2d_params(3, c_in, filters, use_bias=False)
    count += counting.conv2d_params(3, filters, filters, use_bias=False)
    count += 2 * counting.batch_norm_params(filters)
    if strides != 1 or c_in != filters:
        count += counting.conv2d_params(1, c_in, filters, use_bias=False)
        count += counting.batch_norm_params(filters)
    return count


def resnet34_from_table(side=224, classes=1000):
    """Return (parameters, MACs) of ResNet-34 summed from the layer table with counting's formulas."""
    side = -(-side // 2)  # conv1, stride 2, 'same'
    params = counting.conv2d_params(7, 3, 64, use_bias=False) + counting.batch_norm_params(64)
    macs = counting.conv2d_macs(side, side, 7, 3, 64)
    side = -(-side // 2)  # pool1
    previous = 64
    for filters, units in RESNET34_TABLE:
        for _ in range(units):
            strides = 1 if filters == previous else 2
            side = -(-side // strides)
            params += residual_unit_params(previous, filters, strides)
            macs += counting.conv2d_macs(side, side, 3, previous, filters)
            macs += counting.conv2d_macs(side, side, 3, filters, filters)
            if strides != 1:
                macs += counting.conv2d_macs(side, side, 1, previous, filters)
            previous = filters
    params += counting.dense_params(512, classes)
    macs += counting.dense_macs(512, classes)
    return params, macs


@pytest.fixture(scope="module")
def published():
    """ResNet-34, ResNet-50 and Keras's ResNet50, built once, weights shaped but not drawn."""
    with keras.StatelessScope(initialize_variables=False):
        return {
            "resnet34": resnet.resnet34(),
            "resnet50": resnet.resnet50(),
            "keras50": keras.applications.ResNet50(weights=None),
        }


# --------------------------------------------------------------------------- published sizes


def test_resnet34_parameters_equal_the_layer_table(published):
    model = published["resnet34"]
    params, _ = resnet34_from_table()
    assert params == model.count_params() == 21_814_696
    assert counting.layer_table(model).params == params


def test_resnet34_macs_from_the_table_match_the_paper():
    _, macs = resnet34_from_table()
    assert macs == 3_663_761_408
    assert abs(macs / PAPER_MACS["resnet34"] - 1) < 0.02


def test_resnet34_profile_opens_the_residual_units_and_counts_the_table_macs(published):
    profile = counting.layer_table(published["resnet34"])
    _, macs = resnet34_from_table()
    assert profile.macs == macs == 3_663_761_408
    assert not any(row.note for row in profile.rows)
    unit = [row.name for row in profile.rows if row.name.startswith("conv3_block1/")]
    assert sorted(unit) == sorted(f"conv3_block1/{name}" for name in (
        "conv1", "bn1", "act1", "conv2", "bn2", "skip_conv", "skip_bn", "add", "relu"))


def test_published_builders_keep_keras_batch_norm_momentum(published):
    units = [layer for layer in published["resnet34"].layers if isinstance(layer, resnet.ResidualUnit)]
    batch_norms = [layer for layer in published["resnet34"].layers if isinstance(layer, L.BatchNormalization)]
    batch_norms += [layer for unit in units for layer in unit.main_layers + unit.skip_layers
                    if isinstance(layer, L.BatchNormalization)]
    assert len(batch_norms) == 1 + 16 * 2 + 3 and {layer.momentum for layer in batch_norms} == {0.99}


def test_resnet34_shapes_stage_by_stage(published):
    model = published["resnet34"]
    assert model.get_layer("conv1").output.shape == (None, 112, 112, 64)
    assert model.get_layer("pool1").output.shape == (None, 56, 56, 64)
    for stage, (filters, units), side in zip(range(2, 6), RESNET34_TABLE, (56, 28, 14, 7)):
        for unit in range(1, units + 1):
            layer = model.get_layer(f"conv{stage}_block{unit}")
            assert layer.output.shape == (None, side, side, filters)
            assert layer.projects == (unit == 1 and stage > 2)
    assert model.output_shape == (None, 1000)
    assert sum(isinstance(layer, resnet.ResidualUnit) for layer in model.layers) == 16


def test_resnet50_equals_keras_applications(published):
    ours, theirs = published["resnet50"], published["keras50"]
    assert ours.count_params() == theirs.count_params() == 25_636_712
    # The same layers in the same order, named alike (the input layer aside), with the same weights.
    assert [layer.name for layer in ours.layers[1:]] == [layer.name for layer in theirs.layers[1:]]
    assert [tuple(w.shape) for w in ours.weights] == [tuple(w.shape) for w in theirs.weights]
    for mine, keras_layer in zip(ours.layers, theirs.layers):
        if isinstance(mine, L.BatchNormalization):
            assert mine.epsilon == keras_layer.epsilon == resnet.BN_EPSILON
            assert mine.momentum == keras_layer.momentum == 0.99
        if isinstance(mine, L.Conv2D):
            assert mine.strides == keras_layer.strides and mine.padding == keras_layer.padding


def test_resnet50_macs_equal_keras_and_the_paper(published):
    ours, theirs = counting.layer_table(published["resnet50"]), counting.layer_table(published["keras50"])
    assert ours.macs == theirs.macs == 3_857_973_248
    assert abs(ours.macs / PAPER_MACS["resnet50"] - 1) < 0.02
    assert ours.params == 25_636_712


def test_resnet50_shapes_and_projections(published):
    model = published["resnet50"]
    for stage, (filters, units), side in zip(range(2, 6), resnet.RESNET50_STAGES, (56, 28, 14, 7)):
        assert model.get_layer(f"conv{stage}_block{units}_out").output.shape == (
            None, side, side, 4 * filters,
        )
        names = {layer.name for layer in model.layers}
        assert f"conv{stage}_block1_0_conv" in names and f"conv{stage}_block2_0_conv" not in names
        first_strides = model.get_layer(f"conv{stage}_block1_1_conv").strides
        assert first_strides == ((1, 1) if stage == 2 else (2, 2))


def test_other_input_sizes_and_classes():
    with keras.StatelessScope(initialize_variables=False):
        model = resnet.resnet34(input_shape=(64, 96, 3), classes=10)
        assert model.output_shape == (None, 10)
        assert model.get_layer("conv5_block3").output.shape == (None, 2, 3, 512)
        assert resnet.resnet50(input_shape=(32, 32, 3), classes=5).output_shape == (None, 5)
    params, _ = resnet34_from_table(classes=10)
    assert model.count_params() == params


# --------------------------------------------------------------------------- the residual unit


@pytest.mark.parametrize(
    ("c_in", "filters", "strides", "projects", "out_side"),
    [(16, 16, 1, False, 8), (16, 32, 2, True, 4), (16, 32, 1, True, 8), (16, 16, 2, True, 4),
     (3, 8, 3, True, 3)],
)
def test_residual_unit_shape_projection_and_params(c_in, filters, strides, projects, out_side):
    unit = resnet.ResidualUnit(filters, strides=strides)
    y = unit(np.random.default_rng(0).normal(size=(2, 8, 8, c_in)).astype("float32"))
    assert tuple(y.shape) == (2, out_side, out_side, filters)
    assert unit.compute_output_shape((None, 8, 8, c_in)) == (None, out_side, out_side, filters)
    assert unit.projects == projects
    assert unit.count_params() == residual_unit_params(c_in, filters, strides)
    assert float(keras.ops.min(y)) >= 0, "the unit ends with ReLU"


def test_residual_unit_computes_relu_of_branch_plus_input():
    x = np.random.default_rng(1).normal(size=(2, 6, 6, 4)).astype("float32")
    unit = resnet.ResidualUnit(4)
    unit(x)
    z = x
    for layer in unit.main_layers:
        z = layer(z)
    np.testing.assert_allclose(np.asarray(unit(x)), np.maximum(np.asarray(z) + x, 0), atol=1e-5)
    # With the last batch norm's scale at zero, the branch is silent: the unit is relu(x).
    unit.main_layers[-1].gamma.assign(np.zeros(4, "float32"))
    unit.main_layers[-1].beta.assign(np.zeros(4, "float32"))
    np.testing.assert_allclose(np.asarray(unit(x)), np.maximum(x, 0), atol=1e-6)


def test_residual_unit_config_round_trip_and_saving(tmp_path):
    unit = resnet.ResidualUnit(8, strides=2, activation="elu", bn_momentum=0.9, name="unit")
    config = unit.get_config()
    keys = ("filters", "strides", "activation", "bn_momentum")
    assert tuple(config[key] for key in keys) == (8, 2, "elu", 0.9)
    clone = resnet.ResidualUnit.from_config(config)
    assert clone.get_config() == config
    model = keras.Sequential([keras.Input((8, 8, 3)), unit, L.GlobalAveragePooling2D(), L.Dense(2)])
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    x = np.random.default_rng(2).normal(size=(3, 8, 8, 3)).astype("float32")
    np.testing.assert_allclose(model.predict(x, verbose=0), loaded.predict(x, verbose=0), atol=1e-5)


def test_residual_unit_rejects_bad_arguments():
    with pytest.raises(ValueError, match=r"filters must be a positive int; received filters=0"):
        resnet.ResidualUnit(0)
    with pytest.raises(TypeError, match=r"strides must be an int; received strides=1.5"):
        resnet.ResidualUnit(8, strides=1.5)


# --------------------------------------------------------------------------- the bottleneck unit


def test_bottleneck_unit_shapes_params_and_hook():
    calls = []

    def hook(branch, name):
        calls.append((tuple(branch.shape), name))
        return L.Identity(name=f"{name}_hook")(branch)

    x = keras.Input((16, 16, 64))
    y = resnet.bottleneck_unit(x, 32, strides=2, name="unit", residual_hook=hook)
    model = keras.Model(x, y)
    assert tuple(y.shape) == (None, 8, 8, 128)
    assert calls == [((None, 8, 8, 128), "unit")]
    expected = (
        counting.conv2d_params(1, 64, 128) + counting.batch_norm_params(128)  # projection
        + counting.conv2d_params(1, 64, 32) + counting.conv2d_params(3, 32, 32)
        + counting.conv2d_params(1, 32, 128)
        + counting.batch_norm_params(32) * 2 + counting.batch_norm_params(128)
    )
    assert model.count_params() == expected
    add = model.get_layer("unit_add")
    assert {t.name for t in add.input} >= {model.get_layer("unit_hook").output.name}


def test_bottleneck_unit_keeps_an_identity_skip_when_shapes_match():
    x = keras.Input((8, 8, 128))
    model = keras.Model(x, resnet.bottleneck_unit(x, 32, name="b"))
    names = {layer.name for layer in model.layers}
    assert "b_0_conv" not in names and model.output_shape == (None, 8, 8, 128)


def test_bottleneck_is_cheaper_than_two_3x3_convolutions_at_256_channels():
    x = keras.Input((56, 56, 256))
    bottleneck = counting.layer_table(keras.Model(x, resnet.bottleneck_unit(x, 64, name="b")))
    basic_params = 2 * counting.conv2d_params(3, 256, 256, use_bias=False)
    basic_macs = 2 * counting.conv2d_macs(56, 56, 3, 256, 256)
    assert bottleneck.macs == 56 * 56 * (256 * 64 + 9 * 64 * 64 + 64 * 256)
    assert basic_params > 15 * bottleneck.params and basic_macs > 15 * bottleneck.macs


# --------------------------------------------------------------------------- small variants


def test_resnet_small_shapes_and_params():
    model = resnet.resnet_small()
    assert model.output_shape == (None, 6)
    assert [model.get_layer(f"stage{i}_unit1").output.shape for i in (1, 2, 3)] == [
        (None, 32, 32, 16), (None, 16, 16, 32), (None, 8, 8, 64),
    ]
    expected = counting.conv2d_params(3, 3, 16, use_bias=False) + counting.batch_norm_params(16)
    expected += residual_unit_params(16, 16, 1) + residual_unit_params(16, 32, 2)
    expected += residual_unit_params(32, 64, 2) + counting.dense_params(64, 6)
    assert model.count_params() == expected
    momenta = {layer.momentum for layer in model.layers if isinstance(layer, L.BatchNormalization)}
    momenta |= {layer.momentum for unit in model.layers if isinstance(unit, resnet.ResidualUnit)
                for layer in unit.main_layers + unit.skip_layers if isinstance(layer, L.BatchNormalization)}
    assert momenta == {resnet.SMALL_BN_MOMENTUM} == {0.9}
    deeper = resnet.resnet_small(input_shape=(28, 28, 1), classes=10, filters=8, units=(2, 2))
    assert deeper.output_shape == (None, 10)
    assert deeper.get_layer("stage2_unit2").output.shape == (None, 14, 14, 16)


@pytest.mark.parametrize("depth", [4, 20])
def test_plain_and_residual_nets_differ_only_by_the_skips(depth):
    plain, residual = resnet.plain_net(depth), resnet.residual_net(depth)
    assert plain.count_params() == residual.count_params()
    adds = [layer.name for layer in residual.layers if isinstance(layer, L.Add)]
    assert len(adds) == (depth - 2) // 2
    assert [layer.name for layer in plain.layers] == [
        layer.name for layer in residual.layers if not isinstance(layer, L.Add)
    ]
    weighted = [layer for layer in plain.layers if layer.weights]
    assert len(weighted) == depth
    assert plain.get_layer("stem_conv").output.shape == (None, 4, 4, 8)
    assert plain.output_shape == residual.output_shape == (None, 10)


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize("builder", [resnet.resnet34, resnet.resnet50])
def test_published_builders_reject_small_inputs_and_bad_classes(builder):
    with pytest.raises(ValueError, match=r"\(16, 16, 3\) is too small.*5 times.*at least 32x32 \(2\*\*5\)"):
        builder(input_shape=(16, 16, 3))
    with pytest.raises(ValueError, match=r"classes must be an int >= 2.*classes=1\b"):
        builder(input_shape=(32, 32, 3), classes=1)
    with pytest.raises(ValueError, match="three positive ints"):
        builder(input_shape=(224, 224))


def test_small_builders_reject_bad_arguments():
    with pytest.raises(ValueError, match=r"\(2, 2, 3\) is too small for resnet_small.*2 times.*at least 4x4"):
        resnet.resnet_small(input_shape=(2, 2, 3))
    with pytest.raises(ValueError, match="units must be a non-empty sequence"):
        resnet.resnet_small(units=())
    with pytest.raises(ValueError, match="units must be a non-empty sequence"):
        resnet.resnet_small(units=(1, 0))
    with pytest.raises(ValueError, match=r"depth = 2 \* units \+ 2, an even number >= 4; received depth=5"):
        resnet.plain_net(5)
    with pytest.raises(ValueError, match="received depth=2"):
        resnet.residual_net(2)
    with pytest.raises(ValueError, match="classes=0"):
        resnet.plain_net(4, classes=0)
    with pytest.raises(ValueError, match=r"\(1, 1, 1\) is too small for plain_4: it halves .* once.*at least 2x2"):
        resnet.plain_net(4, input_shape=(1, 1, 1))


# --------------------------------------------------------------------------- the paper's CIFAR-10 nets


def cifar_params(depth, filters=16, channels=3, classes=10):
    """Parameters of the paper's CIFAR-10 net from the formulas: 3x3 convs without bias, a BN after each."""
    units = (depth - 2) // 6
    count = counting.conv2d_params(3, channels, filters, use_bias=False) + counting.batch_norm_params(filters)
    previous = filters
    for factor in resnet.CIFAR_STAGE_FACTORS:
        width = filters * factor
        for _ in range(units):
            count += counting.conv2d_params(3, previous, width, use_bias=False) + counting.batch_norm_params(width)
            count += counting.conv2d_params(3, width, width, use_bias=False) + counting.batch_norm_params(width)
            previous = width
    return count + counting.dense_params(4 * filters, classes)


@pytest.mark.parametrize("depth", [8, 20, 56])
def test_cifar_nets_have_the_papers_layers_and_equal_parameters(depth):
    with keras.StatelessScope(initialize_variables=False):
        plain, residual = resnet.cifar_plain(depth), resnet.cifar_resnet(depth)
    assert plain.count_params() == residual.count_params() == cifar_params(depth)
    weighted = [layer for layer in plain.layers if isinstance(layer, (L.Conv2D, L.Dense))]
    assert len(weighted) == depth
    batch_norms = [layer for layer in plain.layers if isinstance(layer, L.BatchNormalization)]
    assert len(batch_norms) == depth - 1, "a batch normalization after every convolution"
    assert {layer.momentum for layer in batch_norms} == {resnet.SMALL_BN_MOMENTUM}
    for model in (plain, residual):
        for layer in model.layers:
            if isinstance(layer, (L.Conv2D, L.Dense)):
                assert isinstance(layer.kernel_initializer, keras.initializers.HeNormal), layer.name
            if isinstance(layer, L.Conv2D):
                assert layer.kernel_size == (3, 3) and not layer.use_bias
    units = (depth - 2) // 6
    for stage, side, width in zip((1, 2, 3), (32, 16, 8), (16, 32, 64)):
        assert residual.get_layer(f"stage{stage}_unit{units}_relu2").output.shape == (None, side, side, width)
        assert plain.get_layer(f"stage{stage}_unit1_relu2").output.shape == (None, side, side, width)
    adds = [layer.name for layer in residual.layers if isinstance(layer, L.Add)]
    shortcuts = [layer.name for layer in residual.layers if isinstance(layer, resnet.ZeroPadShortcut)]
    assert len(adds) == 3 * units and shortcuts == ["stage2_unit1_shortcut", "stage3_unit1_shortcut"]
    assert [layer.name for layer in plain.layers] == [
        layer.name for layer in residual.layers if not isinstance(layer, (L.Add, resnet.ZeroPadShortcut))
    ]


def test_paper_table_6_parameter_counts():
    # He et al., Table 6: ResNet-20, 32, 44, 56, 110 have 0.27, 0.46, 0.66, 0.85, 1.7 million parameters
    # (trainable ones; Keras also counts the batch norms' moving means and variances).
    published = {20: 0.27e6, 32: 0.46e6, 44: 0.66e6, 56: 0.85e6, 110: 1.7e6}
    for depth, count in published.items():
        with keras.StatelessScope(initialize_variables=False):
            model = resnet.cifar_resnet(depth)
        trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
        assert abs(trainable / count - 1) < 0.03, (depth, trainable)


def test_cifar_stem_strides_halve_the_digits_first():
    model = resnet.cifar_plain(8, input_shape=(8, 8, 1), filters=8, stem_strides=2)
    assert [model.get_layer(f"stage{s}_unit1_relu2").output.shape for s in (1, 2, 3)] == [
        (None, 4, 4, 8), (None, 2, 2, 16), (None, 1, 1, 32),
    ]
    assert model.count_params() == cifar_params(8, filters=8, channels=1)
    assert resnet.cifar_resnet(8, input_shape=(8, 8, 1), filters=8, stem_strides=2).output_shape == (None, 10)


def test_cifar_resnet_adds_the_branch_to_the_shortcut():
    keras.utils.set_random_seed(5)
    model = resnet.cifar_resnet(8, input_shape=(8, 8, 2), filters=4)
    x = np.random.default_rng(5).normal(size=(3, 8, 8, 2)).astype("float32")
    # Silence every unit's branch (its last batch norm outputs zeros): each unit then passes its
    # shortcut on, so the last map is relu(stem), subsampled twice and padded with zero channels.
    for layer in model.layers:
        if layer.name.endswith("_bn2"):
            layer.gamma.assign(np.zeros(layer.gamma.shape, "float32"))
            layer.beta.assign(np.zeros(layer.beta.shape, "float32"))
    probe = keras.Model(model.input, [model.get_layer("stem_relu").output, model.get_layer("stage3_unit1_relu2").output])
    stem, last = (np.asarray(a) for a in probe(x))
    expected = np.zeros((3, 2, 2, 16), "float32")
    expected[..., :4] = stem[:, ::4, ::4, :]
    np.testing.assert_allclose(last, expected, atol=1e-6)


def test_zero_pad_shortcut_subsamples_pads_and_saves():
    x = np.arange(2 * 5 * 5 * 3, dtype="float32").reshape(2, 5, 5, 3)
    shortcut = resnet.ZeroPadShortcut(8, strides=2)
    y = np.asarray(shortcut(x))
    assert y.shape == (2, 3, 3, 8) == (2, *shortcut.compute_output_shape((2, 5, 5, 3))[1:])
    np.testing.assert_array_equal(y[..., :3], x[:, ::2, ::2, :])
    assert not y[..., 3:].any() and shortcut.count_params() == 0
    assert np.asarray(resnet.ZeroPadShortcut(3, strides=1)(x)).tolist() == x.tolist()
    clone = resnet.ZeroPadShortcut.from_config(shortcut.get_config())
    assert (clone.filters, clone.strides) == (8, 2)
    with pytest.raises(ValueError, match="at most that many; received an input with 3 channels"):
        resnet.ZeroPadShortcut(2)(x)


def test_cifar_builders_reject_bad_arguments():
    with pytest.raises(ValueError, match=r"depth = 6 \* n \+ 2 .*received depth=21"):
        resnet.cifar_plain(21)
    with pytest.raises(ValueError, match="received depth=2"):
        resnet.cifar_resnet(2)
    with pytest.raises(ValueError, match=r"\(2, 2, 3\) is too small for plain_8"):
        resnet.cifar_plain(8, input_shape=(2, 2, 3))
    with pytest.raises(ValueError, match=r"\(4, 4, 1\) is too small for resnet_8"):
        resnet.cifar_resnet(8, input_shape=(4, 4, 1), stem_strides=2)
    with pytest.raises(ValueError, match="stem_strides must be a positive int; received stem_strides=0"):
        resnet.cifar_plain(8, stem_strides=0)
