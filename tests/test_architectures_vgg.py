"""VGG16 and VGG19 have exactly the parameters of keras.applications; blocks, errors, the small variant."""

import numpy as np
import pytest

from course_lib import counting
from course_lib.architectures import vgg
from course_lib.session import import_keras

keras = import_keras()


@pytest.fixture(scope="module")
def models():
    """Ours and keras.applications', built once without drawing the ~280 million initial weights."""
    with keras.StatelessScope(initialize_variables=False):
        return {
            "vgg16": vgg.vgg16(),
            "vgg19": vgg.vgg19(),
            "keras16": keras.applications.VGG16(weights=None),
            "keras19": keras.applications.VGG19(weights=None),
        }


def weighted_layers(model):
    return [(layer.name, [tuple(w.shape) for w in layer.weights]) for layer in model.layers if layer.weights]


@pytest.mark.parametrize("ours, theirs, params", [("vgg16", "keras16", 138_357_544), ("vgg19", "keras19", 143_667_240)])
def test_published_parameter_counts_equal_keras_applications(models, ours, theirs, params):
    assert models[ours].count_params() == params
    assert models[theirs].count_params() == params
    assert counting.layer_table(models[ours]).params == params


@pytest.mark.parametrize("ours, theirs", [("vgg16", "keras16"), ("vgg19", "keras19")])
def test_same_layer_names_and_weight_shapes_as_keras_applications(models, ours, theirs):
    assert weighted_layers(models[ours]) == weighted_layers(models[theirs])
    assert models[ours].output.shape == (None, 1000)


def formula_counts(blocks, side=224, dense=(4096, 4096), classes=1000):
    """(parameters, MACs) of a VGG from its block table, by the course's formulas."""
    params = macs = 0
    c_in = 3
    for filters, convs in blocks:
        for _ in range(convs):
            params += counting.conv2d_params(3, c_in, filters)
            macs += counting.conv2d_macs(side, side, 3, c_in, filters)
            c_in = filters
        side //= 2
    units = [side * side * c_in, *dense, classes]
    params += sum(counting.dense_params(a, b) for a, b in zip(units, units[1:]))
    macs += sum(counting.dense_macs(a, b) for a, b in zip(units, units[1:]))
    return params, macs


@pytest.mark.parametrize("name, blocks", [("vgg16", vgg.VGG16_BLOCKS), ("vgg19", vgg.VGG19_BLOCKS)])
def test_profile_equals_the_formulas(models, name, blocks):
    profile = counting.layer_table(models[name])
    assert (profile.params, profile.macs) == formula_counts(blocks)
    assert not any(row.note for row in profile.rows)


def test_vgg16_macs_and_where_they_are(models):
    profile = counting.layer_table(models["vgg16"])
    assert profile.macs == pytest.approx(15.5e9, rel=0.01)  # the figure usually quoted
    rows = {row.name: row for row in profile.rows}
    conv_macs = sum(row.macs for row in profile.rows if row.type == "Conv2D")
    assert conv_macs / profile.macs > 0.99, "the convolutions do almost all the arithmetic"
    assert rows["fc1"].params == 7 * 7 * 512 * 4096 + 4096 == 102_764_544
    assert rows["fc1"].params / profile.params > 0.74, "the first dense layer holds most weights"


@pytest.mark.parametrize("side", [32, 33, 63, 64, 100])
def test_vgg16_at_other_sizes_changes_only_fc1(side):
    with keras.StatelessScope(initialize_variables=False):
        model = vgg.vgg16(input_shape=(side, side, 3), classes=10)
    final = side // 32
    assert model.get_layer("block5_pool").output.shape == (None, final, final, 512)
    assert model.get_layer("fc1").count_params() == counting.dense_params(final * final * 512, 4096)
    assert model.count_params() == formula_counts(vgg.VGG16_BLOCKS, side=side, classes=10)[0]


@pytest.mark.parametrize(
    "shape, filters, convs, expected",
    [((32, 32, 3), 16, 2, (16, 16, 16)), ((7, 9, 5), 4, 1, (3, 4, 4)), ((224, 224, 3), 64, 3, (112, 112, 64))],
)
def test_vgg_block_shapes_and_names(shape, filters, convs, expected):
    x = keras.Input(shape)
    y = vgg.vgg_block(x, filters, convs, "blockX")
    assert tuple(y.shape) == (None, *expected)
    model = keras.Model(x, y)
    names = [layer.name for layer in model.layers[1:]]
    assert names == [f"blockX_conv{i}" for i in range(1, convs + 1)] + ["blockX_pool"]
    convs_ = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
    assert all(c.kernel_size == (3, 3) and c.strides == (1, 1) and c.padding == "same" for c in convs_)
    pool = model.get_layer("blockX_pool")
    assert pool.pool_size == (2, 2) and pool.strides == (2, 2)


def test_vgg_small_shapes_counts_and_a_forward_pass():
    model = vgg.vgg_small()
    assert model.output.shape == (None, 6)
    assert model.get_layer("block3_pool").output.shape == (None, 4, 4, 32)
    assert model.count_params() == formula_counts(((8, 2), (16, 2), (32, 2)), side=32, dense=(64,), classes=6)[0]
    probabilities = model.predict(np.zeros((2, 32, 32, 3), np.float32), verbose=0)
    assert probabilities.shape == (2, 6) and np.allclose(probabilities.sum(axis=1), 1, atol=1e-5)
    assert vgg.vgg_small(input_shape=(28, 28, 1), classes=10).output.shape == (None, 10)


def test_vgg_small_learns_a_few_images():
    x = np.random.default_rng(0).random((12, 32, 32, 3), dtype=np.float32)
    y = np.arange(12) % 6
    keras.utils.set_random_seed(0)
    model = vgg.vgg_small(dropout=0.0)
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="sparse_categorical_crossentropy")
    losses = [model.train_on_batch(x, y) for _ in range(12)]
    assert losses[-1] < 0.8 * losses[0]


@pytest.mark.parametrize(
    "builder, shape, match",
    [
        (vgg.vgg16, (31, 224, 3), r"\(31, 224, 3\) is too small.*5 max poolings.*at least 32x32"),
        (vgg.vgg19, (16, 16, 3), r"5 max poolings.*at least 32x32"),
        (vgg.vgg_small, (7, 7, 3), r"3 max poolings.*at least 8x8"),
    ],
)
def test_too_small_inputs_say_how_small_is_too_small(builder, shape, match):
    with pytest.raises(ValueError, match=match):
        builder(input_shape=shape)


@pytest.mark.parametrize(
    ("classes", "error", "match"),
    [
        (0, ValueError, "classes must be an int >= 2"),
        (1, ValueError, "classes must be an int >= 2"),
        (2.5, TypeError, "classes must be an int"),
        (True, TypeError, "classes must be an int"),
        ("10", TypeError, "classes must be an int"),
    ],
)
def test_wrong_classes(classes, error, match):
    with pytest.raises(error, match=match):
        vgg.vgg_small(classes=classes)


@pytest.mark.parametrize(
    ("shape", "error"),
    [((32, 32), ValueError), ((32, 32, 0), ValueError), ("32x32x3", TypeError), (32, TypeError),
     ((32.0, 32, 3), TypeError)],
)
def test_wrong_input_shapes(shape, error):
    with pytest.raises(error, match=r"input_shape must be \(height, width, channels\)"):
        vgg.vgg_small(input_shape=shape)


def test_wrong_block_arguments():
    x = keras.Input((32, 32, 3))
    with pytest.raises(ValueError, match="filters must be a positive int"):
        vgg.vgg_block(x, 0, 2, "b")
    with pytest.raises(TypeError, match="convs must be an int; received convs=1.5"):
        vgg.vgg_block(x, 8, 1.5, "b")
    with pytest.raises(ValueError, match="at least one"):
        vgg.vgg([])
    with pytest.raises(ValueError, match="dense units must be a positive int; received dense units=0"):
        vgg.vgg_small(dense=(0,))
    with pytest.raises(ValueError, match=r"dropout must be a number in \[0, 1\)"):
        vgg.vgg_small(dropout=1.0)


def test_receptive_field_of_a_block_stack():
    """Two 3x3 see 5x5 and three see 7x7, with fewer weights than one big filter (C=64 channels)."""
    for convs, single in ((2, 5), (3, 7)):
        assert counting.receptive_field([(3, 1)] * convs).size == single
        stacked = convs * counting.conv2d_params(3, 64, 64, use_bias=False)
        assert stacked == convs * 9 * 64 * 64 < counting.conv2d_params(single, 64, 64, use_bias=False)
    x = keras.Input((16, 16, 1))
    model = keras.Model(x, vgg.vgg_block(x, 4, 3, "b"))
    assert counting.receptive_field_of(model, "b_conv3").size == 7


def test_show_bar_panels_checks_its_values():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from course_lib import viz

    fig = viz.show_bar_panels(["a", "b"], {"p": [1, 2], "q": [3, 4]}, fmt="{:.1f}")
    assert len(fig.axes) == 2 and [ax.get_title() for ax in fig.axes] == ["p", "q"]
    plt.close(fig)
    fig = viz.show_bar_panels(["a", "b"], {"p": [[1, 2], [3, 4]]}, series=["x", "y"])
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["x", "y"]
    plt.close(fig)
    with pytest.raises(ValueError, match=r"panel 'p' needs 2 x 1 values"):
        viz.show_bar_panels(["a", "b"], {"p": [1, 2, 3]})
    with pytest.raises(ValueError, match=r"needs 2 x 2 values"):
        viz.show_bar_panels(["a", "b"], {"p": [1, 2]}, series=["x", "y"])
