"""LeNet-5: the modern variant and the 1998 network, counted against the paper (LeCun et al., 1998).

The paper's figures (section II.B) are written out here as data and recomputed from the layer
sizes with course_lib.counting; both Keras models are checked against them layer by layer.
"""

import math

import numpy as np
import pytest

from course_lib import counting
from course_lib.architectures import lenet
from course_lib.session import import_keras, import_tensorflow

tf = import_tensorflow()
keras = import_keras()

# Section II.B of the paper: trainable parameters and connections of each layer.
PAPER = {
    "C1": (156, 122_304),
    "S2": (12, 5_880),
    "C3": (1_516, 151_600),
    "S4": (32, 2_000),
    "C5": (48_120, 48_120),
    "F6": (10_164, 10_164),
}


numpy = keras.ops.convert_to_numpy


@pytest.fixture(scope="module")
def paper_model():
    return lenet.lenet5_1998()


# --------------------------------------------------------------------------- the paper's counts


def test_c3_table_is_the_papers_table_one():
    table = lenet.C3_TABLE
    assert len(table) == 16

    def neighbours(start, count):  # S2 maps start, start + 1, ... wrapping around after map 5
        return tuple(sorted((start + d) % 6 for d in range(count)))

    assert table[:6] == tuple(neighbours(i, 3) for i in range(6))
    assert table[6:12] == tuple(neighbours(i, 4) for i in range(6))
    assert all(len(t) == 4 and t not in table[6:12] for t in table[12:15])
    assert table[15] == (0, 1, 2, 3, 4, 5)
    matrix = lenet.c3_connection_matrix()
    assert matrix.shape == (6, 16)
    assert matrix.sum(axis=1).tolist() == [10] * 6, "each S2 map feeds 10 of the 16 C3 maps"
    assert matrix[:, 0].tolist() == [1, 1, 1, 0, 0, 0] and matrix[:, 14].tolist() == [1, 0, 1, 1, 0, 1]


def test_c3_parameters_from_the_table():
    by_formula = sum(5 * 5 * len(inputs) + 1 for inputs in lenet.C3_TABLE)
    assert lenet.partial_conv2d_params(5, lenet.C3_TABLE) == by_formula == 1_516
    full = counting.conv2d_params(5, 6, 16)
    assert lenet.partial_conv2d_params(5, [range(6)] * 16) == full == 2_416


def test_paper_layers_reproduce_the_published_figures():
    layers = {layer.name: layer for layer in lenet.paper_layers()}
    for name, (params, connections) in PAPER.items():
        assert (layers[name].params, layers[name].connections) == (params, connections), name
    assert sum(layer.params for layer in layers.values()) == 60_000
    assert layers["OUTPUT"].connections == 84 * 10
    assert sum(layer.connections for layer in layers.values()) == 340_908
    shapes = [layer.output_shape for layer in layers.values()]
    assert shapes == [(28, 28, 6), (14, 14, 6), (10, 10, 16), (5, 5, 16), (1, 1, 120), (84,), (10,)]


def test_paper_connections_are_macs_plus_biases(paper_model):
    # A convolution's connections are its multiplications plus one bias addition per output value.
    rows = {row.name: row for row in counting.layer_table(paper_model).rows}
    for name, positions in (("c1", 28 * 28 * 6), ("c5", 120)):
        assert rows[name].macs + positions == PAPER[name.upper()][1]
    assert rows["f6"].macs + 84 == PAPER["F6"][1]


# --------------------------------------------------------------------------- the 1998 network in Keras


def test_lenet5_1998_counts_equal_the_paper_layer_by_layer(paper_model):
    profile = counting.layer_table(paper_model)
    rows = {row.name: row for row in profile.rows}
    for name, (params, _) in PAPER.items():
        assert rows[name.lower()].trainable_params == params, name
    assert (profile.trainable_params, profile.non_trainable_params) == (60_000, 840)
    assert profile.params == paper_model.count_params()
    shapes = [tuple(paper_model.get_layer(n).output.shape[1:]) for n in ("c1", "s2", "c3", "s4", "c5", "f6", "output")]
    assert shapes == [(28, 28, 6), (14, 14, 6), (10, 10, 16), (5, 5, 16), (1, 1, 120), (84,), (10,)]


def test_scaled_tanh_maps_plus_minus_one_to_itself():
    values = numpy(lenet.scaled_tanh(keras.ops.convert_to_tensor([-1.0, 0.0, 1.0, 50.0])))
    np.testing.assert_allclose(values, [-1, 0, 1, 1.7159], atol=2e-4)


def test_subsampling_is_a_window_sum_times_a_coefficient_plus_a_bias():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 6, 8, 3)).astype(np.float32)
    layer = lenet.Subsampling(2)
    layer.build(x.shape)
    coefficient, bias = rng.normal(size=3).astype(np.float32), rng.normal(size=3).astype(np.float32)
    layer.set_weights([coefficient, bias])
    sums = x.reshape(2, 3, 2, 4, 2, 3).sum(axis=(2, 4))
    np.testing.assert_allclose(numpy(layer(x)), sums * coefficient + bias, atol=1e-5)
    # It starts as an average pooling.
    fresh = lenet.Subsampling(2)
    np.testing.assert_allclose(numpy(fresh(x)), numpy(keras.layers.AveragePooling2D(2)(x)), atol=1e-6)


def test_partial_conv2d_equals_a_full_convolution_with_the_missing_weights_zero():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 14, 14, 6)).astype(np.float32)
    layer = lenet.PartialConv2D(lenet.C3_TABLE, 5)
    y = numpy(layer(x))
    full = np.zeros((5, 5, 6, 16), dtype=np.float32)
    for i, (inputs, kernel) in enumerate(zip(lenet.C3_TABLE, layer.kernels)):
        full[:, :, list(inputs), i] = kernel.numpy()[..., 0]
    bias = layer.bias.numpy()
    expected = tf.nn.conv2d(x, full, strides=1, padding="VALID").numpy() + bias
    assert y.shape == (2, 10, 10, 16)
    np.testing.assert_allclose(y, expected, atol=1e-4)


def test_euclidean_rbf_outputs_squared_distances_to_fixed_centres():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(3, 84)).astype(np.float32)
    layer = lenet.EuclideanRBF(10)
    y = numpy(layer(x))
    centres = layer.centres.numpy()
    assert set(np.unique(centres)) == {-1.0, 1.0}
    assert not layer.trainable_weights
    expected = ((x[:, :, None] - centres[None]) ** 2).sum(axis=1)
    np.testing.assert_allclose(y, expected, rtol=1e-4)


# Keras's own saving code converts variables with a NumPy call that NumPy 2 flags; not ours to fix.
@pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")
def test_the_1998_model_saves_and_loads(paper_model, tmp_path):
    x = np.random.default_rng(3).normal(size=(2, 32, 32, 1)).astype(np.float32)
    path = tmp_path / "lenet5_1998.keras"
    paper_model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), paper_model.predict(x, verbose=0), rtol=1e-5)
    assert loaded.get_layer("c3").table == lenet.C3_TABLE


# --------------------------------------------------------------------------- the modern variant


def test_lenet5_parameters_and_macs_from_the_formulas():
    model = lenet.lenet5()
    params = (
        counting.conv2d_params(5, 1, 6)
        + counting.conv2d_params(5, 6, 16)
        + counting.dense_params(5 * 5 * 16, 120)
        + counting.dense_params(120, 84)
        + counting.dense_params(84, 10)
    )
    macs = (
        counting.conv2d_macs(28, 28, 5, 1, 6)
        + counting.conv2d_macs(10, 10, 5, 6, 16)
        + counting.dense_macs(400, 120)
        + counting.dense_macs(120, 84)
        + counting.dense_macs(84, 10)
    )
    profile = counting.layer_table(model)
    assert model.count_params() == profile.params == params == 61_706
    assert profile.macs == macs == 416_520
    # The paper's 60,000, plus C3 reading every map, minus the subsampling coefficients, plus softmax.
    assert params == 60_000 + (2_416 - 1_516) - (12 + 32) + counting.dense_params(84, 10)


def test_lenet5_shapes_activation_and_other_inputs():
    model = lenet.lenet5(activation="relu")
    assert model.get_layer("c3").activation.__name__ == "relu"
    assert lenet.lenet5().get_layer("c1").activation.__name__ == "tanh"
    shapes = [tuple(model.get_layer(n).output.shape[1:]) for n in ("c1", "s2", "c3", "s4", "flatten", "c5", "f6", "output")]
    assert shapes == [(28, 28, 6), (14, 14, 6), (10, 10, 16), (5, 5, 16), (400,), (120,), (84,), (10,)]
    small = lenet.lenet5(input_shape=(16, 16, 3), classes=4)
    assert small.get_layer("s4").output.shape[1:] == (1, 1, 16) and small.output.shape[1:] == (4,)
    y = lenet.lenet5()(np.zeros((2, 32, 32, 1), np.float32))
    np.testing.assert_allclose(numpy(y).sum(axis=-1), [1, 1], atol=1e-5)


# --------------------------------------------------------------------------- errors


def test_too_small_inputs_say_the_minimum():
    with pytest.raises(ValueError, match=r"input_shape=\(15, 15, 1\) is too small for LeNet-5.*at least 16x16"):
        lenet.lenet5(input_shape=(15, 15, 1))
    with pytest.raises(ValueError, match=r"too small for the 1998 LeNet-5.*at least 32x32"):
        lenet.lenet5_1998(input_shape=(28, 28, 1))
    with pytest.raises(ValueError, match=r"\(height, width, channels\)"):
        lenet.lenet5(input_shape=(32, 32))


def test_bad_classes_and_activation():
    with pytest.raises(ValueError, match="classes must be an int >= 2"):
        lenet.lenet5(classes=1)
    with pytest.raises(TypeError, match="classes must be an int; received classes=10.0"):
        lenet.lenet5_1998(classes=10.0)
    with pytest.raises(ValueError):
        lenet.lenet5(activation="not_an_activation")


def test_bad_tables():
    with pytest.raises(ValueError, match="reads input map 6, but the input has 6 maps"):
        lenet.PartialConv2D([(0, 6)])(np.zeros((1, 8, 8, 6), np.float32))
    with pytest.raises(ValueError, match="at least one input map, each at most once"):
        lenet.PartialConv2D([(0, 0, 1)])
    with pytest.raises(ValueError, match="at least one input map"):
        lenet.PartialConv2D([()])
    with pytest.raises(ValueError, match="table must list"):
        lenet.PartialConv2D([("a",)])
    with pytest.raises(ValueError, match="kernel_size must be a positive int; received kernel_size=0"):
        lenet.PartialConv2D(lenet.C3_TABLE, kernel_size=0)
    with pytest.raises(ValueError, match="pool_size must be a positive int"):
        lenet.Subsampling(0)
    with pytest.raises(ValueError, match="units must be a positive int"):
        lenet.EuclideanRBF(0)


def test_one_tiny_training_step_lowers_the_loss():
    keras.utils.set_random_seed(0)
    model = lenet.lenet5()
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="sparse_categorical_crossentropy")
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=(16, 32, 32, 1)).astype(np.float32), rng.integers(0, 10, 16)
    before = model.evaluate(x, y, verbose=0)
    for _ in range(5):
        model.train_on_batch(x, y)
    assert model.evaluate(x, y, verbose=0) < before
    assert math.isfinite(before)


def test_the_connection_table_figure():
    import matplotlib

    matplotlib.use("Agg")
    from course_lib import viz

    fig = viz.show_connection_table(lenet.c3_connection_matrix(), rows="S2 map", columns="C3 map", title="Table I")
    ax = fig.axes[0]
    assert sum(text.get_text() == "X" for text in ax.texts) == 60
    assert ax.get_title() == "Table I"
    with pytest.raises(ValueError, match="a 2-D array of 0 and 1"):
        viz.show_connection_table(np.full((2, 3), 2))
    matplotlib.pyplot.close("all")
