"""Images as arrays: the real photos the course uses, loaded offline, scaled, resized.

Every photo ships inside an installed package (scikit-image or scikit-learn), so nothing is
downloaded. Photos come back as float32 in [0, 1], ``(H, W, 3)`` RGB or ``(H, W)`` grey.
"""

import numpy as np

from course_lib.validation import boolean, numeric_array, one_of, positive_ints

# name -> (package, how to load it). All of these ship inside the installed wheels.
PHOTOS = {
    "camera": ("skimage", "camera"),  # 512x512 grey: a cameraman
    "astronaut": ("skimage", "astronaut"),  # 512x512 RGB
    "chelsea": ("skimage", "chelsea"),  # 300x451 RGB: a cat
    "coffee": ("skimage", "coffee"),  # 400x600 RGB
    "coins": ("skimage", "coins"),  # 303x384 grey
    "brick": ("skimage", "brick"),  # 512x512 grey texture
    "grass": ("skimage", "grass"),  # 512x512 grey texture
    "gravel": ("skimage", "gravel"),  # 512x512 grey texture
    "rocket": ("skimage", "rocket"),  # 427x640 RGB
    "china": ("sklearn", "china.jpg"),  # 427x640 RGB
    "flower": ("sklearn", "flower.jpg"),  # 427x640 RGB
}

# ITU-R BT.601 luma weights, the ones OpenCV's cv2.COLOR_RGB2GRAY uses.
GRAY_WEIGHTS = np.array([0.299, 0.587, 0.114], dtype=np.float32)

# The largest side resize makes: 2**15 pixels, a 4 GB float32 RGB image, far past a lesson's needs.
_LARGEST_SIDE = 1 << 15


def to_unit_range(image):
    """Return ``image`` as float32 in [0, 1]: ``uint8`` values are divided by 255.

    Example:
        >>> to_unit_range(np.array([0, 51, 255], dtype=np.uint8))
        array([0. , 0.2, 1. ], dtype=float32)
    """
    image = numeric_array(image, "image")
    if image.dtype == np.uint8:
        return image.astype(np.float32) / 255.0
    if np.issubdtype(image.dtype, np.floating):
        if not np.isfinite(image).all():
            raise ValueError("image holds NaN or infinite values; a float image must be in [0, 1].")
        if image.min() < 0 or image.max() > 1:
            raise ValueError(
                f"a float image must already be in [0, 1]; received values from {image.min():g} "
                f"to {image.max():g}. Divide by the maximum of its range (255 for 8-bit data)."
            )
        return image.astype(np.float32)
    raise TypeError(
        f"expected a uint8 image (0-255) or a float image in [0, 1]; received dtype {image.dtype}."
    )


def to_gray(image):
    """Return the grey-level ``(H, W)`` version of an ``(H, W, 3)`` RGB image (BT.601 weights).

    Example:
        >>> to_gray(np.ones((2, 2, 3), dtype=np.float32))
        array([[1., 1.],
               [1., 1.]], dtype=float32)
    """
    image = numeric_array(image, "image")
    if image.ndim == 2:
        return image
    if image.ndim != 3 or image.shape[-1] != 3:
        raise ValueError(
            f"expected an (H, W, 3) RGB image or an (H, W) one; received shape {image.shape}."
        )
    return (image.astype(np.float32) @ GRAY_WEIGHTS).astype(np.float32)


def resize(image, size):
    """Return ``image`` resized to ``size = (height, width)`` with area averaging (OpenCV).

    Example:
        >>> resize(np.zeros((100, 60), dtype=np.float32), (50, 30)).shape
        (50, 30)
    """
    import cv2

    image = numeric_array(image, "image")
    if image.ndim not in (2, 3):
        raise ValueError(f"expected an (H, W) or (H, W, C) image; received shape {image.shape}.")
    height, width = positive_ints(size, "size", length=2, expected="(height, width), two positive ints")
    # OpenCV refuses sizes beyond its int range with a raw error of its own.
    if max(height, width) > _LARGEST_SIDE:
        raise ValueError(f"size must be at most {_LARGEST_SIDE} pixels a side; received size={size!r}.")
    shrinking = height < image.shape[0] and width < image.shape[1]
    interpolation = cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR
    # cv2 wants (width, height) and float32; it drops a trailing channel axis of 1, put it back.
    out = cv2.resize(image.astype(np.float32), (width, height), interpolation=interpolation)
    return out.reshape((height, width) + image.shape[2:])


def load_photo(name, gray=False, size=None):
    """Return one of the course's real photos as float32 in [0, 1].

    Args:
        name: a key of :data:`PHOTOS` (``"camera"``, ``"astronaut"``, ``"chelsea"``, ...).
        gray: return ``(H, W)`` grey levels instead of ``(H, W, 3)`` RGB.
        size: ``(height, width)`` to resize to, or ``None`` for the original size.

    Example:
        >>> load_photo("chelsea").shape
        (300, 451, 3)
        >>> load_photo("chelsea", gray=True, size=(60, 90)).shape
        (60, 90)
    """
    one_of(name, "name", tuple(sorted(PHOTOS)))
    gray = boolean(gray, "gray")
    package, key = PHOTOS[name]
    if package == "skimage":
        import skimage.data

        image = getattr(skimage.data, key)()
    else:
        from sklearn.datasets import load_sample_image

        image = load_sample_image(key)
    image = to_unit_range(image)
    if gray:
        image = to_gray(image)
    if size is not None:
        image = resize(image, size)
    return image
