"""Real data sets, offline first, in the Keras convention.

Every loader returns ``(x_train, y_train), (x_test, y_test)`` like ``keras.datasets``, except that
images are always NHWC float32 in [0, 1] and labels a flat int64 array:

* :func:`load_digits`: scikit-learn's 1,797 hand-written digits (ship with scikit-learn);
* :func:`load_photo_patches`: a colour task made of patches of real photos (ship with
  scikit-image and scikit-learn), labelled by the photo they come from;
* :func:`render_letters`: printed letters A-Z and a-z drawn from Matplotlib's bundled fonts, made
  like scikit-learn's digits, a large source task for transfer learning built in about a second;
* :func:`place_at_random`: small images put at random positions on a larger empty canvas;
* :func:`load_keras_dataset`: MNIST, Fashion-MNIST or CIFAR-10 from the Keras cache, downloaded
  when the network answers, and otherwise replaced by the offline data set of the same shape,
  with a one-line message saying so;
* :func:`load`: any of them by name.
"""

import gzip
import os
import pickle
import socket
import string
from pathlib import Path

import numpy as np

from course_lib.images import load_photo, resize
from course_lib.validation import boolean, number, numeric_array, one_of, positive_int, whole_number

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


# --------------------------------------------------------------------------- printed letters

LETTERS = string.ascii_uppercase + string.ascii_lowercase  # label i of render_letters is LETTERS[i]
# Matplotlib's bundled fonts (in matplotlib.get_data_path()/fonts/ttf): sans, mono and serif faces,
# upright, bold and slanted, and five Computer Modern faces.
LETTER_FONTS = (
    "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf", "DejaVuSans-BoldOblique.ttf",
    "DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf", "DejaVuSansMono-Oblique.ttf", "DejaVuSansMono-BoldOblique.ttf",
    "DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSerif-Italic.ttf", "DejaVuSerif-BoldItalic.ttf",
    "STIXGeneral.ttf", "STIXGeneralBol.ttf", "STIXGeneralItalic.ttf", "STIXGeneralBolIta.ttf",
    "cmr10.ttf", "cmss10.ttf", "cmtt10.ttf", "cmb10.ttf", "cmti10.ttf",
)
_GLYPH = 48  # side in pixels of each letter's master drawing
_MOST_LETTERS = 2_000  # per class: 104,000 images of 8x8 already


def _glyph_masters():
    """Return every letter in every font as ink in [0, 1], shape ``(fonts, letters, 48, 48)``: one Agg drawing."""
    from matplotlib import get_data_path
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

    folder = Path(get_data_path()) / "fonts" / "ttf"
    fonts, letters = len(LETTER_FONTS), len(LETTERS)
    figure = Figure(figsize=(letters * _GLYPH / 100, fonts * _GLYPH / 100), dpi=100)
    for row, name in enumerate(LETTER_FONTS):
        font = FontProperties(fname=folder / name, size=_GLYPH * 0.55 * 72 / 100)
        for col, letter in enumerate(LETTERS):
            figure.text((col + 0.5) / letters, 1 - (row + 0.5) / fonts, letter, fontproperties=font,
                        ha="center", va="center")
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    ink = 1 - np.asarray(canvas.buffer_rgba())[..., 0].astype(np.float32) / 255
    ink = ink[: fonts * _GLYPH, : letters * _GLYPH]
    return ink.reshape(fonts, _GLYPH, letters, _GLYPH).transpose(0, 2, 1, 3)


def place_at_random(images, canvas, seed=0):
    """Put each image at a random position on an empty ``canvas x canvas`` background.

    ``images`` has shape ``(N, H, W, C)`` with ``H, W <= canvas``; the result has shape
    ``(N, canvas, canvas, C)``, zeros except for each image, whose top-left corner is drawn
    uniformly from the ``(canvas - H + 1) x (canvas - W + 1)`` positions where it fits, with
    ``seed``. Nothing is cut off or resized, so the same images on a larger canvas make a task
    whose classes are unchanged but whose position varies.

    Example:
        >>> placed = place_at_random(np.ones((3, 8, 8, 1), np.float32), canvas=12)
        >>> placed.shape, float(placed.sum(axis=(1, 2, 3)).min())
        ((3, 12, 12, 1), 64.0)
    """
    images = numeric_array(images, "images", ndim=4, finite=True)
    canvas = positive_int(canvas, "canvas")
    seed = whole_number(seed, "seed")
    n, height, width, channels = images.shape
    if height > canvas or width > canvas:
        raise ValueError(
            f"canvas must be at least as large as the images; received canvas={canvas} for images of "
            f"{height}x{width}: pass canvas >= {max(height, width)}."
        )
    rng = np.random.default_rng(seed)
    tops = rng.integers(0, canvas - height + 1, n)
    lefts = rng.integers(0, canvas - width + 1, n)
    placed = np.zeros((n, canvas, canvas, channels), dtype=np.float32)
    for k, (top, left) in enumerate(zip(tops, lefts)):
        placed[k, top : top + height, left : left + width] = images[k]
    return placed


def render_letters(per_class=100, canvas=8, seed=0):
    """Return printed letters A-Z and a-z, 52 classes, drawn the way scikit-learn's digits were.

    scikit-learn's digits are 32x32 black-and-white drawings counted in 4x4 blocks: each of the
    8x8 pixels holds the share of its 16 bits that carry ink, 0, 1/16, ..., 1. Here each letter is
    drawn in one of the 21 fonts of :data:`LETTER_FONTS` (Matplotlib's own, so nothing is
    downloaded), turned by up to 14 degrees, slanted, stretched, scaled and shifted at random, its
    strokes made thinner or thicker by where the grey drawing is cut into ink, then counted in
    blocks the same way. ``canvas > 8`` puts each 8x8 letter at a random position on a larger empty
    canvas (:func:`place_at_random`). Everything is drawn from ``seed``: the same call returns the
    same images, in about a second for 100 images per class.

    Returns ``(x, y)``: ``x`` of shape ``(52 * per_class, canvas, canvas, 1)``, float32 in [0, 1];
    ``y`` int64, where label ``i`` is the letter ``LETTERS[i]``, in shuffled order.

    Example:
        >>> x, y = render_letters(per_class=2, seed=0)
        >>> x.shape, x.dtype, int(y.max()), LETTERS[int(y.max())]
        ((104, 8, 8, 1), dtype('float32'), 51, 'z')
        >>> bool(set((x * 16).ravel().round(4)) <= set(range(17)))
        True
    """
    per_class = positive_int(per_class, "per_class")
    if per_class > _MOST_LETTERS:
        raise ValueError(f"per_class must be at most {_MOST_LETTERS:,}; received per_class={per_class:,}.")
    canvas = positive_int(canvas, "canvas")
    if canvas < 8:
        raise ValueError(f"canvas must be at least 8, the letters' size; received canvas={canvas}.")
    seed = whole_number(seed, "seed")
    glyphs = _glyph_masters()
    fonts, letters = glyphs.shape[:2]
    rng = np.random.default_rng(seed)
    n = per_class * letters
    labels = rng.permutation(np.repeat(np.arange(letters), per_class))
    font = rng.integers(0, fonts, n)

    # Each master's ink box: its centre goes to the centre of the drawing, its longer side is scaled to fit.
    ink = glyphs > 0.5
    index = np.arange(_GLYPH)
    rows, cols = ink.any(axis=3), ink.any(axis=2)
    top, bottom = np.where(rows, index, _GLYPH).min(-1), np.where(rows, index, -1).max(-1)
    left, right = np.where(cols, index, _GLYPH).min(-1), np.where(cols, index, -1).max(-1)
    centre_row, centre_col = (top + bottom)[font, labels] / 2, (left + right)[font, labels] / 2
    longest = np.maximum(bottom - top, right - left)[font, labels] + 1

    side = 32  # the drawing, counted in 4x4 blocks into 8x8
    angle = rng.uniform(-0.25, 0.25, n)[:, None, None]
    scale = (rng.uniform(0.75, 1.0, n) * 28 / longest)[:, None, None]  # output pixels per master pixel
    aspect = rng.uniform(0.8, 1.2, n)[:, None, None]
    shear = rng.uniform(-0.2, 0.2, n)[:, None, None]
    shift = rng.uniform(-2, 2, (n, 2))
    cut = rng.uniform(0.1, 0.6, n)[:, None, None]  # a low cut gives thick strokes, a high one thin strokes
    grid_row, grid_col = np.mgrid[0:side, 0:side].astype(np.float32) - (side - 1) / 2
    y_out = grid_row[None] - shift[:, 0, None, None]
    x_out = grid_col[None] - shift[:, 1, None, None]
    turned_row = np.cos(angle) * y_out - np.sin(angle) * x_out
    turned_col = np.sin(angle) * y_out + np.cos(angle) * x_out - shear * y_out
    source_row = np.rint(turned_row / scale + centre_row[:, None, None]).astype(np.int64)
    source_col = np.rint(turned_col / (scale * aspect) + centre_col[:, None, None]).astype(np.int64)
    inside = (source_row >= 0) & (source_row < _GLYPH) & (source_col >= 0) & (source_col < _GLYPH)
    grey = glyphs[font[:, None, None], labels[:, None, None],
                  np.clip(source_row, 0, _GLYPH - 1), np.clip(source_col, 0, _GLYPH - 1)]
    bits = (grey * inside) > cut
    images = bits.reshape(n, 8, 4, 8, 4).sum(axis=(2, 4)).astype(np.float32)[..., None] / 16
    if canvas > 8:
        images = place_at_random(images, canvas, seed=seed + 1)
    return images, labels.astype(np.int64)


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
