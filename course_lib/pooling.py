"""Max and average pooling in NumPy, exactly as Keras's pooling layers compute them.

Pooling summarises each ``pool_size`` window of every channel by its maximum or its mean. It has
no weights, it works on each channel separately, and by default the window moves by its own size
(``strides = pool_size``), so a 2x2 pool halves the height and the width. Along each axis::

    output = floor((n - p) / s) + 1        padding="valid"
    output = ceil(n / s)                   padding="same" (windows at the border are cut short;
                                           the missing values are ignored, never counted as zeros)

:func:`pool2d_loops` spells the definition out; :func:`pool2d` is the vectorised version.
"""

import numpy as np

from course_lib.conv import same_padding
from course_lib.validation import numeric_array, one_of, positive_pair

MODES = ("max", "average")


def _prepare(x, pool_size, strides, padding, mode):
    """Validate pooling arguments; return ``(x4, (ph, pw), (sh, sw), pads, squeeze)``."""
    # NaN is refused: a max over a window that holds one is NaN in one implementation and the
    # other value in a NumPy nanmax, and the padding of "same" is NaN itself (see pool2d).
    x = numeric_array(x, "x", finite=True)
    if x.ndim not in (2, 3, 4):
        raise ValueError(
            f"x must be (H, W), (H, W, C) or a batch (N, H, W, C); received shape {x.shape}."
        )
    one_of(mode, "mode", MODES)
    ph, pw = positive_pair(pool_size, "pool_size")
    sh, sw = (ph, pw) if strides is None else positive_pair(strides, "strides")
    padding = one_of(padding.lower() if isinstance(padding, str) else padding, "padding", ("valid", "same"))
    squeeze = x.ndim
    x4 = x.reshape((1,) * (4 - x.ndim) + x.shape) if x.ndim > 2 else x[None, :, :, None]
    pads = []
    for axis, n, p, s in (("rows", x4.shape[1], ph, sh), ("columns", x4.shape[2], pw, sw)):
        if padding == "same":
            pads.append(same_padding(n, p, s))
        elif p > n:
            raise ValueError(
                f"the pool window has {p} {axis} but the input has only {n}; use a smaller "
                "pool_size or padding='same'."
            )
        else:
            pads.append((0, 0))
    dtype = np.result_type(x4.dtype, np.float32)
    return x4.astype(dtype, copy=False), (ph, pw), (sh, sw), tuple(pads), squeeze


def _restore(y, squeeze):
    if squeeze == 2:
        return y[0, :, :, 0]
    return y[0] if squeeze == 3 else y


def pool2d(x, pool_size=2, strides=None, padding="valid", mode="max"):
    """Return max or average pooling of ``x``, equal to Keras ``MaxPooling2D``/``AveragePooling2D``.

    Args:
        x: ``(N, H, W, C)``, ``(H, W, C)`` or ``(H, W)``.
        pool_size: an int or ``(ph, pw)``.
        strides: an int, ``(sh, sw)``, or ``None`` for ``pool_size`` (Keras's default).
        padding: ``"valid"`` or ``"same"``.
        mode: ``"max"`` or ``"average"``.

    Returns:
        An array with ``x``'s rank: ``(N, H', W', C)`` with ``H' = floor((H - ph) / sh) + 1``
        (``ceil(H / sh)`` for ``"same"``), and likewise ``W'``.

    Example:
        >>> x = np.array([[1, 2, 0, 0], [3, 4, 0, 1], [5, 0, 2, 2], [0, 0, 2, 2]], dtype=float)
        >>> pool2d(x)
        array([[4., 1.],
               [5., 2.]])
        >>> pool2d(x, mode="average")
        array([[2.5 , 0.25],
               [1.25, 2.  ]])
        >>> pool2d(np.ones((2, 2, 3))).shape  # channels are pooled separately
        (1, 1, 3)
    """
    x4, (ph, pw), (sh, sw), pads, squeeze = _prepare(x, pool_size, strides, padding, mode)
    # Padding holds NaN so that it never wins a max and never enters a mean.
    padded = np.pad(x4, ((0, 0), pads[0], pads[1], (0, 0)), constant_values=np.nan)
    windows = np.lib.stride_tricks.sliding_window_view(padded, (ph, pw), axis=(1, 2))[:, ::sh, ::sw]
    if not any(sum(p) for p in pads):
        reduce = np.max if mode == "max" else np.mean
    else:
        reduce = np.nanmax if mode == "max" else np.nanmean
    return _restore(reduce(windows, axis=(-2, -1)), squeeze)


def pool2d_loops(x, pool_size=2, strides=None, padding="valid", mode="max"):
    """Return the same result as :func:`pool2d`, computed with plain loops (for reading).

    Example:
        >>> pool2d_loops(np.arange(16.0).reshape(4, 4), pool_size=2, strides=1)
        array([[ 5.,  6.,  7.],
               [ 9., 10., 11.],
               [13., 14., 15.]])
    """
    x4, (ph, pw), (sh, sw), pads, squeeze = _prepare(x, pool_size, strides, padding, mode)
    batch, height, width, channels = x4.shape
    (top, bottom), (left, right) = pads
    out_h = (height + top + bottom - ph) // sh + 1
    out_w = (width + left + right - pw) // sw + 1
    y = np.zeros((batch, out_h, out_w, channels), dtype=x4.dtype)
    for n in range(batch):
        for i in range(out_h):
            for j in range(out_w):
                # The window in input coordinates, cut to the image: padding is never looked at.
                r0, c0 = i * sh - top, j * sw - left
                window = x4[n, max(r0, 0) : r0 + ph, max(c0, 0) : c0 + pw, :]
                for c in range(channels):
                    values = window[:, :, c]
                    y[n, i, j, c] = values.max() if mode == "max" else values.mean()
    return _restore(y, squeeze)


def global_pool(x, mode="average"):
    """Return one value per channel: the mean (or max) over all positions, like Keras ``GlobalAveragePooling2D``.

    ``(N, H, W, C)`` becomes ``(N, C)``; a single ``(H, W, C)`` image becomes ``(C,)``.

    Example:
        >>> global_pool(np.arange(8.0).reshape(2, 2, 2))
        array([3., 4.])
        >>> global_pool(np.arange(8.0).reshape(2, 2, 2), mode="max")
        array([6., 7.])
    """
    x = numeric_array(x, "x", finite=True)
    if x.ndim not in (3, 4):
        raise ValueError(f"x must be (H, W, C) or (N, H, W, C); received shape {x.shape}.")
    one_of(mode, "mode", MODES)
    reduce = np.max if mode == "max" else np.mean
    return reduce(x.astype(np.result_type(x.dtype, np.float32), copy=False), axis=(-3, -2))
