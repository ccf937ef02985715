"""2-D convolution (cross-correlation) in NumPy, exactly as ``tf.nn.conv2d`` computes it.

Layout is Keras's: images are NHWC, ``(N, H, W, C)`` or a single ``(H, W, C)`` image, and a
kernel is ``(kh, kw, c_in, c_out)``. Like every deep-learning framework, :func:`conv2d` computes
a *cross-correlation*: the kernel is not flipped. For one output position and filter ``f``::

    y[n, i, j, f] = bias[f] + sum_{a, b, c} x_pad[n, i*sh + a, j*sw + b, c] * kernel[a, b, c, f]

and along each spatial axis the output size is ``floor((n + pad_before + pad_after - k) / s) + 1``.

Two versions share one contract: :func:`conv2d_loops` spells the formula out with plain loops
(read it to learn), :func:`conv2d` is vectorised (use it). The size helpers
(:func:`output_size`, :func:`same_padding`, :func:`padding_widths`, :func:`unused_input`,
:func:`check_fit`) answer "what shape comes out?" and "does this stride fit?" without an image.
"""

import math
from typing import NamedTuple

import numpy as np

from course_lib.validation import divisors, is_int, numeric_array, positive_int, positive_pair

PADDING_NAMES = ("valid", "same", "full")

# conv2d copies windows in blocks of about this many values (1 MiB of float32), small enough
# to stay in cache between the copy and the matrix product that reads it.
_BLOCK_ELEMENTS = 1 << 18


# --------------------------------------------------------------------------- argument checks


def _is_pair(value):
    return isinstance(value, (tuple, list)) and len(value) == 2


def _check_padding_spec(padding):
    """Normalise ``padding`` to a name or to ``((top, bottom), (left, right))``."""
    if isinstance(padding, str):
        if padding.lower() not in PADDING_NAMES:
            raise ValueError(
                f"Unknown padding {padding!r}; expected one of {', '.join(map(repr, PADDING_NAMES))}, "
                "an int p (p zeros on every side), a pair (rows, columns) or "
                "((top, bottom), (left, right))."
            )
        return padding.lower()
    expected = (
        f"padding must be a name ({', '.join(PADDING_NAMES)}), an int, a pair of ints "
        f"(rows, columns) or ((top, bottom), (left, right)) of non-negative ints; "
        f"received padding={padding!r}."
    )
    if is_int(padding):
        padding = ((padding, padding), (padding, padding))
    elif _is_pair(padding) and all(map(is_int, padding)):
        padding = tuple((side, side) for side in padding)
    if not (_is_pair(padding) and all(_is_pair(side) and all(map(is_int, side)) for side in padding)):
        raise TypeError(expected)
    (top, bottom), (left, right) = padding
    if min(top, bottom, left, right) < 0:
        raise ValueError(expected)
    return (int(top), int(bottom)), (int(left), int(right))


# --------------------------------------------------------------------------- sizes


def padding_widths(n, kernel_size, strides=1, padding="valid"):
    """Return ``(before, after)``: the zeros added on each side of one axis of length ``n``.

    ``"valid"`` adds none, ``"same"`` follows TensorFlow (see :func:`same_padding`),
    ``"full"`` adds ``k - 1`` on each side, and an int ``p`` adds ``p`` on each side.

    Example:
        >>> padding_widths(5, 3, padding="full")
        (2, 2)
        >>> padding_widths(13, 6, strides=5, padding="same")
        (1, 2)
    """
    n = positive_int(n, "n")
    k = positive_int(kernel_size, "kernel_size")
    s = positive_int(strides, "strides")
    if isinstance(padding, str):
        name = _check_padding_spec(padding)
        if name == "valid":
            return 0, 0
        if name == "same":
            return same_padding(n, k, s)
        return k - 1, k - 1
    expected = (
        "padding for one axis must be 'valid', 'same', 'full', an int or a pair (before, after) "
        f"of non-negative ints; received padding={padding!r}."
    )
    widths = (padding, padding) if is_int(padding) else padding
    if not (_is_pair(widths) and all(map(is_int, widths))):
        raise TypeError(expected)
    if min(widths) < 0:
        raise ValueError(expected)
    return int(widths[0]), int(widths[1])


def same_padding(n, kernel_size, strides=1):
    """Return ``(before, after)`` zeros that TensorFlow's ``"same"`` padding adds to one axis.

    The output has ``ceil(n / s)`` positions. The padding needed for that is
    ``max((ceil(n / s) - 1) * s + k - n, 0)``; when it is odd, the extra zero goes *after*
    (bottom or right), as in ``tf.nn.conv2d``.

    Example:
        >>> same_padding(5, 3)
        (1, 1)
        >>> same_padding(4, 2)  # odd total: the extra zero is at the bottom/right
        (0, 1)
        >>> same_padding(13, 6, strides=5)
        (1, 2)
    """
    n = positive_int(n, "n")
    k = positive_int(kernel_size, "kernel_size")
    s = positive_int(strides, "strides")
    total = max((math.ceil(n / s) - 1) * s + k - n, 0)
    return total // 2, total - total // 2


def output_size(n, kernel_size, strides=1, padding="valid"):
    """Return the number of positions along one axis: ``floor((n + p_before + p_after - k) / s) + 1``.

    With ``padding="same"`` this is ``ceil(n / s)`` (TensorFlow's rule).

    Example:
        >>> output_size(32, 5)  # 32x32 input, 5x5 filter
        28
        >>> [output_size(7, 3, strides=s) for s in (1, 2, 3)]  # stride 3 leaves a row unseen
        [5, 3, 2]
        >>> output_size(13, 6, strides=5, padding="same")
        3
        >>> output_size(32, 3, padding="full")
        34
    """
    before, after = padding_widths(n, kernel_size, strides, padding)
    padded = n + before + after
    if kernel_size > padded:
        raise ValueError(
            f"kernel_size={kernel_size} is larger than the padded input ({n} + {before} + {after} "
            f"= {padded}); use a smaller kernel or more padding (e.g. padding='same')."
        )
    return (padded - kernel_size) // strides + 1


def unused_input(n, kernel_size, strides=1, padding="valid"):
    """Return how many rows at the end of the padded input no window reaches: ``(n_padded - k) % s``.

    Zero means the stride fits. TensorFlow and Keras silently drop the unused rows.

    Example:
        >>> [unused_input(7, 3, strides=s) for s in (1, 2, 3)]
        [0, 0, 1]
    """
    before, after = padding_widths(n, kernel_size, strides, padding)
    output_size(n, kernel_size, strides, padding)  # validates that the kernel fits at all
    return (n + before + after - kernel_size) % strides


def check_fit(n, kernel_size, strides=1, padding="valid"):
    """Return the output size if the stride fits exactly; otherwise raise a ``ValueError`` that explains.

    Example:
        >>> check_fit(7, 3, strides=2)
        3
        >>> check_fit(7, 3, strides=3)
        Traceback (most recent call last):
        ...
        ValueError: stride 3 does not fit: with kernel size 3 on 7 input rows (padding 'valid', 7 rows after padding), (7 - 3) / 3 = 1.33 is not a whole number of steps, so the last 1 row(s) are never seen. Strides that fit: 1, 2 (4 also fits, but a stride larger than the kernel skips the rows between two windows). Or pad 2 more row(s), e.g. padding=(1, 1).
    """
    size = output_size(n, kernel_size, strides, padding)
    unused = unused_input(n, kernel_size, strides, padding)
    if unused == 0:
        return size
    before, after = padding_widths(n, kernel_size, strides, padding)
    padded = n + before + after
    span = padded - kernel_size
    fitting = (divisors(span) if span else [1]) or []  # divisors() is None for a size too large to factor
    within = ", ".join(str(s) for s in fitting if s <= kernel_size) or f"the divisors of {span}"
    beyond = [str(s) for s in fitting if s > kernel_size]
    beyond = (f" ({', '.join(beyond)} also fit{'s' if len(beyond) == 1 else ''}, but a stride larger than the kernel "
              "skips the rows between two windows)") if beyond else ""
    extra = strides - unused
    suggestion = (before + extra // 2, after + extra - extra // 2)
    pad_name = repr(padding) if isinstance(padding, str) else f"{before}+{after}"
    raise ValueError(
        f"stride {strides} does not fit: with kernel size {kernel_size} on {n} input rows "
        f"(padding {pad_name}, {padded} rows after padding), ({padded} - {kernel_size}) / {strides} "
        f"= {span / strides:.2f} is not a whole number of steps, so the last {unused} row(s) are "
        f"never seen. Strides that fit: {within}{beyond}. "
        f"Or pad {extra} more row(s), e.g. padding={suggestion}."
    )


# --------------------------------------------------------------------------- conv2d


class _Conv(NamedTuple):
    """A validated convolution: 4-D padded input and kernel, and how to restore the caller's ranks."""

    x_pad: np.ndarray  # (N, H + pads, W + pads, C)
    kernel: np.ndarray  # (kh, kw, c_in, c_out)
    bias: np.ndarray  # (c_out,)
    strides: tuple  # (sh, sw)
    out_shape: tuple  # (H', W')
    pads: tuple  # ((top, bottom), (left, right))
    squeeze_batch: bool  # x had no batch axis
    squeeze_channels: bool  # x and the kernel were 2-D

    def finish(self, y):
        """Drop the axes the caller did not give: batch, and channels for 2-D x and kernel."""
        if self.squeeze_batch:
            y = y[0]
        if self.squeeze_channels:
            y = y[..., 0]
        return y

    def unfinish(self, y):
        """The inverse of :meth:`finish`: an output-shaped array back to 4-D."""
        if self.squeeze_channels:
            y = y[..., None]
        if self.squeeze_batch:
            y = y[None]
        return y


def _prepare(x, kernel, bias, strides, padding, require_fit):
    """Validate the arguments of conv2d and return a :class:`_Conv` both implementations use."""
    x = numeric_array(x, "x")
    kernel = numeric_array(kernel, "kernel")
    if x.ndim not in (2, 3, 4):
        raise ValueError(
            f"x must be an image (H, W), (H, W, C) or a batch (N, H, W, C); received shape {x.shape}."
        )
    if kernel.ndim not in (2, 4):
        hint = " For one filter, add the last axis: kernel[..., None]." if kernel.ndim == 3 else ""
        raise ValueError(
            f"kernel must be (kh, kw) for one filter on one channel or (kh, kw, c_in, c_out); "
            f"received shape {kernel.shape}.{hint}"
        )
    squeeze_batch = x.ndim < 4
    squeeze_channels = x.ndim == 2 and kernel.ndim == 2
    if x.ndim == 2:
        x = x[:, :, None]
    if x.ndim == 3:
        x = x[None]
    if kernel.ndim == 2:
        kernel = kernel[:, :, None, None]
    _, h, w, c = x.shape
    kh, kw, c_in, c_out = kernel.shape
    if min(kernel.shape) == 0 or min(x.shape) == 0:
        raise ValueError(f"empty array: x has shape {x.shape}, kernel has shape {kernel.shape}.")
    if c != c_in:
        raise ValueError(
            f"channel mismatch: x has {c} channel(s) (shape {x.shape}, NHWC) but the kernel "
            f"expects c_in={c_in} (shape {kernel.shape}, (kh, kw, c_in, c_out)). A colour image "
            "needs a kernel with c_in=3; channels-first input must be transposed to channels-last."
        )
    sh, sw = positive_pair(strides, "strides")
    spec = _check_padding_spec(padding)
    pads = []
    for axis, size, k, s, side in (("rows", h, kh, sh, 0), ("columns", w, kw, sw, 1)):
        axis_padding = spec if isinstance(spec, str) else spec[side]
        before, after = padding_widths(size, k, s, axis_padding)
        if k > size + before + after:
            raise ValueError(
                f"the kernel has {k} {axis} but the padded input has only {size + before + after} "
                f"({size} + {before} + {after} zeros); use a smaller kernel or padding='same'/'full'."
            )
        if require_fit:
            check_fit(size, k, s, axis_padding)
        pads.append((before, after))
    dtype = np.result_type(x.dtype, kernel.dtype, np.float32)
    if bias is None:
        bias = np.zeros(c_out, dtype)
    else:
        bias = numeric_array(bias, "bias")
        if bias.shape not in ((), (c_out,)):
            raise ValueError(
                f"bias must be a scalar or have shape (c_out,) = ({c_out},); received shape {bias.shape}."
            )
        bias = np.broadcast_to(bias, (c_out,))
    x = x.astype(dtype, copy=False)
    kernel = kernel.astype(dtype, copy=False)
    bias = bias.astype(dtype, copy=False)
    x_pad = np.pad(x, ((0, 0), pads[0], pads[1], (0, 0)))
    out_h = (x_pad.shape[1] - kh) // sh + 1
    out_w = (x_pad.shape[2] - kw) // sw + 1
    return _Conv(
        x_pad, kernel, bias, (sh, sw), (out_h, out_w), tuple(pads), squeeze_batch, squeeze_channels
    )


def _windows(conv):
    """Return the view ``windows[n, i, j, a, b, c] = x_pad[n, i*sh + a, j*sw + b, c]`` (no copy)."""
    kh, kw = conv.kernel.shape[:2]
    (sh, sw), (out_h, out_w) = conv.strides, conv.out_shape
    windows = np.lib.stride_tricks.sliding_window_view(conv.x_pad, (kh, kw), axis=(1, 2))
    windows = windows[:, : (out_h - 1) * sh + 1 : sh, : (out_w - 1) * sw + 1 : sw]
    # Order each window as (a, b, c), the order of kernel.reshape(kh * kw * c_in, c_out),
    # so that the channels, contiguous in memory, are copied in runs.
    return windows.transpose(0, 1, 2, 4, 5, 3)


def conv2d(x, kernel, bias=None, strides=1, padding="valid", require_fit=False):
    """Return the 2-D cross-correlation of ``x`` with ``kernel``, as ``tf.nn.conv2d`` computes it.

    Args:
        x: ``(N, H, W, C)`` batch, ``(H, W, C)`` image, or ``(H, W)`` one-channel image.
        kernel: ``(kh, kw, c_in, c_out)``, or ``(kh, kw)`` for one filter on one channel.
        bias: ``None``, a scalar or ``(c_out,)``, added to every position.
        strides: an int or ``(sh, sw)``.
        padding: ``"valid"`` (none), ``"same"`` (TensorFlow's rule: output ``ceil(n / s)``, an
            odd extra zero at the bottom/right), ``"full"`` (``k - 1`` zeros each side), an int,
            a pair ``(rows, columns)`` or ``((top, bottom), (left, right))``.
        require_fit: raise a ``ValueError`` (see :func:`check_fit`) when a stride leaves input
            rows or columns unseen, instead of silently dropping them as TensorFlow does.

    Returns:
        ``(N, H', W', c_out)`` with ``H' = floor((H + p_top + p_bottom - kh) / sh) + 1`` (and
        likewise ``W'``); no batch axis if ``x`` had none; ``(H', W')`` for a 2-D ``x`` and a
        2-D kernel. Floating inputs keep their precision; integers compute in float.

    The computation is a matrix product: every window is copied into a row of a
    ``(H'*W', kh*kw*c_in)`` matrix (im2col) that multiplies the ``(kh*kw*c_in, c_out)`` kernel.
    The rows are built a block at a time, so the copy stays in the CPU cache while it is used.

    Example:
        >>> image = np.arange(16.0).reshape(4, 4)
        >>> conv2d(image, np.array([[1.0, -1.0]]))  # each pixel minus its right neighbour
        array([[-1., -1., -1.],
               [-1., -1., -1.],
               [-1., -1., -1.],
               [-1., -1., -1.]])
        >>> conv2d(np.ones((2, 7, 7, 3)), np.ones((3, 3, 3, 8)), strides=2, padding="same").shape
        (2, 4, 4, 8)
    """
    conv = _prepare(x, kernel, bias, strides, padding, require_fit)
    kh, kw, c_in, c_out = conv.kernel.shape
    out_h, out_w = conv.out_shape
    window_size = kh * kw * c_in
    windows = _windows(conv)
    weights = conv.kernel.reshape(window_size, c_out)
    y = np.empty((len(windows), out_h, out_w, c_out), dtype=conv.x_pad.dtype)
    rows = max(1, _BLOCK_ELEMENTS // (out_w * window_size))  # output rows per block
    block = np.empty((min(rows, out_h), out_w, kh, kw, c_in), dtype=y.dtype)
    for n in range(len(windows)):
        for top in range(0, out_h, rows):
            part = block[: min(rows, out_h - top)]
            part[...] = windows[n, top : top + len(part)]  # im2col for these rows
            np.matmul(
                part.reshape(-1, window_size),
                weights,
                out=y[n, top : top + len(part)].reshape(-1, c_out),
            )
    y += conv.bias
    return conv.finish(y)


def conv2d_loops(x, kernel, bias=None, strides=1, padding="valid", require_fit=False):
    """Return the same result as :func:`conv2d`, computed with plain loops (for reading, not speed).

    Every output value is a window of the padded input multiplied element by element with one
    filter and summed, plus that filter's bias.

    Example:
        >>> image = np.array([[0, 1, 1], [0, 1, 1], [0, 1, 1]], dtype=float)
        >>> conv2d_loops(image, np.array([[-1.0, 1.0]]))  # responds where dark turns bright
        array([[1., 0.],
               [1., 0.],
               [1., 0.]])
    """
    conv = _prepare(x, kernel, bias, strides, padding, require_fit)
    x_pad, kernel, bias = conv.x_pad, conv.kernel, conv.bias
    (sh, sw), (out_h, out_w) = conv.strides, conv.out_shape
    kh, kw, _, c_out = kernel.shape
    batch = x_pad.shape[0]
    y = np.zeros((batch, out_h, out_w, c_out), dtype=x_pad.dtype)
    for n in range(batch):
        for i in range(out_h):
            for j in range(out_w):
                top, left = i * sh, j * sw
                window = x_pad[n, top : top + kh, left : left + kw, :]  # (kh, kw, c_in)
                for f in range(c_out):
                    y[n, i, j, f] = np.sum(window * kernel[:, :, :, f]) + bias[f]
    return conv.finish(y)


def conv2d_backward(x, kernel, grad_output, strides=1, padding="valid"):
    """Return ``(grad_x, grad_kernel, grad_bias)``: how a loss changes with each input of :func:`conv2d`.

    ``grad_output`` is dLoss/dy for ``y = conv2d(x, kernel, bias, strides, padding)``, shaped
    like ``y``. Because every output is a sum of products (chain rule, one term per use):

    * ``grad_bias[f] = sum over n, i, j of grad_output[n, i, j, f]``
    * ``grad_kernel[a, b, c, f] = sum over n, i, j of x_pad[n, i*sh + a, j*sw + b, c] * grad_output[n, i, j, f]``
      (the windows of the input, weighted by the output gradient)
    * ``grad_x[n, i*sh + a, j*sw + b, c] += kernel[a, b, c, f] * grad_output[n, i, j, f]``, each output
      gradient spread back over the window it came from, then the padding cropped away.

    The results have the shapes of ``x``, ``kernel`` and ``(c_out,)``.

    Example:
        >>> x = np.arange(9.0).reshape(3, 3)
        >>> grad_x, grad_kernel, grad_bias = conv2d_backward(x, np.ones((2, 2)), np.ones((2, 2)))
        >>> grad_kernel  # each kernel weight met the four pixels of one 2x2 corner
        array([[ 8., 12.],
               [20., 24.]])
        >>> grad_x  # how many windows each pixel belongs to
        array([[1., 2., 1.],
               [2., 4., 2.],
               [1., 2., 1.]])
    """
    conv = _prepare(x, kernel, None, strides, padding, require_fit=False)
    kh, kw, c_in, c_out = conv.kernel.shape
    (sh, sw), (out_h, out_w) = conv.strides, conv.out_shape
    grad = numeric_array(grad_output, "grad_output")
    expected = conv.finish(np.empty((len(conv.x_pad), out_h, out_w, c_out))).shape
    if grad.shape != expected:
        raise ValueError(
            f"grad_output must have the shape of conv2d's output, {expected}; received {grad.shape}."
        )
    grad = conv.unfinish(grad.astype(conv.x_pad.dtype, copy=False)).reshape(-1, c_out)
    columns = _windows(conv).reshape(-1, kh * kw * c_in)  # im2col: (N*H'*W', kh*kw*c_in)
    grad_kernel = (columns.T @ grad).reshape(conv.kernel.shape)
    grad_columns = (grad @ conv.kernel.reshape(-1, c_out).T).reshape(-1, out_h, out_w, kh, kw, c_in)
    grad_x_pad = np.zeros_like(conv.x_pad)
    for a in range(kh):  # a loop over kernel positions, not pixels: kh * kw steps
        for b in range(kw):
            grad_x_pad[:, a : a + (out_h - 1) * sh + 1 : sh, b : b + (out_w - 1) * sw + 1 : sw] += (
                grad_columns[:, :, :, a, b]
            )
    (top, bottom), (left, right) = conv.pads
    height, width = grad_x_pad.shape[1:3]
    grad_x = grad_x_pad[:, top : height - bottom, left : width - right]
    if conv.squeeze_batch:
        grad_x = grad_x[0]
    grad_x = grad_x.reshape(np.shape(x))
    return grad_x, grad_kernel.reshape(np.shape(kernel)), grad.sum(axis=0)
