"""The COURSE_PROFILE switch picks the data and the strategy; fit_curves trains like model.fit."""

import numpy as np
import pytest

from course_lib import datasets, training
from course_lib.architectures import resnet
from course_lib.session import import_keras, import_tensorflow

tf = import_tensorflow()
keras = import_keras()


@pytest.mark.parametrize(
    ("profile", "task", "expected"),
    [
        ("fast", "digits", "digits"),
        ("fast", "photos", "photos"),
        ("full", "digits", "mnist"),
        ("full", "fashion", "fashion_mnist"),
        ("full", "photos", "cifar10"),
    ],
)
def test_the_profile_selects_the_data(monkeypatch, profile, task, expected):
    monkeypatch.setenv("COURSE_PROFILE", profile)
    loaded = []
    monkeypatch.setattr(datasets, "load", lambda name, **kwargs: loaded.append(name) or "data")
    assert training.current_profile() == profile
    assert training.load_task(task) == "data" and loaded == [expected]


def test_default_is_fast_and_unknown_profiles_are_refused(monkeypatch):
    monkeypatch.delenv("COURSE_PROFILE", raising=False)
    assert training.current_profile() == "fast" and training.epochs(2, 20) == 2
    monkeypatch.setenv("COURSE_PROFILE", "FULL")
    assert training.epochs(2, 20) == 20
    monkeypatch.setenv("COURSE_PROFILE", "turbo")
    with pytest.raises(ValueError, match="COURSE_PROFILE='turbo' is not a profile; expected one of fast, full"):
        training.current_profile()
    with pytest.raises(ValueError, match="task must be one of 'digits', 'fashion', 'photos'; received task='cats'"):
        training.dataset_name("cats", "fast")


def test_several_gpus_get_a_mirrored_strategy(monkeypatch):
    class FakeMirrored:
        pass

    monkeypatch.setattr(tf.distribute, "MirroredStrategy", FakeMirrored)
    monkeypatch.setattr(tf.config, "list_physical_devices", lambda kind=None: ["GPU:0", "GPU:1"])
    assert isinstance(training.distribution_strategy(), FakeMirrored)
    monkeypatch.setattr(tf.config, "list_physical_devices", lambda kind=None: ["GPU:0"])
    assert training.distribution_strategy() is tf.distribute.get_strategy()
    monkeypatch.setattr(tf.config, "list_physical_devices", lambda kind=None: [])
    assert not isinstance(training.distribution_strategy(), FakeMirrored)


def test_fit_curves_same_seed_same_curve_and_learning():
    x = np.random.default_rng(3).normal(size=(96, 8, 8, 1)).astype("float32")
    y = (x.mean(axis=(1, 2, 3)) > 0).astype("int64")
    curves = []
    for _ in range(2):
        keras.utils.set_random_seed(4)
        model = resnet.residual_net(4, classes=2)
        curves.append(training.fit_curves(model, x, y, epochs=4, batch_size=32, learning_rate=0.01))
    assert curves[0] == curves[1]
    assert set(curves[0]) == {"loss", "accuracy"} and len(curves[0]["loss"]) == 4
    assert curves[0]["loss"][-1] < curves[0]["loss"][0]
    with pytest.raises(ValueError, match="same number of examples, at least batch_size=64; received 96 and 10"):
        training.fit_curves(model, x, y[:10])
    with pytest.raises(ValueError, match="at least batch_size=128; received 96 and 96"):
        training.fit_curves(model, x, y, batch_size=128)
    with pytest.raises(ValueError, match="epochs must be a positive int; received epochs=0"):
        training.fit_curves(model, x, y, epochs=0)
    with pytest.raises(TypeError, match="batch_size must be an int; received batch_size=32.0"):
        training.fit_curves(model, x, y, batch_size=32.0)


def _seeds_task():
    x = np.random.default_rng(3).normal(size=(96, 8, 8, 1)).astype("float32")
    return x, (x.mean(axis=(1, 2, 3)) > 0).astype("int64")


def _small_net():
    return resnet.cifar_resnet(8, input_shape=(8, 8, 1), classes=2, filters=2, stem_strides=2)


def test_fit_seeds_gives_what_fit_curves_gives_each_seed():
    x, y = _seeds_task()
    together = training.fit_seeds(_small_net, x, y, seeds=(4, 7), epochs=3, batch_size=32, learning_rate=0.01,
                                  keep_models=True)
    assert together["loss"].shape == together["accuracy"].shape == (2, 3)
    for row, seed in enumerate((4, 7)):
        keras.utils.set_random_seed(seed)
        model = _small_net()
        alone = training.fit_curves(model, x, y, epochs=3, batch_size=32, learning_rate=0.01, seed=seed)
        # The traced step reused, the weights and the optimizer's state reset: the same curves,
        # and a kept model that predicts what the model trained alone predicts (moving statistics too).
        np.testing.assert_allclose(together["loss"][row], alone["loss"], rtol=1e-5)
        np.testing.assert_allclose(together["accuracy"][row], alone["accuracy"], rtol=1e-5)
        np.testing.assert_allclose(together["models"][row](x, training=False), model(x, training=False),
                                   rtol=1e-4, atol=1e-5)
    assert not np.allclose(together["loss"][0], together["loss"][1]), "other seeds, other curves"


def test_fit_seeds_gives_a_random_layer_the_draws_of_a_fresh_model_each_seed():
    x, y = _seeds_task()

    def shifted_net():  # a random layer: its seed state must start afresh for every seed
        return keras.Sequential([keras.Input((8, 8, 1)), keras.layers.RandomTranslation(0.2, 0.2),
                                 keras.layers.Conv2D(4, 3, activation="relu"), keras.layers.Dropout(0.3),
                                 keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(2, activation="softmax")])

    together = training.fit_seeds(shifted_net, x, y, seeds=(3, 5, 8), epochs=2, batch_size=32, learning_rate=0.01)
    for row, seed in enumerate((3, 5, 8)):
        keras.utils.set_random_seed(seed)
        alone = training.fit_curves(shifted_net(), x, y, epochs=2, batch_size=32, learning_rate=0.01, seed=seed)
        np.testing.assert_allclose(together["loss"][row], alone["loss"], rtol=1e-5)


def test_fit_seeds_with_momentum_and_decay_learns_and_lowers_the_rate():
    x, y = _seeds_task()
    run = lambda **kwargs: training.fit_seeds(_small_net, x, y, seeds=(1,), epochs=4, batch_size=32,  # noqa: E731
                                              learning_rate=0.1, momentum=0.9, **kwargs)
    steady, decayed = run(), run(decay_epochs=(2, 3))
    assert decayed["loss"][0, -1] < decayed["loss"][0, 0]
    # The same first two epochs; from the third on, a learning rate 10 times smaller changes the curve.
    np.testing.assert_allclose(decayed["loss"][0, :2], steady["loss"][0, :2], rtol=1e-5)
    assert not np.allclose(decayed["loss"][0, 2:], steady["loss"][0, 2:])


def test_fit_seeds_rejects_bad_arguments():
    x, y = _seeds_task()
    with pytest.raises(TypeError, match="build must be a function of no arguments"):
        training.fit_seeds(_small_net(), x, y)
    with pytest.raises(TypeError, match="build\\(\\) must return a Keras model; it returned NoneType"):
        training.fit_seeds(lambda: None, x, y, batch_size=32)
    with pytest.raises(ValueError, match="seeds must name at least one seed"):
        training.fit_seeds(_small_net, x, y, seeds=())
    with pytest.raises(ValueError, match=r"decay_epochs must lie between 1 and epochs - 1 = 3 .*received decay_epochs=\[4\]"):
        training.fit_seeds(_small_net, x, y, epochs=4, batch_size=32, decay_epochs=[4])
    with pytest.raises(ValueError, match="momentum must be"):
        training.fit_seeds(_small_net, x, y, batch_size=32, momentum=1.0)
    with pytest.raises(TypeError, match="keep_models must be True or False; received 'yes'"):
        training.fit_seeds(_small_net, x, y, batch_size=32, keep_models="yes")


# --------------------------------------------------------------------------- ImageNet weights (notebook 18)


class DownloadAsked(Exception):
    """Raised by the stand-in for keras.utils.get_file: a builder asked Keras to fetch a file."""


@pytest.fixture
def no_downloads(monkeypatch, tmp_path):
    """An empty Keras cache, a network that answers, and a get_file that fails if called at all."""
    from keras.src.utils import file_utils  # keras.applications call get_file through this module

    asked = []

    def get_file(fname=None, origin=None, **kwargs):
        asked.append(fname)
        raise DownloadAsked(fname)

    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(datasets, "online", lambda timeout=3.0: True)
    monkeypatch.setattr(file_utils, "get_file", get_file)
    monkeypatch.setattr(keras.utils, "get_file", get_file)
    return asked


def test_the_fast_profile_never_asks_keras_to_download(no_downloads, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_PROFILE", "fast")
    monkeypatch.setattr(datasets, "online", lambda timeout=3.0: pytest.fail("the fast profile asks no host"))
    weights = training.imagenet_weights("MobileNet")
    assert weights is None
    base = keras.applications.MobileNet(weights=weights, include_top=False, input_shape=(224, 224, 3), pooling="avg")
    assert no_downloads == [] and base.output_shape == (None, 1024)
    message = capsys.readouterr().out
    assert message.count("\n") == 1 and message.startswith("MobileNet: random weights (weights=None)")
    assert "COURSE_PROFILE=full" in message and "mobilenet_1_0_224_tf_no_top.h5" in message


@pytest.mark.parametrize("profile", ["fast", "full"])
def test_weights_in_the_cache_are_read_without_network(no_downloads, monkeypatch, tmp_path, capsys, profile):
    monkeypatch.setenv("COURSE_PROFILE", profile)
    monkeypatch.setattr(datasets, "online", lambda timeout=3.0: pytest.fail("the cache must be used first"))
    cached = tmp_path / "models" / "mobilenet_1_0_224_tf_no_top.h5"
    cached.parent.mkdir()
    cached.touch()
    weights = training.imagenet_weights("MobileNet")
    assert weights == str(cached)
    read = []
    monkeypatch.setattr(keras.Model, "load_weights", lambda model, path, **kwargs: read.append(path))
    keras.applications.MobileNet(weights=weights, include_top=False, input_shape=(224, 224, 3), pooling="avg")
    assert read == [str(cached)] and no_downloads == []
    assert capsys.readouterr().out.startswith("MobileNet: ImageNet weights, read from Keras's cache")


def test_only_the_full_profile_downloads_and_only_online(no_downloads, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_PROFILE", "full")
    assert training.imagenet_weights("ResNet50", include_top=True) == "imagenet"
    assert "which Keras downloads once into its cache" in capsys.readouterr().out
    monkeypatch.setattr(datasets, "online", lambda timeout=3.0: False)
    assert training.imagenet_weights("ResNet50", include_top=True) is None
    message = capsys.readouterr().out
    assert message.count("\n") == 1 and "random weights" in message and "does not answer" in message
    with pytest.raises(ValueError, match="application must be one of 'MobileNet', 'ResNet50'"):
        training.imagenet_weights("VGG16")


@pytest.mark.parametrize("application", sorted(training.IMAGENET_WEIGHT_FILES))
@pytest.mark.parametrize("include_top", [False, True])
def test_the_cached_file_names_are_the_ones_keras_asks_for(no_downloads, application, include_top):
    with keras.StatelessScope(initialize_variables=False), pytest.raises(DownloadAsked):
        getattr(keras.applications, application)(weights="imagenet", include_top=include_top, input_shape=(224, 224, 3))
    assert no_downloads == [training.IMAGENET_WEIGHT_FILES[application][include_top]]


def test_a_plan_reads_the_settings_of_its_profile_and_shows_both(monkeypatch):
    fast, full = {"data": "digits", "epochs": 5, "seeds": 3}, {"data": "cifar10", "epochs": 60, "seeds": 3}
    monkeypatch.setenv("COURSE_PROFILE", "full")
    chosen = training.plan(fast, full)
    assert (chosen.profile, chosen.data, chosen.epochs) == ("full", "cifar10", 60)
    assert chosen.settings() == full
    assert str(chosen) == "full profile: data cifar10, epochs 60, seeds 3 (fast profile: data digits, epochs 5, seeds 3)"
    assert training.plan(fast, full, profile="fast").epochs == 5
    with pytest.raises(AttributeError, match="no setting 'epoch'; it has data, epochs, seeds"):
        chosen.epoch
    with pytest.raises(ValueError, match=r"same settings in the same order; received \['data', 'epochs', 'seeds'\] and \['epochs'\]"):
        training.plan(fast, {"epochs": 60})
    with pytest.raises(ValueError, match="must be Python names"):
        training.plan({"two words": 1}, {"two words": 2})


def _notebook_18_cell(marker):
    """The source of notebook 18's code cell whose text holds ``marker``."""
    import json
    from pathlib import Path

    notebook = Path(__file__).parent.parent / "notebooks" / "18_comparing_architectures.ipynb"
    cells = [cell for cell in json.loads(notebook.read_text())["cells"] if cell["cell_type"] == "code"]
    (source,) = ["".join(cell["source"]) for cell in cells if marker in "".join(cell["source"])]
    return source


@pytest.mark.parametrize("profile", ["fast", "full"])
def test_notebook_18s_imagenet_classifier_downloads_nothing_without_the_files(no_downloads, monkeypatch, capsys, profile):
    from course_lib.images import load_photo

    monkeypatch.setenv("COURSE_PROFILE", profile)
    if profile == "fast":
        monkeypatch.setattr(datasets, "online", lambda timeout=3.0: pytest.fail("the fast profile asks no host"))
    else:
        monkeypatch.setattr(datasets, "online", lambda timeout=3.0: False)  # offline: the full profile falls back
    pipeline = keras.Sequential([keras.Input((None, None, 3)), keras.layers.Resizing(224, 224, crop_to_aspect_ratio=True)])
    namespace = {"keras": keras, "np": np, "training": training, "datasets": datasets, "load_photo": load_photo,
                 "pipeline": pipeline}
    exec(_notebook_18_cell("# ImageNet classifier"), namespace)
    assert no_downloads == [] and namespace["classifier_weights"] is None
    message = capsys.readouterr().out
    assert message.count("\n") == 1 and message.startswith("ResNet50: random weights (weights=None)")
    assert "resnet50_weights_tf_dim_ordering_tf_kernels.h5" in message


def test_notebook_18s_imagenet_classifier_without_the_class_index_names_no_class(no_downloads, monkeypatch, tmp_path, capsys):
    """Weights cached but not imagenet_class_index.json: decode_predictions (a download) is never called."""
    from course_lib.images import load_photo

    monkeypatch.setenv("COURSE_PROFILE", "fast")
    cached = tmp_path / "models" / training.IMAGENET_WEIGHT_FILES["ResNet50"][1]
    cached.parent.mkdir()
    cached.touch()
    monkeypatch.setattr(keras.Model, "load_weights", lambda model, path, **kwargs: None)  # random weights stand in
    pipeline = keras.Sequential([keras.Input((None, None, 3)), keras.layers.Resizing(224, 224, crop_to_aspect_ratio=True)])
    namespace = {"keras": keras, "np": np, "training": training, "datasets": datasets, "load_photo": load_photo,
                 "pipeline": pipeline}
    exec(_notebook_18_cell("# ImageNet classifier"), namespace)
    assert no_downloads == []
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("ResNet50: ImageNet weights, read from Keras's cache")
    assert [line.split(" ->")[0] for line in lines[1:]] == ["chelsea", "coffee"]
    assert all("their names need imagenet_class_index.json" in line for line in lines[1:])
