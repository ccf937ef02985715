"""AlexNet: one tower and two, counted from the paper's layer table; LRN against the paper's formula.

The layer table of Krizhevsky, Sutskever and Hinton (2012, section 3.5 and figure 2) is written
out below as data and summed with course_lib.counting; both published-size models are built once,
inside keras.StatelessScope (every weight shape, no random values), and compared with it.
"""

import numpy as np
import pytest

from course_lib import counting
from course_lib.architectures import alexnet
from course_lib.session import import_keras, import_tensorflow

tf = import_tensorflow()
keras = import_keras()

numpy = keras.ops.convert_to_numpy

# name: (kernel, c_in, filters, groups in the two-tower network, output side) at 227x227x3.
CONVS = {
    "conv1": (11, 3, 96, 1, 55),
    "conv2": (5, 96, 256, 2, 27),
    "conv3": (3, 256, 384, 1, 13),
    "conv4": (3, 384, 384, 2, 13),
    "conv5": (3, 384, 256, 2, 13),
}
DENSE = {"fc6": (6 * 6 * 256, 4096), "fc7": (4096, 4096), "fc8": (4096, 1000)}

# Sze, Chen, Yang and Emer, "Efficient Processing of Deep Neural Networks: A Tutorial and Survey"
# (Proc. IEEE, 2017), in its summary of popular networks: AlexNet (two towers) needs 724 M MACs.
PUBLISHED_MACS = 724e6


def table_params(two_towers):
    convs = {
        name: counting.conv2d_params(k, c_in, f, groups=g if two_towers else 1)
        for name, (k, c_in, f, g, _) in CONVS.items()
    }
    return {**convs, **{name: counting.dense_params(i, u) for name, (i, u) in DENSE.items()}}


def table_macs(two_towers):
    convs = sum(
        counting.conv2d_macs(s, s, k, c_in, f, groups=g if two_towers else 1)
        for k, c_in, f, g, s in CONVS.values()
    )
    return convs + sum(counting.dense_macs(i, u) for i, u in DENSE.values())


@pytest.fixture(scope="module")
def models():
    with keras.StatelessScope(initialize_variables=False):
        return {towers: alexnet.alexnet(two_towers=towers) for towers in (False, True)}


# --------------------------------------------------------------------------- published sizes


def test_parameters_equal_the_paper_table_layer_by_layer(models):
    for towers, model in models.items():
        expected = table_params(towers)
        for name, count in expected.items():
            assert model.get_layer(name).count_params() == count, (towers, name)
        assert model.count_params() == sum(expected.values())
    assert models[False].count_params() == 62_378_344
    assert models[True].count_params() == 60_965_224
    # The towers only change conv2, conv4 and conv5, each of which loses half its weights.
    saved = sum(models[False].get_layer(n).count_params() - models[True].get_layer(n).count_params()
                for n in ("conv2", "conv4", "conv5"))
    assert saved == 62_378_344 - 60_965_224 == 1_413_120


def test_macs_from_profile_equal_the_formulas_and_the_published_figure(models):
    for towers, model in models.items():
        profile = counting.layer_table(model)
        assert profile.macs == table_macs(towers), towers
        assert profile.params == model.count_params()
    two_towers = counting.layer_table(models[True]).macs
    assert two_towers == 724_406_816
    assert abs(two_towers - PUBLISHED_MACS) / PUBLISHED_MACS < 0.01


def test_every_block_has_the_papers_shape(models):
    expected = {
        "conv1": (55, 55, 96), "lrn1": (55, 55, 96), "pool1": (27, 27, 96),
        "conv2": (27, 27, 256), "lrn2": (27, 27, 256), "pool2": (13, 13, 256),
        "conv3": (13, 13, 384), "conv4": (13, 13, 384), "conv5": (13, 13, 256), "pool5": (6, 6, 256),
        "flatten": (9216,), "fc6": (4096,), "dropout6": (4096,), "fc7": (4096,), "dropout7": (4096,),
        "fc8": (1000,),
    }  # fmt: skip
    for model in models.values():
        assert {name: tuple(model.get_layer(name).output.shape[1:]) for name in expected} == expected
    assert [models[True].get_layer(n).groups for n in CONVS] == [1, 2, 1, 2, 2]
    assert [models[True].get_layer(n).groups for n in ("lrn1", "lrn2")] == [2, 2]
    assert models[False].name == "alexnet" and models[True].name == "alexnet_two_towers"


def test_the_papers_224_does_not_fit_conv1():
    with keras.StatelessScope(initialize_variables=False):
        model = alexnet.alexnet(input_shape=(224, 224, 3), classes=10)
    # (224 - 11) / 4 + 1 = 54.25: Keras drops the last rows, and the maps shrink from there.
    assert model.get_layer("conv1").output.shape[1:3] == (54, 54)
    assert model.get_layer("pool5").output.shape[1:] == (5, 5, 256)


def test_a_grouped_convolution_is_two_towers():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(1, 9, 9, 8)).astype(np.float32)
    grouped = keras.layers.Conv2D(6, 3, groups=2)
    y = numpy(grouped(x))
    kernel, bias = (w.numpy() for w in grouped.weights)
    assert kernel.shape == (3, 3, 4, 6), "each filter sees c_in / groups = 4 maps"
    for tower in range(2):
        maps, filters = slice(4 * tower, 4 * tower + 4), slice(3 * tower, 3 * tower + 3)
        alone = tf.nn.conv2d(x[..., maps], kernel[..., filters], 1, "VALID").numpy() + bias[filters]
        np.testing.assert_allclose(y[..., filters], alone, atol=1e-5)


# --------------------------------------------------------------------------- LRN


def lrn_paper(a, n=5, k=2.0, alpha=1e-4, beta=0.75):
    """Section 3.3 of the paper, literally: sum over max(0, i - n/2) .. min(N - 1, i + n/2)."""
    a = np.asarray(a, dtype=np.float64)
    count = a.shape[-1]
    b = np.empty_like(a)
    for i in range(count):
        window = range(max(0, i - n // 2), min(count - 1, i + n // 2) + 1)
        energy = sum(a[..., j] ** 2 for j in window)
        b[..., i] = a[..., i] / (k + alpha * energy) ** beta
    return b


@pytest.mark.parametrize(
    "depth_radius, bias, alpha, beta",
    [(2, 2.0, 1e-4, 0.75), (1, 1.0, 1e-3, 0.5), (3, 2.0, 1e-2, 0.75), (0, 0.5, 1.0, 1.0)],
)
def test_lrn_layer_follows_the_papers_formula(depth_radius, bias, alpha, beta):
    # Values like AlexNet's (pixels 0-255 minus the mean), so that alpha * sum is not negligible.
    x = np.abs(np.random.default_rng(1).normal(scale=80, size=(2, 4, 5, 12))).astype(np.float32)
    layer = alexnet.LocalResponseNormalization(depth_radius, bias, alpha, beta)
    expected = lrn_paper(x, n=2 * depth_radius + 1, k=bias, alpha=alpha, beta=beta)
    np.testing.assert_allclose(numpy(layer(x)), expected, rtol=1e-5)
    assert np.abs(expected - x).max() > 1, "the normalisation changes the values visibly"


def test_lrn_groups_normalise_each_tower_on_its_own():
    x = np.abs(np.random.default_rng(2).normal(scale=80, size=(1, 3, 3, 12))).astype(np.float32)
    y = numpy(alexnet.LocalResponseNormalization(groups=2)(x))
    np.testing.assert_allclose(y[..., :6], lrn_paper(x[..., :6]), rtol=1e-5)
    np.testing.assert_allclose(y[..., 6:], lrn_paper(x[..., 6:]), rtol=1e-5)
    assert not np.allclose(y, lrn_paper(x), rtol=1e-5), "maps 5 and 6 no longer see each other"


def test_lrn_config_round_trip():
    layer = alexnet.LocalResponseNormalization(depth_radius=3, bias=1.5, alpha=2e-4, beta=0.5, groups=2, name="n")
    config = layer.get_config()
    assert {k: config[k] for k in ("depth_radius", "bias", "alpha", "beta", "groups", "name")} == {
        "depth_radius": 3, "bias": 1.5, "alpha": 2e-4, "beta": 0.5, "groups": 2, "name": "n"
    }  # fmt: skip
    clone = alexnet.LocalResponseNormalization.from_config(config)
    x = np.random.default_rng(3).normal(scale=50, size=(1, 2, 2, 8)).astype(np.float32)
    np.testing.assert_array_equal(numpy(clone(x)), numpy(layer(x)))


# Keras's own saving code converts variables with a NumPy call that NumPy 2 flags; not ours to fix.
@pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")
def test_the_small_model_saves_and_loads(tmp_path):
    model = alexnet.alexnet_small()
    x = np.random.default_rng(4).uniform(size=(3, 32, 32, 3)).astype(np.float32)
    path = tmp_path / "alexnet_small.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert isinstance(loaded.get_layer("lrn1"), alexnet.LocalResponseNormalization)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-5)


def test_lrn_errors():
    with pytest.raises(ValueError, match="depth_radius must be an int >= 0"):
        alexnet.LocalResponseNormalization(depth_radius=-1)
    with pytest.raises(ValueError, match="divides 0 by 0"):
        alexnet.LocalResponseNormalization(bias=0)
    with pytest.raises(ValueError, match="alpha and beta must be >= 0"):
        alexnet.LocalResponseNormalization(alpha=-1e-4)
    with pytest.raises(ValueError, match="groups must be a positive int; received groups=0"):
        alexnet.LocalResponseNormalization(groups=0)
    with pytest.raises(ValueError, match="5 maps cannot be split into groups=2"):
        alexnet.LocalResponseNormalization(groups=2)(np.ones((1, 2, 2, 5), np.float32))
    with pytest.raises(ValueError, match=r"\(batch, height, width, maps\)"):
        alexnet.LocalResponseNormalization()(np.ones((2, 5), np.float32))


# --------------------------------------------------------------------------- the small variant


def test_alexnet_small_counts_and_shapes():
    model = alexnet.alexnet_small()
    convs = [(5, 3, 16), (5, 16, 32), (3, 32, 48), (3, 48, 48), (3, 48, 32)]
    params = sum(counting.conv2d_params(k, c_in, f) for k, c_in, f in convs)
    params += counting.dense_params(32, 256) + counting.dense_params(256, 256) + counting.dense_params(256, 6)
    assert model.count_params() == counting.layer_table(model).params == params
    shapes = {name: tuple(model.get_layer(name).output.shape[1:])
              for name in ("conv1", "lrn1", "pool1", "conv2", "pool2", "conv5", "pool5", "fc8")}
    assert shapes == {"conv1": (16, 16, 16), "lrn1": (16, 16, 16), "pool1": (7, 7, 16),
                      "conv2": (7, 7, 32), "pool2": (3, 3, 32), "conv5": (3, 3, 32),
                      "pool5": (1, 1, 32), "fc8": (6,)}  # fmt: skip
    assert model.get_layer("conv3").activation.__name__ == "relu"
    assert model.get_layer("dropout6").rate == 0.5
    tanh = alexnet.alexnet_small(activation="tanh", lrn=False)
    assert tanh.get_layer("fc6").activation.__name__ == "tanh"
    assert not any(isinstance(layer, alexnet.LocalResponseNormalization) for layer in tanh.layers)


def test_alexnet_small_learns_a_batch():
    keras.utils.set_random_seed(0)
    model = alexnet.alexnet_small(dropout=0.0)
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="sparse_categorical_crossentropy")
    rng = np.random.default_rng(5)
    x, y = rng.uniform(size=(16, 32, 32, 3)).astype(np.float32), rng.integers(0, 6, 16)
    before = model.evaluate(x, y, verbose=0)
    for _ in range(10):
        model.train_on_batch(x, y)
    assert model.evaluate(x, y, verbose=0) < before


# --------------------------------------------------------------------------- errors


def test_too_small_inputs_say_the_minimum():
    with pytest.raises(ValueError, match=r"input_shape=\(66, 66, 3\) is too small for AlexNet.*at least 67x67"):
        alexnet.alexnet(input_shape=(66, 66, 3))
    with pytest.raises(ValueError, match=r"too small for alexnet_small.*at least \d+x\d+"):
        alexnet.alexnet_small(input_shape=(8, 8, 3))
    with pytest.raises(TypeError, match=r"\(height, width, channels\)"):
        alexnet.alexnet(input_shape=227)


def test_bad_arguments():
    with pytest.raises(ValueError, match="classes must be an int >= 2"):
        alexnet.alexnet(classes=1)
    with pytest.raises(TypeError, match="two_towers must be True or False"):
        alexnet.alexnet(two_towers=2)
    with pytest.raises(ValueError, match=r"dropout must be a number in \[0, 1\)"):
        alexnet.alexnet_small(dropout=1.0)
    with pytest.raises(ValueError, match="filters must be five positive ints"):
        alexnet.alexnet_small(filters=(16, 32))
    with pytest.raises(ValueError, match="units must be a positive int"):
        alexnet.alexnet_small(units=0)
    with pytest.raises(ValueError):
        alexnet.alexnet_small(activation="not_an_activation")
