"""course_lib.datasets: offline data in the Keras convention, split the same way everywhere."""

import numpy as np
import pytest

from course_lib import datasets


def test_digits_follow_the_keras_convention():
    (x_train, y_train), (x_test, y_test) = datasets.load_digits()
    assert x_train.shape == (1347, 8, 8, 1) and x_test.shape == (450, 8, 8, 1)
    assert x_train.dtype == np.float32 and y_train.dtype == np.int64
    assert 0.0 == min(x_train.min(), x_test.min()) and max(x_train.max(), x_test.max()) == 1.0
    assert len(y_train) + len(y_test) == 1797


def test_digits_split_is_stratified_and_reproducible():
    (_, y_train), (_, y_test) = datasets.load_digits()
    train_share = np.bincount(y_train) / len(y_train)
    test_share = np.bincount(y_test) / len(y_test)
    np.testing.assert_allclose(train_share, test_share, atol=0.01)
    (x_again, _), _ = datasets.load_digits()
    np.testing.assert_array_equal(datasets.load_digits()[0][0], x_again)


def test_digits_resize_to_mnist_shape():
    (x_train, _), (x_test, _) = datasets.load_digits(size=(28, 28))
    assert x_train.shape[1:] == (28, 28, 1) and x_test.shape[1:] == (28, 28, 1)
    assert 0.0 <= x_train.min() and x_train.max() <= 1.0


@pytest.mark.parametrize("fraction", [0, 1, 1.5, -0.1])
def test_impossible_test_fraction_is_refused(fraction):
    with pytest.raises(ValueError, match="test_fraction"):
        datasets.load_digits(test_fraction=fraction)


# --------------------------------------------------------------------------- photo patches


def test_photo_patches_are_colour_balanced_and_reproducible():
    (x_train, y_train), (x_test, y_test) = datasets.load_photo_patches(train_per_class=20, test_per_class=5)
    classes = len(datasets.PATCH_PHOTOS)
    assert x_train.shape == (20 * classes, 32, 32, 3) and x_test.shape == (5 * classes, 32, 32, 3)
    assert np.array_equal(np.bincount(y_train), [20] * classes)
    assert x_train.dtype == np.float32 and 0 <= x_train.min() and x_train.max() <= 1
    (again, _), _ = datasets.load_photo_patches(train_per_class=20, test_per_class=5)
    np.testing.assert_array_equal(again, x_train)


def test_photo_patches_never_share_pixels_between_train_and_test(monkeypatch):
    # A fake photo whose every pixel holds its own column position: patches then tell where they came from.
    def columns_photo(name):
        width = 400
        return np.broadcast_to(
            np.arange(width, dtype=np.float32)[None, :, None] / width, (300, width, 3)
        ).copy()

    monkeypatch.setattr(datasets, "load_photo", columns_photo)
    (x_train, _), (x_test, _) = datasets.load_photo_patches(train_per_class=50, test_per_class=50, scale=1.0)
    assert x_train.max() < 0.7 <= x_test.min()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"size": 200}, "too large for photo"),
        ({"size": 0}, "size must be a positive int"),
        ({"train_per_class": -1}, "train_per_class must be a positive int"),
        ({"scale": 0}, r"scale must be a number in \(0, 1\]"),
    ],
)
def test_impossible_patch_settings_are_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        datasets.load_photo_patches(**kwargs)


# --------------------------------------------------------------------------- Keras data sets: cache and fallback


def write_mnist(home, n=6):
    folder = home / "datasets"
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    np.savez(
        folder / "mnist.npz",
        x_train=rng.integers(0, 256, (n, 28, 28), dtype=np.uint8),
        y_train=np.arange(n, dtype=np.uint8) % 10,
        x_test=rng.integers(0, 256, (2, 28, 28), dtype=np.uint8),
        y_test=np.array([3, 4], dtype=np.uint8),
    )


def write_fashion_mnist(home, n=5):
    import gzip

    folder = home / "datasets" / "fashion-mnist"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(1)
    for prefix, count in (("train", n), ("t10k", 2)):
        with gzip.open(folder / f"{prefix}-images-idx3-ubyte.gz", "wb") as f:
            f.write(b"\0" * 16 + rng.integers(0, 256, count * 28 * 28, dtype=np.uint8).tobytes())
        with gzip.open(folder / f"{prefix}-labels-idx1-ubyte.gz", "wb") as f:
            f.write(b"\0" * 8 + (np.arange(count, dtype=np.uint8) % 10).tobytes())


def write_cifar10(home, n=4):
    import pickle

    folder = home / "datasets" / "cifar-10-batches-py-target" / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(2)
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        content = {b"data": rng.integers(0, 256, (n, 3072), dtype=np.uint8), b"labels": list(range(n))}
        with open(folder / name, "wb") as f:
            pickle.dump(content, f)


@pytest.mark.parametrize(
    ("name", "writer", "train_shape"),
    [
        ("mnist", write_mnist, (6, 28, 28, 1)),
        ("fashion_mnist", write_fashion_mnist, (5, 28, 28, 1)),
        ("cifar10", write_cifar10, (20, 32, 32, 3)),
    ],
)
def test_keras_datasets_are_read_from_the_cache_without_network(
    tmp_path, monkeypatch, name, writer, train_shape
):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(datasets, "online", lambda timeout=3.0: pytest.fail("the cache must be used first"))
    writer(tmp_path)
    ((x_train, y_train), (x_test, y_test)), source = datasets.load_keras_dataset(name)
    assert source == "cache"
    assert x_train.shape == train_shape and x_train.dtype == np.float32
    assert 0 <= x_train.min() and x_train.max() <= 1 and y_train.dtype == np.int64 and y_train.ndim == 1
    assert len(x_test) == len(y_test)


def test_cifar10_cache_keeps_the_pixel_layout(tmp_path, monkeypatch):
    # CIFAR-10 stores each image as 1,024 red, then green, then blue values, row by row.
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    write_cifar10(tmp_path)
    folder = tmp_path / "datasets" / "cifar-10-batches-py-target" / "cifar-10-batches-py"
    import pickle

    data = np.zeros((4, 3072), dtype=np.uint8)
    data[0, 1024 + 5] = 255  # green channel, row 0, column 5
    with open(folder / "data_batch_1", "wb") as f:
        pickle.dump({b"data": data, b"labels": [0, 1, 2, 3]}, f)
    ((x_train, _), _), _ = datasets.load_keras_dataset("cifar10")
    assert x_train[0, 0, 5, 1] == 1.0 and x_train[0].sum() == 1.0


@pytest.mark.parametrize(
    ("name", "stand_in", "shape"), [("mnist", "digits", (28, 28, 1)), ("cifar10", "photos", (32, 32, 3))]
)
def test_offline_gives_one_line_and_the_stand_in(tmp_path, monkeypatch, capsys, name, stand_in, shape):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(datasets, "online", lambda timeout=3.0: False)
    ((x_train, _), _), source = datasets.load_keras_dataset(name)
    assert source == stand_in and x_train.shape[1:] == shape
    message = capsys.readouterr().out
    assert message.count("\n") == 1 and f"using the offline {stand_in} data set instead" in message


def test_online_answers_quickly_on_a_closed_network():
    import time

    start = time.perf_counter()
    datasets.online(timeout=1.0)
    assert time.perf_counter() - start < 5


def test_unknown_names_are_refused():
    with pytest.raises(ValueError, match="name must be one of 'digits', 'photos', 'mnist'.*received name='imagenet'"):
        datasets.load("imagenet")
    with pytest.raises(ValueError, match="name must be one of 'mnist'.*received name='digits'"):
        datasets.load_keras_dataset("digits")


# --------------------------------------------------------------------------- printed letters


def test_letters_are_drawn_like_the_digits_and_reproducible():
    x, y = datasets.render_letters(per_class=3, seed=4)
    assert x.shape == (3 * 52, 8, 8, 1) and x.dtype == np.float32 and y.dtype == np.int64
    assert np.array_equal(np.bincount(y), [3] * 52), "every letter equally often"
    assert set(np.unique(x * 16).round(4)) <= set(range(17)), "grey levels are ink counts in 4x4 blocks, like sklearn's digits"
    assert (x.reshape(len(x), -1).sum(axis=1) > 0).all(), "no empty image"
    again, labels = datasets.render_letters(per_class=3, seed=4)
    np.testing.assert_array_equal(again, x)
    np.testing.assert_array_equal(labels, y)
    other, _ = datasets.render_letters(per_class=3, seed=5)
    assert not np.array_equal(other, x), "another seed draws other letters"


def test_letters_differ_by_class_more_than_within():
    x, y = datasets.render_letters(per_class=30, seed=0)
    flat = x.reshape(len(x), -1)
    means = np.stack([flat[y == c].mean(axis=0) for c in range(52)])
    # The mean "O" is not the mean "l": class means are far apart compared with noise.
    assert np.abs(means[datasets.LETTERS.index("O")] - means[datasets.LETTERS.index("l")]).sum() > 2


def test_letters_on_a_larger_canvas_keep_their_ink():
    small, _ = datasets.render_letters(per_class=2, seed=1)
    large, _ = datasets.render_letters(per_class=2, canvas=12, seed=1)
    assert large.shape == (104, 12, 12, 1)
    np.testing.assert_allclose(large.sum(axis=(1, 2, 3)), small.sum(axis=(1, 2, 3)), rtol=1e-6)


def test_place_at_random_moves_without_cutting():
    images = np.arange(1, 2 * 3 * 3 + 1, dtype=np.float32).reshape(2, 3, 3, 1)
    placed = datasets.place_at_random(images, canvas=5, seed=0)
    assert placed.shape == (2, 5, 5, 1)
    for original, out in zip(images, placed):
        rows, cols = np.nonzero(out[..., 0])
        np.testing.assert_array_equal(out[rows.min() : rows.min() + 3, cols.min() : cols.min() + 3], original)
    positions = {tuple(np.argwhere(p[..., 0])[0]) for p in datasets.place_at_random(np.ones((50, 3, 3, 1)), 5, seed=1)}
    assert len(positions) > 3, "positions vary"


@pytest.mark.parametrize(("kwargs", "error"), [({"canvas": 7}, ValueError), ({"per_class": 0}, ValueError),
                                                ({"per_class": 10**6}, ValueError), ({"per_class": 2.5}, TypeError)])
def test_impossible_letters_are_refused(kwargs, error):
    with pytest.raises(error):
        datasets.render_letters(**kwargs)


def test_a_canvas_smaller_than_the_images_is_refused():
    with pytest.raises(ValueError, match="canvas must be at least"):
        datasets.place_at_random(np.ones((1, 8, 8, 1)), canvas=6)
