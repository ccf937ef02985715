"""Real data sets that ship inside installed packages, in the Keras convention.

Every loader returns ``(x_train, y_train), (x_test, y_test)`` like ``keras.datasets``: images
NHWC float32 in [0, 1], labels int64, from a fixed, stratified split (same classes in the same
proportions on both sides, the same split on every machine).
"""

import numpy as np

from course_lib.images import resize


def load_digits(size=None, test_fraction=0.25, seed=0):
    """Return scikit-learn's 1,797 hand-written digits as ``(x_train, y_train), (x_test, y_test)``.

    Each image is 8x8 grey levels (0-16 in the original), returned as ``(N, 8, 8, 1)`` float32
    in [0, 1], or resized to ``size = (height, width)`` (e.g. ``(28, 28)`` for MNIST-shaped models).

    Example:
        >>> (x_train, y_train), (x_test, y_test) = load_digits()
        >>> x_train.shape, x_test.shape, x_train.dtype
        ((1347, 8, 8, 1), (450, 8, 8, 1), dtype('float32'))
        >>> sorted(set(y_test.tolist())) == list(range(10))
        True
    """
    from sklearn.datasets import load_digits as sklearn_digits
    from sklearn.model_selection import train_test_split

    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be between 0 and 1; received {test_fraction!r}.")
    digits = sklearn_digits()
    images = (digits.images / 16.0).astype(np.float32)
    if size is not None:
        images = np.stack([resize(image, size) for image in images])
    images = images[..., None]
    labels = digits.target.astype(np.int64)
    x_train, x_test, y_train, y_test = train_test_split(
        images, labels, test_size=test_fraction, random_state=seed, stratify=labels
    )
    return (x_train, y_train), (x_test, y_test)
