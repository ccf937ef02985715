"""Real data sets, offline first, in the Keras convention.

Every loader returns ``(x_train, y_train), (x_test, y_test)`` like ``keras.datasets``, except that
images are always NHWC float32 in [0, 1] and labels a flat int64 array:

* :func:`load_digits`: scikit-learn's 1,797 hand-written digits (ship with scikit-learn);
* :func:`load_photo_patches`: a colour task made of patches of real photos (ship with
  scikit-image and scikit-learn), labelled by the photo they come from;
* :func:`load_keras_dataset`: MNIST, Fashion-MNIST or CIFAR-10 from the Keras cache, downloaded
  when the network answers, and otherwise replaced by the offline data set of the same shape,
  with a one-line message saying so;
* :func:`load`: any of them by name.
"""

import gzip
import os
import pickle
import socket
from pathlib import Path

import numpy as np

from course_lib.images import load_photo, resize
from course_lib.validation import boolean, number, one_of, positive_int, whole_number

# The photos of the colour task, one class each, in label order.
PATCH_PHOTOS = ("astronaut", "chelsea", "coffee", "china", "flower", "rocket")

KERAS_DATASETS = {
    # name: (offline stand-in, description)
    "mnist": ("digits", "hand-written digits, 28x28 grey"),
    "fashion_mnist": ("digits", "clothing photos, 28x28 grey"),
    "cifar10": ("photos", "small colour photos, 32x32, 10 classes"),
}
NAMES = ("digits", "photos", *KERAS_DATASETS)

# Where the Keras downloads come from; a quick connection to it tells whether a download can work.
_DOWNLOAD_HOST = ("storage.googleapis.com", 443)

# The most patches load_photo_patches cuts per class and part: CIFAR-10 has 6,000 images a class.
_MOST_PATCHES = 10_000


def _split(images, labels, test_fraction, seed):
    from sklearn.model_selection import train_test_split

    x_train, x_test, y_train, y_test = train_test_split(
        images, labels, test_size=test_fraction, random_state=seed, stratify=labels
    )
    return (x_train, y_train), (x_test, y_test)


def load_digits(size=None, test_fraction=0.25, seed=0):
    """Return scikit-learn's 1,797 hand-written digits as ``(x_train, y_train), (x_test, y_test)``.

    Each image is 8x8 grey levels (0-16 in the original), returned as ``(N, 8, 8, 1)`` float32
    in [0, 1], or resized to ``size = (height, width)`` (e.g. ``(28, 28)`` for MNIST-shaped
    models). The split is stratified: every digit has the same share on both sides.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = load_digits()
        >>> x_train.shape, x_test.shape, x_train.dtype
        ((1347, 8, 8, 1), (450, 8, 8, 1), dtype('float32'))
        >>> sorted(set(y_test.tolist())) == list(range(10))
        True
    """
    from sklearn.datasets import load_digits as sklearn_digits

    test_fraction = number(test_fraction, "test_fraction")
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be between 0 and 1; received {test_fraction!r}.")
    seed = whole_number(seed, "seed")
    digits = sklearn_digits()
    images = (digits.images / 16.0).astype(np.float32)
    if size is not None:
        images = np.clip(np.stack([resize(image, size) for image in images]), 0, 1)
    return _split(images[..., None], digits.target.astype(np.int64), test_fraction, seed)


def load_photo_patches(size=32, train_per_class=200, test_per_class=60, scale=0.5, seed=0):
    """Return a colour-image task: ``size x size`` patches of real photos, labelled by their photo.

    The classes are the photos of :data:`PATCH_PHOTOS` (label ``i`` is ``PATCH_PHOTOS[i]``). Each
    photo is resized by ``scale``; training patches are cut from its left 70 % and test patches
    from its right 30 %, so no test pixel was ever seen in training (no leak between the sets,
    unlike random patches of one image). Positions are drawn with ``seed``.

    The images come grouped by class (all of photo 0, then photo 1, ...). ``fit`` shuffles its
    batches, but ``validation_split`` takes the *last* images before shuffling, which here would
    be one photo only: shuffle first (``order = np.random.default_rng(0).permutation(len(y))``)
    or pass ``validation_data``.

    Returns ``(x_train, y_train), (x_test, y_test)`` with ``x`` of shape ``(N, size, size, 3)``.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = load_photo_patches(train_per_class=5, test_per_class=2)
        >>> x_train.shape, x_test.shape, sorted(set(y_test.tolist()))
        ((30, 32, 32, 3), (12, 32, 32, 3), [0, 1, 2, 3, 4, 5])
    """
    size = positive_int(size, "size")
    train_per_class = positive_int(train_per_class, "train_per_class")
    test_per_class = positive_int(test_per_class, "test_per_class")
    # A patch of a photo is at most a few hundred pixels wide; more patches than that many
    # per class would take gigabytes for no lesson.
    for name, count in (("train_per_class", train_per_class), ("test_per_class", test_per_class)):
        if count > _MOST_PATCHES:
            raise ValueError(f"{name} must be at most {_MOST_PATCHES:,}; received {name}={count:,}.")
    scale = number(scale, "scale", maximum=1)
    if scale <= 0:
        raise ValueError(f"scale must be a number in (0, 1]; received scale={scale!r}.")
    rng = np.random.default_rng(seed)
    parts = {"train": ([], []), "test": ([], [])}
    for label, name in enumerate(PATCH_PHOTOS):
        photo = load_photo(name)
        height, width = (round(side * scale) for side in photo.shape[:2])
        photo = np.clip(resize(photo, (height, width)), 0, 1)
        split = int(width * 0.7)
        regions = {"train": (0, split), "test": (split, width)}
        counts = {"train": train_per_class, "test": test_per_class}
        for part, (left, right) in regions.items():
            if right - left < size or height < size:
                raise ValueError(
                    f"size={size} is too large for photo {name!r} at scale={scale} "
                    f"({height}x{width}, {part} region {right - left} columns wide); "
                    "use a smaller size or a larger scale."
                )
            rows = rng.integers(0, height - size + 1, counts[part])
            cols = rng.integers(left, right - size + 1, counts[part])
            parts[part][0].extend(photo[r : r + size, c : c + size] for r, c in zip(rows, cols))
            parts[part][1].extend([label] * counts[part])
    return tuple(
        (np.stack(images).astype(np.float32), np.array(labels, dtype=np.int64))
        for images, labels in parts.values()
    )


# --------------------------------------------------------------------------- Keras data sets


def keras_home():
    """Return the folder where Keras caches downloads: ``$KERAS_HOME`` or ``~/.keras``."""
    return Path(os.environ.get("KERAS_HOME", Path.home() / ".keras"))


def _read_cached(name, home):
    """Return the Keras-format arrays of ``name`` from the cache under ``home``, or None if absent."""
    datasets = home / "datasets"
    if name == "mnist":
        path = datasets / "mnist.npz"
        if not path.exists():
            return None
        with np.load(path, allow_pickle=False) as f:
            return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])
    if name == "fashion_mnist":
        folder = datasets / "fashion-mnist"
        files = [
            "train-images-idx3-ubyte.gz",
            "train-labels-idx1-ubyte.gz",
            "t10k-images-idx3-ubyte.gz",
            "t10k-labels-idx1-ubyte.gz",
        ]
        if not all((folder / f).exists() for f in files):
            return None
        arrays = []
        for file, offset in zip(files, (16, 8, 16, 8)):
            with gzip.open(folder / file, "rb") as f:
                arrays.append(np.frombuffer(f.read(), np.uint8, offset=offset))
        x_train, y_train, x_test, y_test = arrays
        return (x_train.reshape(len(y_train), 28, 28), y_train), (
            x_test.reshape(len(y_test), 28, 28),
            y_test,
        )
    # cifar10: the extracted python batches, under the folder name of recent or older Keras.
    for folder in (
        datasets / "cifar-10-batches-py-target" / "cifar-10-batches-py",
        datasets / "cifar-10-batches-py",
    ):
        batches = [folder / f"data_batch_{i}" for i in range(1, 6)] + [folder / "test_batch"]
        if all(b.exists() for b in batches):
            loaded = []
            for batch in batches:
                with open(batch, "rb") as f:
                    content = pickle.load(f, encoding="bytes")
                loaded.append(
                    (
                        content[b"data"].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1),
                        np.array(content[b"labels"]),
                    )
                )
            x_train = np.concatenate([x for x, _ in loaded[:5]])
            y_train = np.concatenate([y for _, y in loaded[:5]])
            return (x_train, y_train), loaded[5]
    return None


def online(timeout=3.0):
    """Return ``True`` if the host Keras downloads from answers within ``timeout`` seconds."""
    timeout = number(timeout, "timeout", above=0)
    try:
        with socket.create_connection(_DOWNLOAD_HOST, timeout=timeout):
            return True
    except OSError:
        return False


def _standardise(arrays):
    """Keras uint8 arrays to the course's convention: NHWC float32 in [0, 1], flat int64 labels."""
    (x_train, y_train), (x_test, y_test) = arrays

    def images(x):
        x = np.asarray(x)
        x = x[..., None] if x.ndim == 3 else x
        return (x / 255.0).astype(np.float32)

    return (images(x_train), np.asarray(y_train, np.int64).ravel()), (
        images(x_test),
        np.asarray(y_test, np.int64).ravel(),
    )


def load_keras_dataset(name, allow_download=True, verbose=True):
    """Return MNIST, Fashion-MNIST or CIFAR-10, or the offline stand-in when it cannot be had.

    Order: the Keras cache (``keras_home()/datasets``, read directly, no network); else, if
    ``allow_download`` and the download host answers within seconds, ``keras.datasets`` downloads
    it; else one line is printed and the offline stand-in of the same kind is returned: the digits
    at 28x28 for MNIST and Fashion-MNIST, photo patches at 32x32 for CIFAR-10.

    Returns ``((x_train, y_train), (x_test, y_test)), source`` where ``source`` is ``"cache"``,
    ``"download"`` or the stand-in's name, so a notebook can say what it trained on.
    """
    one_of(name, "name", tuple(KERAS_DATASETS))
    allow_download, verbose = boolean(allow_download, "allow_download"), boolean(verbose, "verbose")
    cached = _read_cached(name, keras_home())
    if cached is not None:
        return _standardise(cached), "cache"
    if allow_download and online():
        from course_lib.session import import_keras

        keras = import_keras()
        return _standardise(getattr(keras.datasets, name).load_data()), "download"
    stand_in = KERAS_DATASETS[name][0]
    if verbose:
        print(
            f"{name} is not in the Keras cache and cannot be downloaded here; "
            f"using the offline {stand_in} data set instead."
        )
    return load(stand_in), stand_in


def load(name, **kwargs):
    """Return a data set by name: ``"digits"`` (at 28x28), ``"photos"``, or a Keras one with its fallback.

    Example:
        >>> (x_train, _), _ = load("digits")
        >>> x_train.shape[1:]
        (28, 28, 1)
    """
    one_of(name, "name", NAMES)
    if name == "digits":
        return load_digits(size=kwargs.pop("size", (28, 28)), **kwargs)
    if name == "photos":
        return load_photo_patches(**kwargs)
    return load_keras_dataset(name, **kwargs)[0]
