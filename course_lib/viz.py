"""Figures for the lessons, so notebooks show the idea rather than matplotlib boilerplate.

Every function draws and returns the matplotlib ``Figure`` (notebooks end the cell with
``plt.show()``), except :func:`show_values` and :func:`overlay_heatmap`, which draw into one axes
(``ax``, or a new figure's) and return that axes, so that other figures can place them in their
panels. Nothing here computes what the lesson is about. The sections follow the kind of figure:
images and arrays of numbers, convolution step by step, charts, training curves, what a network
learned, and architectures.
"""

import math
import textwrap

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np

from course_lib.validation import boolean, index_pair, is_int, number, numeric_array, positive_int, text, whole_number


# --------------------------------------------------------------------------- argument checks


def _sequence(values, name):
    """Return ``values`` as a list if it is a sequence (an array counts; a string or a dict does not)."""
    if values is None or isinstance(values, (str, bytes, Mapping)) or not hasattr(values, "__iter__"):
        raise TypeError(
            f"{name} must be a list (or an array) with one entry per panel; received "
            f"{name}={values!r:.80}. Wrap a single one in a list, e.g. [{name}]."
        )
    return list(values)


def _arrays(values, name, ndim=None):
    """Return ``values`` as a list of non-empty numeric arrays, each of rank ``ndim``."""
    return [numeric_array(v, f"{name}[{i}]", ndim=ndim) for i, v in enumerate(_sequence(values, name))]


def _optional_labels(values, name):
    """Return ``values`` (titles, labels) if it is ``None`` or a sequence that is not a string."""
    return None if values is None else _sequence(values, name)


def _size(value, name):
    """Return ``value`` if it is a finite number > 0 (inches, a width)."""
    number(value, name, above=0)
    return value


def _optional_count(value, name):
    """Return ``value`` if it is ``None`` or a positive int (a number of columns)."""
    return None if value is None else positive_int(value, name)


def _box(value, name):
    """Return ``value`` if it is ``None`` or ``(top, left, height, width)``: ints, sides >= 1 (a box
    may stick out of the image, so ``top`` and ``left`` may be negative)."""
    if value is None:
        return None
    expected = f"{name} must be None or (top, left, height, width), four ints; received {name}={value!r}."
    if not isinstance(value, (tuple, list)) or len(value) != 4 or not all(map(is_int, value)):
        raise TypeError(expected)
    if min(value[2:]) < 1:
        raise ValueError(expected + " Height and width are at least 1.")
    return tuple(int(v) for v in value)


def _curves(history, name):
    """Return the dict of curves of what ``model.fit`` returned (or of that dict)."""
    curves = getattr(history, "history", history)
    if not isinstance(curves, Mapping):
        raise TypeError(
            f"{name} must be what model.fit returned (or its .history dict); received "
            f"{name}={history!r:.80}."
        )
    return curves


def _model(model, name="model"):
    """Refuse anything that is not a Keras model (it has ``layers`` and ``inputs``)."""
    if not (hasattr(model, "layers") and hasattr(model, "get_layer")):
        raise TypeError(f"{name} must be a Keras model; received {name}={model!r:.80}.")
    return model


# --------------------------------------------------------------------------- images and arrays of numbers


def show_images(images, titles=None, cols=None, size=2.5, cmap="gray", vmin=None, vmax=None):
    """Draw images side by side (a grid when there are more than ``cols``); return the figure.

    ``images`` is a sequence of ``(H, W)`` or ``(H, W, 3)`` arrays. Grey images are drawn with
    ``cmap``; ``vmin``/``vmax`` default to each image's own range, which makes a feature map's
    negative and positive responses visible.
    """
    images = _arrays(images, "images", ndim=(2, 3))
    titles, cols, size = _optional_labels(titles, "titles"), _optional_count(cols, "cols"), _size(size, "size")
    if not images:
        raise ValueError("show_images needs at least one image.")
    if titles is not None and len(titles) != len(images):
        raise ValueError(f"{len(titles)} titles for {len(images)} images.")
    cols = min(cols or len(images), len(images))
    rows = math.ceil(len(images) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(size * cols, size * rows), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for index, (ax, image) in enumerate(zip(axes.flat, images)):
        image = np.asarray(image)
        if image.ndim == 3 and image.shape[-1] == 1:
            image = image[..., 0]
        ax.imshow(image, cmap=cmap if image.ndim == 2 else None, vmin=vmin, vmax=vmax)
        if titles is not None:
            ax.set_title(titles[index])
    fig.tight_layout()
    return fig


def show_values(
    array, ax=None, title=None, fmt="{:g}", cmap="gray", highlight=None, vmin=None, vmax=None
):
    """Draw a small 2-D array as a grid of shaded cells with each value written in it.

    ``highlight = (top, left, height, width)`` outlines a window (e.g. where a filter sits).
    Returns the axes.
    """
    array = numeric_array(array, "array")
    fmt, highlight = text(fmt, "fmt"), _box(highlight, "highlight")
    if array.ndim != 2:
        raise ValueError(f"show_values draws a 2-D array; received shape {array.shape}.")
    if ax is None:
        _, ax = plt.subplots(figsize=(0.45 * array.shape[1] + 0.6, 0.45 * array.shape[0] + 0.6))
    ax.imshow(array, cmap=cmap, vmin=vmin, vmax=vmax)
    low, high = (array.min(), array.max()) if vmin is None else (vmin, vmax)
    middle = (float(low) + float(high)) / 2
    for (i, j), value in np.ndenumerate(array):
        colour = "black" if value > middle else "white"
        ax.text(j, i, fmt.format(value), ha="center", va="center", color=colour, fontsize=9)
    ax.set_xticks(np.arange(-0.5, array.shape[1]), minor=True)
    ax.set_yticks(np.arange(-0.5, array.shape[0]), minor=True)
    ax.grid(which="minor", color="tab:gray", linewidth=0.5)
    ax.tick_params(which="both", length=0, labelbottom=False, labelleft=False)
    if highlight is not None:
        top, left, height, width = highlight
        ax.add_patch(
            plt.Rectangle(
                (left - 0.5, top - 0.5), width, height, fill=False, edgecolor="tab:red", linewidth=3
            )
        )
    if title:
        ax.set_title(title)
    return ax


def show_value_grids(
    arrays, titles=None, cols=None, fmt="{:g}", vmin=None, vmax=None, size=0.4, cmap="gray", windows=None
):
    """Draw several small 2-D arrays as grids with their values written in; return the figure.

    Each array gets its own panel (a row of ``cols`` panels, then the next row), drawn by
    :func:`show_values` on one shared colour scale (``vmin``/``vmax``, by default the range of all
    arrays together), so equal values look equal in every panel. ``size`` is inches per cell.
    ``windows`` gives, per array, ``None`` or ``(top, left, height, width)`` to outline in red
    (e.g. the pixels one output unit sees); a colour ``cmap`` such as ``"viridis"`` turns the
    grids into heat maps.
    """
    arrays = _arrays(arrays, "arrays", ndim=2)
    titles, cols, size = _optional_labels(titles, "titles"), _optional_count(cols, "cols"), _size(size, "size")
    fmt = text(fmt, "fmt")
    if not arrays:
        raise ValueError("show_value_grids needs at least one array.")
    if titles is not None and len(titles) != len(arrays):
        raise ValueError(f"{len(titles)} titles for {len(arrays)} arrays.")
    windows = [None] * len(arrays) if windows is None else _sequence(windows, "windows")
    if len(windows) != len(arrays):
        raise ValueError(f"{len(windows)} windows for {len(arrays)} arrays.")
    cols = min(cols or len(arrays), len(arrays))
    rows = math.ceil(len(arrays) / cols)
    low = min(float(a.min()) for a in arrays) if vmin is None else vmin
    high = max(float(a.max()) for a in arrays) if vmax is None else vmax
    cell = max(max(a.shape) for a in arrays)
    # On one row, panels are as wide as their arrays, so a cell has the same size everywhere.
    ratios = [a.shape[1] for a in arrays] if rows == 1 else [1] * cols
    width = size * sum(ratios) + 0.6 * cols if rows == 1 else cols * (size * cell + 0.6)
    fig, axes = plt.subplots(
        rows, cols, figsize=(width, rows * (size * cell + 0.8)), squeeze=False,
        gridspec_kw={"width_ratios": ratios},
    )
    for ax in axes.flat:
        ax.axis("off")
    for index, (ax, array) in enumerate(zip(axes.flat, arrays)):
        ax.axis("on")
        title = titles[index] if titles else None
        show_values(array, ax, title, fmt=fmt, cmap=cmap, highlight=windows[index], vmin=low, vmax=high)
    fig.tight_layout()
    return fig


def show_patch(image, top, left, size=8, fmt="{:g}", vmin=None, vmax=None):
    """Draw a grey image with a square outlined, and that patch enlarged with its values written in.

    ``image`` is ``(H, W)``; the patch is ``image[top:top + size, left:left + size]``. ``vmin`` /
    ``vmax`` fix the grey scale of both panels (e.g. 0 and 255 for uint8). Returns the figure.

    Example:
        >>> fig = show_patch(np.arange(100).reshape(10, 10), top=2, left=3, size=4)
        >>> [ax.get_title() for ax in fig.axes]
        ['10 x 10 image', 'rows 2-5, columns 3-6']
        >>> plt.close(fig)
    """
    image = numeric_array(image, "image")
    top, left, size = whole_number(top, "top"), whole_number(left, "left"), positive_int(size, "size")
    fmt = text(fmt, "fmt")
    if image.ndim != 2:
        raise ValueError(f"show_patch draws a grey (H, W) image; received shape {image.shape}.")
    patch = image[top : top + size, left : left + size]
    if patch.shape != (size, size):
        raise ValueError(
            f"a {size}x{size} patch at (top={top}, left={left}) does not fit in an image of "
            f"shape {image.shape}."
        )
    fig, axes = plt.subplots(1, 2, figsize=(9, 4.4), gridspec_kw={"width_ratios": [1, 1.1]})
    axes[0].imshow(image, cmap="gray", vmin=vmin, vmax=vmax)
    axes[0].add_patch(
        plt.Rectangle(
            (left - 0.5, top - 0.5), size, size, fill=False, edgecolor="tab:red", linewidth=2
        )
    )
    axes[0].set_title(f"{image.shape[0]} x {image.shape[1]} image")
    axes[0].axis("off")
    title = f"rows {top}-{top + size - 1}, columns {left}-{left + size - 1}"
    show_values(patch, axes[1], title, fmt=fmt, vmin=vmin, vmax=vmax)
    fig.tight_layout()
    return fig


def show_image_rows(rows, row_titles, col_titles=None, size=1.4):
    """Draw rows of images as a grid, one title at the left of each row; return the figure.

    ``rows`` is a sequence of rows, each a sequence of ``(H, W)`` or ``(H, W, 3)`` images in
    [0, 1] (all rows equally long), e.g. a batch of photos and, below it, the same batch after
    each augmentation layer. ``col_titles`` (optional) label the columns on the first row.
    """
    rows = [_arrays(row, f"rows[{r}]", ndim=(2, 3)) for r, row in enumerate(_sequence(rows, "rows"))]
    row_titles, col_titles = _sequence(row_titles, "row_titles"), _optional_labels(col_titles, "col_titles")
    size = _size(size, "size")
    if len(row_titles) != len(rows):
        raise ValueError(f"{len(row_titles)} row titles for {len(rows)} rows.")
    cols = len(rows[0]) if rows else 0
    if cols == 0 or any(len(row) != cols for row in rows):
        raise ValueError(
            f"every row needs the same, non-zero number of images; got {[len(r) for r in rows]}."
        )
    if col_titles is not None and len(col_titles) != cols:
        raise ValueError(f"{len(col_titles)} column titles for {cols} columns.")
    fig, axes = plt.subplots(len(rows), cols, figsize=(size * cols + 1.4, size * len(rows)),
                             squeeze=False)
    for r, (row, title) in enumerate(zip(rows, row_titles)):
        for c, image in enumerate(row):
            ax = axes[r, c]
            image = np.clip(np.asarray(image), 0, 1)
            ax.imshow(image[..., 0] if image.ndim == 3 and image.shape[-1] == 1 else image,
                      cmap="gray", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            if c == 0:
                ax.set_ylabel(title, rotation=0, ha="right", va="center", fontsize=9)
            if r == 0 and col_titles is not None:
                ax.set_title(col_titles[c], fontsize=9)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- convolution step by step


def _around_a_kernel(arrays, names, titles, position, window_on_first, inches, margins, height_of):
    """Draw three 2-D arrays side by side, a kernel in the middle, with the output cell ``position``
    outlined in one outer array and the kernel's window there in the other; return the figure.

    ``inches`` per cell and ``margins`` (width, height) size the figure; its height follows
    array ``height_of``.
    """
    first, kernel, last = arrays = [numeric_array(a, n, ndim=2) for a, n in zip(arrays, names)]
    i, j = index_pair(position, "position")
    window, cell = (i, j, *kernel.shape), (i, j, 1, 1)
    widths = [first.shape[1], kernel.shape[1], last.shape[1]]
    fig, axes = plt.subplots(
        1,
        3,
        figsize=(inches * sum(widths) + margins[0], inches * arrays[height_of].shape[0] + margins[1]),
        gridspec_kw={"width_ratios": widths},
    )
    highlights = (window, None, cell) if window_on_first else (cell, None, window)
    for ax, array, title, highlight in zip(axes, arrays, titles, highlights):
        show_values(array, ax, title, highlight=highlight)
    fig.tight_layout()
    return fig


def show_sliding_window(image, kernel, output, position):
    """Draw input, kernel and output side by side, with the window that makes one output value.

    ``position = (i, j)`` is the output cell; the input window under the kernel (stride 1, no
    padding) and that output cell are outlined. Returns the figure.
    """
    return _around_a_kernel(
        (image, kernel, output), ("image", "kernel", "output"), ("input", "filter", "feature map"),
        position, window_on_first=True, inches=0.45, margins=(2.5, 1), height_of=0,
    )


def show_channel_sum(image, kernel, channel_maps, total, names=("red", "green", "blue")):
    """Draw how one filter sees a colour image: per channel, the slice, the 2-D map, then their sum.

    ``image`` is ``(H, W, C)``, ``kernel`` one filter ``(kh, kw, C)``, ``channel_maps`` the C
    2-D feature maps (channel ``c`` cross-correlated with ``kernel[:, :, c]``) and ``total`` their
    sum. Row ``c`` shows channel ``c`` (in its own colour), its kernel slice with the values written
    in, and its map; the last column shows the colour image and the sum. All maps share one grey
    scale centred on 0 (mid-grey), so a map of zeros looks flat and negative maps look dark.
    Returns the figure.
    """
    from matplotlib.colors import LinearSegmentedColormap

    image, kernel = numeric_array(image, "image", ndim=3), numeric_array(kernel, "kernel", ndim=3)
    total, names = numeric_array(total, "total", ndim=2), _sequence(names, "names")
    channel_maps = _arrays(channel_maps, "channel_maps", ndim=2)
    channels = image.shape[-1]
    if kernel.shape[-1] != channels or len(channel_maps) != channels or len(names) < channels:
        raise ValueError(
            f"the image has {channels} channels, the kernel {kernel.shape[-1]} slices, and "
            f"{len(channel_maps)} channel maps were given; they must all agree."
        )
    limit = max(float(np.abs(m).max()) for m in [*channel_maps, total]) or 1.0
    k_limit = float(np.abs(kernel).max()) or 1.0
    colours = {"red": "red", "green": "green", "blue": "blue"}
    fig, axes = plt.subplots(channels, 4, figsize=(10.5, 2.6 * channels), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for c in range(channels):
        colour = colours.get(names[c], "white")
        cmap = LinearSegmentedColormap.from_list(names[c], ["black", colour])
        axes[c, 0].imshow(image[..., c], cmap=cmap, vmin=0, vmax=1)
        axes[c, 0].set_title(f"{names[c]} channel")
        axes[c, 1].axis("on")
        title = f"{names[c]} slice of the filter"
        show_values(kernel[..., c], axes[c, 1], title, fmt="{:+.2f}", vmin=-k_limit, vmax=k_limit)
        axes[c, 2].imshow(channel_maps[c], cmap="gray", vmin=-limit, vmax=limit)
        axes[c, 2].set_title(f"map of the {names[c]} channel")
    axes[0, 3].imshow(np.clip(image, 0, 1))
    axes[0, 3].set_title("colour input")
    middle = channels // 2
    axes[middle, 3].imshow(total, cmap="gray", vmin=-limit, vmax=limit)
    axes[middle, 3].set_title(f"sum of the {channels} maps")
    fig.tight_layout()
    return fig


def show_gradient_spread(grad_output, kernel, grad_x, position):
    """Draw how one output gradient flows back: dL/dy, the kernel, and the input gradient dL/dx.

    ``position = (i, j)`` is the output cell whose gradient is followed; it is outlined in
    ``grad_output``, and the window it came from (stride 1, no padding) is outlined in ``grad_x``.
    Returns the figure.
    """
    return _around_a_kernel(
        (grad_output, kernel, grad_x), ("grad_output", "kernel", "grad_x"),
        ("output gradient dL/dy", "kernel", "input gradient dL/dx"),
        position, window_on_first=False, inches=0.5, margins=(3, 1.2), height_of=2,
    )


def show_filter_learning(losses, kernels, titles, fmt="{:.2f}"):
    """Draw a loss curve (log scale) next to small kernels written out as numbers; return the figure.

    ``losses`` is the loss at each step of gradient descent; ``kernels`` are 2-D arrays (e.g. the
    random start, the learned kernel and the target) drawn with :func:`show_values` under ``titles``.
    Values are rounded to what ``fmt`` shows, so ``-0.0001`` reads as ``0.00``, not ``-0.00``.
    """
    losses = numeric_array(losses, "losses", ndim=1)
    kernels = [k.astype(float) for k in _arrays(kernels, "kernels", ndim=2)]
    titles, fmt = _sequence(titles, "titles"), text(fmt, "fmt")
    if len(titles) != len(kernels):
        raise ValueError(f"{len(titles)} titles for {len(kernels)} kernels.")
    fig, axes = plt.subplots(
        1,
        1 + len(kernels),
        figsize=(4.2 + 2.1 * len(kernels), 2.8),
        gridspec_kw={"width_ratios": [2] + [1] * len(kernels)},
    )
    axes[0].semilogy(np.arange(len(losses)), losses)
    axes[0].set_xlabel("step")
    axes[0].set_ylabel("loss (log scale)")
    axes[0].set_title("loss during descent")
    axes[0].grid(True, which="major", alpha=0.3)
    decimals = len(fmt.format(0.0).split(".")[-1]) if "." in fmt.format(0.0) else 0
    low = min(k.min() for k in kernels)
    high = max(k.max() for k in kernels)
    for ax, kernel, title in zip(axes[1:], kernels, titles):
        show_values(np.round(kernel, decimals) + 0.0, ax, title, fmt=fmt, vmin=low, vmax=high)
    fig.tight_layout()
    return fig


def _stack(layers, name="layers"):
    """Return ``layers`` as a list of ``(kernel_size, strides)`` pairs of positive ints."""
    expected = (
        f"{name} must be a list of (kernel_size, strides) pairs of ints, first layer first, "
        f"e.g. [(3, 1), (2, 2)]; received {name}={layers!r:.80}."
    )
    if not isinstance(layers, (list, tuple)) or not layers:
        raise TypeError(expected) if not isinstance(layers, (list, tuple)) else ValueError(expected)
    if not all(isinstance(layer, (list, tuple)) and len(layer) == 2 and all(map(is_int, layer)) for layer in layers):
        raise TypeError(expected)
    if min(min(layer) for layer in layers) < 1:
        raise ValueError(expected + " Kernel sizes and strides are at least 1.")
    return [(int(k), int(s)) for k, s in layers]


def show_receptive_field(layers, names, inputs=16, cols=2):
    """Draw, for each layer of a stack, one unit and the input pixels it sees; return the figure.

    A row of ``inputs`` pixels (one axis of the image) lies at the bottom of every panel, and
    above it the units of each layer (no padding), each drawn over the middle of what it reads.
    Panel ``l`` follows one unit of layer ``l`` down its connections (unit ``i`` of a layer
    with kernel ``k`` and stride ``s`` reads units ``i*s`` to ``i*s + k - 1`` of the layer
    below), colours every unit and pixel it reaches, and counts those pixels in its title.
    The figure only follows the connections; the recurrence is the lesson's.

    Args:
        layers: ``(kernel_size, strides)`` pairs of ints, first layer first.
        names: one label per layer, e.g. ``"conv 3x3"``.
        inputs: how many input pixels the row holds; every layer must keep at least one unit.
        cols: panels per row of the figure.
    """
    layers = _stack(layers)
    names = [text(n, f"names[{i}]") for i, n in enumerate(_sequence(names, "names"))]
    inputs, cols = positive_int(inputs, "inputs"), positive_int(cols, "cols")
    if len(names) != len(layers):
        raise ValueError(f"{len(names)} names for {len(layers)} layers: give one name per layer.")
    centres = [np.arange(inputs, dtype=float)]  # each row's unit positions, in input pixels
    for number_, (k, s) in enumerate(layers, start=1):
        units = (len(centres[-1]) - k) // s + 1
        if units < 1:
            raise ValueError(
                f"{inputs} input pixels leave no unit at layer {number_} ({names[number_ - 1]}); "
                "give more inputs."
            )
        centres.append(np.array([centres[-1][i * s : i * s + k].mean() for i in range(units)]))
    rows_of_panels = -(-len(layers) // cols)
    fig, axes = plt.subplots(
        rows_of_panels, cols, figsize=(4.8 * cols, (0.6 + 0.4 * (len(layers) + 1)) * rows_of_panels),
        squeeze=False,
    )
    for top, ax in enumerate(axes.ravel(), start=1):
        if top > len(layers):
            ax.set_axis_off()
            continue
        reached = {top: {(len(centres[top]) - 1) // 2}}  # the unit in the middle of the top row
        for row in range(top, 0, -1):
            k, s = layers[row - 1]
            reached[row - 1] = {i * s + t for i in reached[row] for t in range(k)}
        for row in range(1, top + 1):  # the connections of every unit reached
            k, s = layers[row - 1]
            for i in reached[row]:
                for t in range(k):
                    ax.plot([centres[row][i], centres[row - 1][i * s + t]], [row, row - 1],
                            color="tab:blue", lw=0.8, alpha=0.4, zorder=1)
        for row in range(top + 1):
            on = np.array([i in reached[row] for i in range(len(centres[row]))])
            colour = "tab:orange" if row == 0 else ("tab:red" if row == top else "tab:blue")
            marker, size = ("s", 90) if row == 0 else ("o", 45)
            ax.scatter(centres[row], np.full(len(on), row), s=size, marker=marker, zorder=2,
                       c=[colour if o else "0.85" for o in on])
        ax.set_xlim(-1, inputs)
        ax.set_ylim(-0.6, len(layers) + 0.4)
        ax.set_yticks(range(top + 1), ["input"] + names[:top])
        ax.set_xticks([])
        for side in ("top", "right", "bottom"):
            ax.spines[side].set_visible(False)
        ax.set_title(f"layer {top}, {names[top - 1]}: one unit sees {len(reached[0])} pixels", fontsize=10)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- charts of numbers


def show_bar_groups(values, groups, bars, ylabel, title=None, fmt="{:.2f}"):
    """Draw a grouped bar chart: ``values[g][b]`` is bar ``b`` of group ``g``; return the figure.

    ``groups`` names the groups along the x axis, ``bars`` names the bars of each group (the
    legend). Every bar carries its value, written with ``fmt``.
    """
    values = numeric_array(values, "values", ndim=2, finite=True).astype(float)
    groups, bars, fmt = _sequence(groups, "groups"), _sequence(bars, "bars"), text(fmt, "fmt")
    if values.shape != (len(groups), len(bars)):
        raise ValueError(
            f"values has shape {values.shape}; expected (len(groups), len(bars)) = "
            f"({len(groups)}, {len(bars)})."
        )
    width = 0.8 / len(bars)
    fig, ax = plt.subplots(figsize=(1.2 + 1.1 * values.size, 3.6))
    for b, name in enumerate(bars):
        positions = np.arange(len(groups)) + (b - (len(bars) - 1) / 2) * width
        rects = ax.bar(positions, values[:, b], width, label=name)
        ax.bar_label(rects, labels=[fmt.format(v) for v in values[:, b]], fontsize=8)
    ax.set_xticks(np.arange(len(groups)), groups)
    ax.set_ylabel(ylabel)
    ax.set_ylim(0, max(values.max(), 1e-9) * 1.3)  # room for the legend above the bars
    ax.legend(frameon=False, loc="upper center", ncols=len(bars))
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def show_bar_panels(labels, panels, series=None, fmt="{:.3g}", title=None):
    """Draw one horizontal bar chart per panel, side by side, with the same row labels; return the figure.

    ``labels`` names the rows, top to bottom (e.g. layers). ``panels`` maps a panel title (e.g.
    "parameters (millions)") to its values: one per row, or, with ``series`` (names for the
    legend), one row of ``len(series)`` values per label, drawn as grouped bars. Each bar carries
    its value written with ``fmt``.
    """
    labels, series, fmt = _sequence(labels, "labels"), _optional_labels(series, "series"), text(fmt, "fmt")
    if not isinstance(panels, Mapping) or not panels:
        raise TypeError(f"panels must be a non-empty dict {{title: values}}; received panels={panels!r:.80}.")
    count = 1 if series is None else len(series)
    arrays = {}
    for name, values in panels.items():
        values = numeric_array(values, f"panels[{name!r}]", finite=True).astype(float)
        if values.size != len(labels) * count or values.ndim > 2:
            raise ValueError(
                f"panel {name!r} needs {len(labels)} x {count} values (labels x series); "
                f"received shape {values.shape}."
            )
        arrays[name] = values.reshape(len(labels), count)
    height = 0.8 + len(labels) * (0.26 + 0.16 * (count - 1))
    fig, axes = plt.subplots(1, len(arrays), figsize=(4.6 * len(arrays) + 1, height), sharey=True,
                             squeeze=False)
    bar = 0.8 / count
    positions = np.arange(len(labels))
    for ax, (name, values) in zip(axes[0], arrays.items()):
        for s in range(count):
            offset = (s - (count - 1) / 2) * bar
            rects = ax.barh(positions + offset, values[:, s], bar, color=f"C{s}",
                            label=None if series is None else series[s])
            ax.bar_label(rects, labels=[fmt.format(v) for v in values[:, s]], fontsize=7, padding=2)
        ax.set_title(name, fontsize=10)
        ax.set_xlim(0, max(values.max(), 1e-9) * 1.25)
        ax.grid(True, axis="x", alpha=0.3)
    axes[0, 0].set_yticks(positions, labels)
    axes[0, 0].invert_yaxis()
    if series is not None:
        axes[0, -1].legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def show_memory_vs_batch(batch_sizes, curves, constants=None, title=None):
    """Draw memory against batch size on log-log axes: growing curves and flat lines; return the figure.

    ``curves`` maps a label to one byte count per batch size (e.g. the activations a training step
    keeps), drawn as lines with markers; ``constants`` maps a label to one byte count that does not
    depend on the batch (e.g. the weights), drawn as a dashed horizontal line. The y axis shows MB
    (10**6 bytes); every batch size is a tick on the x axis.
    """
    batch_sizes = [positive_int(b, "batch_sizes[]") for b in _sequence(batch_sizes, "batch_sizes")]
    for name, mapping in (("curves", curves), ("constants", constants or {})):
        if not isinstance(mapping, Mapping):
            raise TypeError(f"{name} must be a dict {{label: bytes}}; received {name}={mapping!r:.80}.")
        for label, values in mapping.items():
            numeric_array(values, f"{name}[{label!r}]", finite=True)
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    for label, values in curves.items():
        values = np.asarray(values, dtype=float)
        if values.shape != (len(batch_sizes),):
            raise ValueError(
                f"curve {label!r} has {values.size} values for {len(batch_sizes)} batch sizes."
            )
        ax.plot(batch_sizes, values / 1e6, marker="o", label=label)
    for index, (label, value) in enumerate((constants or {}).items()):
        ax.axhline(value / 1e6, linestyle="--", color=f"C{len(curves) + index}", label=label)
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xticks(batch_sizes, [str(b) for b in batch_sizes])
    ax.minorticks_off()
    ax.set_xlabel("batch size (images)")
    ax.set_ylabel("memory (MB, log scale)")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(frameon=False)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def show_accuracy_vs_operations(names, macs, accuracy, params, title=None, source=None):
    """Draw a bubble chart: accuracy against multiply-accumulates, bubble area ~ parameters.

    ``macs`` (per image) and ``params`` are counts, ``accuracy`` fractions in [0, 1]; one labelled
    bubble per name, and a legend giving the area of 10 and 100 million parameters. The x axis
    shows GMACs (10**9). ``source`` is written under the chart (where the accuracies come from).
    Returns the figure.
    """
    names = _sequence(names, "names")
    macs, accuracy, params = (numeric_array(v, n, ndim=1, finite=True).astype(float) for v, n in
                              ((macs, "macs"), (accuracy, "accuracy"), (params, "params")))
    if not len(names) == len(macs) == len(accuracy) == len(params):
        raise ValueError(
            f"one value per model: {len(names)} names, {len(macs)} MACs, {len(accuracy)} "
            f"accuracies, {len(params)} parameter counts."
        )
    area_per_million = 15.0  # points**2 per million parameters
    fig, ax = plt.subplots(figsize=(7.5, 4.6))
    areas = area_per_million * params / 1e6
    for i in range(len(names)):
        color = f"C{i}" if len(names) <= 10 else plt.get_cmap("tab20")(i % 20)  # ten colours repeat after ten
        ax.scatter(macs[i] / 1e9, 100 * accuracy[i], s=areas[i], color=color, alpha=0.55, edgecolors="0.2")
    for millions in (10, 100):
        ax.scatter([], [], s=area_per_million * millions, color="0.8", edgecolors="0.2",
                   label=f"{millions} M parameters")
    ax.legend(loc="lower center", ncol=2, frameon=False, borderpad=1.4, handletextpad=1.8, columnspacing=3)
    ax.set_xlabel("operations per image (GMACs)")
    ax.set_ylabel("ImageNet top-1 accuracy (%)")
    ax.set_xlim(-0.06 * macs.max() / 1e9, 1.15 * macs.max() / 1e9)
    low, high = 100 * accuracy.min(), 100 * accuracy.max()
    ax.set_ylim(low - 4, high + 2.5)
    ax.grid(True, alpha=0.3)
    if title:
        ax.set_title(title)
    lines = textwrap.wrap(text(source, "source"), 120) if source else []
    if lines:
        fig.text(0.01, 0.01, "\n".join(lines), fontsize=7.5, color="0.35", ha="left", va="bottom")
    fig.tight_layout(rect=(0, 0.035 * len(lines), 1, 1))
    _label_bubbles(fig, ax, names, macs / 1e9, 100 * accuracy, areas)
    return fig


# Where a bubble's label may go, in the order tried: above, right, below, left, then the four
# diagonals; each as (direction, horizontal and vertical alignment of the text).
_LABEL_SIDES = (((0, 1), "center", "bottom"), ((1, 0), "left", "center"), ((0, -1), "center", "top"),
                ((-1, 0), "right", "center"), ((0.7, 0.7), "left", "bottom"), ((0.7, -0.7), "left", "top"),
                ((-0.7, -0.7), "right", "top"), ((-0.7, 0.7), "right", "bottom"))


def _label_bubbles(fig, ax, names, xs, ys, areas):
    """Write each bubble's name beside it where it covers no other label, no bubble and not the
    legend, and stays inside the axes: the first such place, nearest first (a label set farther
    off gets a thin line to its bubble); where none is free, the place that covers least."""
    px_per_point = fig.dpi / 72
    centres = ax.transData.transform(np.column_stack([xs, ys]))
    radii = np.sqrt(areas) / 2 * px_per_point  # a scatter's size is its area in points**2
    frame = ax.get_window_extent()
    legend = ax.get_legend().get_window_extent()
    placed = []

    def covered(box, own):
        cost = sum(_box_overlap(box, other) for other in placed) + _box_overlap(box, legend)
        for j, ((cx, cy), r) in enumerate(zip(centres, radii)):
            if j != own:  # how far the box reaches into bubble j
                nx, ny = min(max(cx, box.x0), box.x1), min(max(cy, box.y0), box.y1)
                cost += max(0.0, r - math.hypot(cx - nx, cy - ny)) * box.height
        inside = _box_overlap(box, frame)
        return cost + (box.width * box.height - inside) * 2

    for i, name in enumerate(names):
        radius = math.sqrt(areas[i]) / 2
        best = None
        for extra in (3, 14, 28):  # points beyond the bubble's edge
            for (dx, dy), ha, va in _LABEL_SIDES:
                offset = (dx * (radius + extra), dy * (radius + extra))
                label = ax.annotate(name, (xs[i], ys[i]), xytext=offset, textcoords="offset points",
                                    ha=ha, va=va, fontsize=9)
                box = label.get_window_extent()
                label.remove()
                cost = covered(box, i)
                if best is None or cost < best[0]:
                    best = (cost, offset, ha, va, extra, box)
                if cost == 0:
                    break
            if best[0] == 0:
                break
        _, offset, ha, va, extra, box = best
        lead = dict(arrowstyle="-", color="0.45", lw=0.6, shrinkA=0, shrinkB=radius) if extra > 3 else None
        ax.annotate(name, (xs[i], ys[i]), xytext=offset, textcoords="offset points", ha=ha, va=va,
                    fontsize=9, arrowprops=lead)
        placed.append(box)


def _box_overlap(a, b):
    """The area two display boxes share."""
    return max(0.0, min(a.x1, b.x1) - max(a.x0, b.x0)) * max(0.0, min(a.y1, b.y1) - max(a.y0, b.y0))


def show_scale(values, labels, xlabel, details=None, minor=(), title=None):
    """Draw named points on one horizontal scale (logarithmic, base 2); return the figure.

    ``values`` are the points' positions (numbers > 0) and ``labels`` their names, written
    above them; ``details`` (optional) holds one more text per point, written under the scale
    (e.g. a kernel's shape). ``minor`` holds other positions on the same scale, drawn as small
    grey dots: the settings between the named ones. Every position is a tick. Notebook 16 puts a
    regular convolution, an Inception module and a depthwise separable convolution on the scale
    of how many channels each spatial filter sees.

    Example:
        >>> fig = show_scale([1, 16, 48], ["depthwise", "3 segments", "regular"], "channels", minor=[2, 4])
        >>> [t.get_text() for t in fig.axes[0].get_xticklabels()]
        ['1', '2', '4', '16', '48']
        >>> plt.close(fig)
    """
    values = numeric_array(values, "values", ndim=1, finite=True).astype(float)
    labels, details = _sequence(labels, "labels"), _optional_labels(details, "details")
    xlabel = text(xlabel, "xlabel")
    minor = np.asarray([], dtype=float) if minor is None or not len(minor) else numeric_array(
        minor, "minor", ndim=1, finite=True).astype(float)
    if len(labels) != len(values) or (details is not None and len(details) != len(values)):
        raise ValueError(
            f"one label (and detail) per value: {len(values)} values, {len(labels)} labels"
            + ("" if details is None else f", {len(details)} details") + "."
        )
    every = np.concatenate([values, minor])
    if np.any(every <= 0):
        raise ValueError(f"a logarithmic scale needs positions > 0; received {every[every <= 0][0]:g}.")
    lines = 0 if details is None else max(str(d).count("\n") + 1 for d in details)
    fig, ax = plt.subplots(figsize=(7.5, 2.0 + 0.2 * lines + (0.3 if title else 0)))
    ax.set_xscale("log", base=2)
    ax.set_xlim(every.min() / 1.8, every.max() * 1.8)
    ax.set_ylim(-1, 0.6)  # the labels above the scale take less room than the details under it
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_position(("data", 0))
    ax.set_yticks([])
    ticks = sorted(set(every.tolist()))
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.minorticks_off()
    ax.set_xlabel(xlabel)
    ax.xaxis.set_label_coords(0.5, 0.0)  # under everything, not under the ticks at the middle
    if minor.size:
        ax.scatter(minor, np.zeros_like(minor), s=22, color="0.6", zorder=3, clip_on=False)
    for i, (value, label) in enumerate(zip(values, labels)):
        ax.scatter([value], [0], s=110, color=f"C{i}", edgecolors="0.2", zorder=4, clip_on=False)
        ax.annotate(label, (value, 0), xytext=(0, 12), textcoords="offset points", ha="center",
                    va="bottom", fontsize=9.5, weight="bold", color=f"C{i}")
        if details is not None:
            ax.annotate(details[i], (value, 0), xytext=(0, -24), textcoords="offset points",
                        ha="center", va="top", fontsize=8.5)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- training curves


def plot_history(history, best_epoch=None, log_loss=False):
    """Draw learning curves: loss and accuracy per epoch, training vs validation; return the figure.

    ``history`` is what ``model.fit`` returns (or its ``.history`` dict) with keys ``loss`` and
    ``accuracy``, and ``val_loss`` / ``val_accuracy`` when there was validation data. Epochs are
    numbered from 1. ``best_epoch`` (counted from 1), e.g. the one ``EarlyStopping`` restored,
    is marked with a dashed line. ``log_loss=True`` draws the loss on a logarithmic axis, where
    the small losses late in training (notebook 08's over-fitting run) can be told apart.
    """
    from matplotlib.ticker import MaxNLocator

    curves = _curves(history, "history")
    if best_epoch is not None:
        positive_int(best_epoch, "best_epoch")
    log_loss = boolean(log_loss, "log_loss")
    missing = [key for key in ("loss", "accuracy") if key not in curves]
    if missing:
        raise ValueError(
            f"history has no {' or '.join(map(repr, missing))}; compile the model with "
            "metrics=['accuracy'] and pass what fit returned."
        )
    epochs = np.arange(1, len(curves["loss"]) + 1)
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.2))
    for ax, key in zip(axes, ("loss", "accuracy")):
        ax.plot(epochs, curves[key], "o-", label="training", markersize=3)
        if f"val_{key}" in curves:
            ax.plot(epochs, curves[f"val_{key}"], "o-", label="validation", markersize=3)
        if best_epoch is not None:
            ax.axvline(best_epoch, color="0.5", linestyle="--", label=f"best epoch ({best_epoch})")
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(key if key == "accuracy" or not log_loss else "loss (logarithmic axis)")
        if key == "loss" and log_loss:
            ax.set_yscale("log")
        ax.grid(True, alpha=0.3)
        ax.legend(frameon=False)
    fig.tight_layout()
    return fig


def compare_histories(histories, labels):
    """Draw the learning curves of several runs side by side: loss and accuracy; return the figure.

    ``histories`` are what ``model.fit`` returned (or their ``.history`` dicts), one per run, with
    ``loss`` and ``accuracy`` and, when there was held-out data, ``val_loss`` and ``val_accuracy``.
    Each run gets one colour: solid lines for the training data, dashed for the held-out data.
    """
    from matplotlib.ticker import MaxNLocator

    histories = [_curves(h, f"histories[{i}]") for i, h in enumerate(_sequence(histories, "histories"))]
    labels = _sequence(labels, "labels")
    if len(histories) != len(labels):
        raise ValueError(f"{len(labels)} labels for {len(histories)} histories.")
    fig, axes = plt.subplots(1, 2, figsize=(9.5, 3.4))
    for index, (history, label) in enumerate(zip(histories, labels)):
        curves = getattr(history, "history", history)
        for ax, key in zip(axes, ("loss", "accuracy")):
            if key not in curves:
                raise ValueError(
                    f"history of {label!r} has no {key!r}; compile with metrics=['accuracy']."
                )
            epochs = np.arange(1, len(curves[key]) + 1)
            ax.plot(epochs, curves[key], "o-", color=f"C{index}", markersize=3,
                    label=f"{label}, training")
            if f"val_{key}" in curves:
                ax.plot(epochs, curves[f"val_{key}"], "o--", color=f"C{index}", markersize=3,
                        label=f"{label}, held out")
    for ax, key in zip(axes, ("loss", "accuracy")):
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(key)
        ax.grid(True, alpha=0.3)
    axes[1].legend(frameon=False, fontsize=8)
    fig.tight_layout()
    return fig


def show_spread(x, runs, xlabel, ylabel, title=None, log_x=False):
    """Draw each experiment's mean over its runs as a line, with the runs' range as a band.

    ``x`` holds the points every run was measured at (epochs, examples per class, ...), length
    ``n``; ``runs`` maps a label to an array of shape ``(runs, n)``, one row per run (per seed).
    The band spans the lowest to the highest run at each point, so two bands that overlap say the
    runs cannot tell the two apart. ``log_x`` puts ``x`` on a log scale (for 1, 2, 5, 10, ...).

    Example:
        >>> fig = show_spread([1, 2, 3], {"a": [[0.5, 0.3, 0.2], [0.6, 0.4, 0.2]]}, "epoch", "training error")
        >>> [line.get_label() for line in fig.axes[0].get_lines()]
        ['a (2 runs)']
    """
    x = numeric_array(x, "x", ndim=1, finite=True).astype(float)
    if not isinstance(runs, Mapping) or not runs:
        raise TypeError(f"runs must be a non-empty dict of label -> (runs, points) array; received {runs!r:.80}.")
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    for index, (label, values) in enumerate(runs.items()):
        values = numeric_array(values, f"runs[{label!r}]", ndim=2, finite=True).astype(float)
        if values.shape[1] != len(x):
            raise ValueError(
                f"runs[{label!r}] has {values.shape[1]} points per run, x has {len(x)}: one value per point of x."
            )
        ax.plot(x, values.mean(axis=0), "o-", color=f"C{index}", markersize=3, label=f"{label} ({len(values)} runs)")
        ax.fill_between(x, values.min(axis=0), values.max(axis=0), color=f"C{index}", alpha=0.2, linewidth=0)
    if boolean(log_x, "log_x"):
        ax.set_xscale("log")
        ax.set_xticks(x, [f"{v:g}" for v in x])
        ax.minorticks_off()
    ax.set_xlabel(text(xlabel, "xlabel"))
    ax.set_ylabel(text(ylabel, "ylabel"))
    ax.grid(True, alpha=0.3)
    ax.legend(frameon=False, fontsize=8)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- what a network learned: filters, feature maps, heat maps


def show_filters(kernel, title=None, cols=8, size=0.8, limit=None):
    """Draw every filter of a first-layer kernel as a small grey image; return the figure.

    ``kernel`` is ``(kh, kw, filters)`` or ``(kh, kw, 1, filters)`` (one input channel, as a
    ``Conv2D`` on grey images stores it). All filters share one grey scale centred on 0:
    mid-grey is a weight of 0, white the most positive and black the most negative weight
    (``limit`` fixes the scale to ``[-limit, limit]``; by default the largest absolute weight).
    """
    kernel = numeric_array(kernel, "kernel", finite=True).astype(float)
    cols, size = positive_int(cols, "cols"), _size(size, "size")
    limit = None if limit is None else _size(limit, "limit")
    if kernel.ndim == 4 and kernel.shape[2] == 1:
        kernel = kernel[:, :, 0, :]
    if kernel.ndim != 3:
        raise ValueError(
            "show_filters draws a (kh, kw, filters) or (kh, kw, 1, filters) kernel; "
            f"received shape {kernel.shape}."
        )
    count = kernel.shape[-1]
    if limit is None:
        limit = float(np.abs(kernel).max()) or 1.0
    cols = min(cols, count)
    rows = math.ceil(count / cols)
    figsize = (size * cols, (size + 0.25) * rows + 0.4)  # room for the titles above each row
    fig, axes = plt.subplots(rows, cols, figsize=figsize, squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for f, ax in zip(range(count), axes.flat):
        ax.imshow(kernel[:, :, f], cmap="gray", vmin=-limit, vmax=limit)
        ax.set_title(str(f), fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def show_feature_maps(maps, title=None, count=16, cols=8, size=0.9):
    """Draw the first ``count`` channels of one layer's maps ``(H, W, C)``; return the figure.

    All maps share one grey scale, from the layer's smallest to its largest value, so a weak
    channel looks dark next to a strong one (after ReLU, black is 0).
    """
    maps = numeric_array(maps, "maps", finite=True).astype(float)
    count, cols, size = positive_int(count, "count"), positive_int(cols, "cols"), _size(size, "size")
    if maps.ndim != 3:
        raise ValueError(
            f"show_feature_maps draws (H, W, C) maps of one image; received shape {maps.shape}."
        )
    count = min(count, maps.shape[-1])
    cols = min(cols, count)
    rows = math.ceil(count / cols)
    low, high = float(maps[..., :count].min()), float(maps[..., :count].max())
    figsize = (size * cols, (size + 0.25) * rows + 0.4)  # room for the titles above each row
    fig, axes = plt.subplots(rows, cols, figsize=figsize, squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for c, ax in zip(range(count), axes.flat):
        ax.imshow(maps[:, :, c], cmap="gray", vmin=low, vmax=high if high > low else low + 1)
        ax.set_title(str(c), fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def show_images_with_boxes(images, boxes, titles=None, cols=None, size=1.6):
    """Draw grey images with a square outlined on each (e.g. a receptive field); return the figure.

    ``images`` are ``(H, W)`` or ``(H, W, 1)`` arrays in [0, 1]; ``boxes[i]`` is ``None`` or
    ``(top, left, height, width)`` in pixels, drawn in red.
    """
    images = _arrays(images, "images", ndim=(2, 3))
    boxes = [_box(box, f"boxes[{i}]") for i, box in enumerate(_sequence(boxes, "boxes"))]
    if len(boxes) != len(images):
        raise ValueError(f"{len(boxes)} boxes for {len(images)} images.")
    fig = show_images(images, titles, cols=cols, size=size, vmin=0, vmax=1)
    for ax, box in zip(fig.axes, boxes):
        if box is not None:
            top, left, height, width = box
            ax.add_patch(
                plt.Rectangle((left - 0.5, top - 0.5), width, height, fill=False,
                              edgecolor="tab:red", linewidth=2)
            )
    return fig


def overlay_heatmap(
    image, heatmap, ax=None, alpha=0.45, cmap="jet", title=None, vmin=None, vmax=None, outline=True
):
    """Draw a grey image with a heat map of the same height and width on top of it; return the axes.

    The heat map is drawn with transparency ``alpha`` on the scale ``vmin``/``vmax`` (by default its
    own range, so its maximum is the hottest colour); give several maps one ``vmin``/``vmax`` to
    compare them. ``outline`` draws the contour halfway between the darkest and brightest pixel
    (a digit's strokes), so the strokes stay visible under the colours.
    """
    image = numeric_array(image, "image", ndim=(2, 3)).astype(float)
    heatmap = numeric_array(heatmap, "heatmap", ndim=2).astype(float)
    alpha, outline = number(alpha, "alpha", minimum=0, maximum=1), boolean(outline, "outline")
    if image.ndim == 3 and image.shape[-1] == 1:
        image = image[..., 0]
    if image.ndim != 2 or image.shape != heatmap.shape:
        raise ValueError(
            f"the heat map has shape {heatmap.shape} but the image is {image.shape}; give a grey "
            "(H, W) image and upsample the map to its size first."
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(2.5, 2.5))
    ax.imshow(image, cmap="gray", vmin=0, vmax=1)
    ax.imshow(heatmap, cmap=cmap, alpha=alpha, vmin=vmin, vmax=vmax, interpolation="bilinear")
    if outline and image.max() > image.min():
        ax.contour(image, levels=[(image.min() + image.max()) / 2], colors="white", linewidths=1)
    ax.axis("off")
    if title:
        ax.set_title(title)
    return ax


def show_heatmaps(images, heatmaps, titles=None, cols=None, size=1.9, vmin=None, vmax=None):
    """Draw each grey image with its heat map overlaid (:func:`overlay_heatmap`); return the figure.

    By default each heat map uses its own range; pass ``vmin``/``vmax`` for one shared scale.
    """
    images, heatmaps = _arrays(images, "images", ndim=(2, 3)), _arrays(heatmaps, "heatmaps", ndim=2)
    titles, cols, size = _optional_labels(titles, "titles"), _optional_count(cols, "cols"), _size(size, "size")
    if len(heatmaps) != len(images):
        raise ValueError(f"{len(heatmaps)} heat maps for {len(images)} images.")
    if titles is not None and len(titles) != len(images):
        raise ValueError(f"{len(titles)} titles for {len(images)} images.")
    cols = min(cols or len(images), len(images))
    rows = math.ceil(len(images) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(size * cols, (size + 0.25) * rows), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for index, (ax, image, heatmap) in enumerate(zip(axes.flat, images, heatmaps)):
        title = titles[index] if titles else None
        overlay_heatmap(image, heatmap, ax, title=title, vmin=vmin, vmax=vmax)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- architectures: layers, branches and blocks


# Box colours of draw_model, by layer family (the class name's ending); other layers are grey.
_LAYER_COLOURS = {
    "InputLayer": "#eeeeee",
    "Conv2D": "#9ecae1",
    "Pooling2D": "#fdd0a2",
    "Flatten": "#dadaeb",
    "Dense": "#a1d99b",
    "Dropout": "#f2f2f2",
}


def draw_model(model, show_params=True, width=4.6):
    """Draw a Keras model as a column of boxes, one per layer, top to bottom; return the figure.

    Each box gives the layer's name, its type and its output shape without the batch axis (and
    its parameter count when ``show_params``); arrows follow ``model.layers`` in order, which is
    the data's path for a ``Sequential`` model or any other chain. A box on top shows the input.
    The model must be built (give it a ``keras.Input``), so every layer has an output shape.
    A light stand-in for ``keras.utils.plot_model``, which needs pydot and Graphviz.
    """
    _model(model)
    show_params, width = boolean(show_params, "show_params"), _size(width, "width")
    try:
        rows = [("input", "InputLayer", tuple(model.inputs[0].shape[1:]), None)]
        rows += [
            (layer.name, type(layer).__name__, tuple(layer.output.shape[1:]), layer.count_params())
            for layer in model.layers
            if type(layer).__name__ != "InputLayer"
        ]
    except (AttributeError, ValueError, IndexError, TypeError):
        raise ValueError(
            "draw_model needs a built model: start it with keras.Input(shape=...) so that every "
            "layer knows its output shape."
        ) from None
    fig, ax = plt.subplots(figsize=(width, 0.72 * len(rows) + 0.2))
    ax.set_xlim(0, 1)
    ax.set_ylim(len(rows) - 0.35, -0.65)
    ax.axis("off")
    for row, (name, kind, shape, params) in enumerate(rows):
        colour = next((c for k, c in _LAYER_COLOURS.items() if kind.endswith(k)), "#e5e5e5")
        ax.add_patch(plt.Rectangle((0.04, row - 0.3), 0.92, 0.6, facecolor=colour, edgecolor="0.3"))
        shape_text = "x".join("?" if s is None else str(s) for s in shape)
        detail = f"{kind}   output {shape_text}"
        if show_params and params is not None:
            detail += f"   {params:,} params"
        ax.text(0.5, row - 0.09, name, ha="center", va="center", fontsize=10, weight="bold")
        ax.text(0.5, row + 0.15, detail, ha="center", va="center", fontsize=8.5)
        if row:
            ax.annotate(
                "",
                (0.5, row - 0.3),
                (0.5, row - 0.7),
                arrowprops={"arrowstyle": "->", "color": "0.3"},
            )
    fig.tight_layout()
    return fig


def _layer_description(layer):
    """Return one line saying what a layer does, e.g. ``Conv2D 3x3, 128 filters``."""
    kind = type(layer).__name__
    if hasattr(layer, "kernel_size") and hasattr(layer, "filters"):
        size = "x".join(map(str, layer.kernel_size))
        strides = "" if tuple(layer.strides) == (1, 1) else f", stride {layer.strides[0]}"
        return f"{kind} {size}, {layer.filters} filters{strides}"
    if hasattr(layer, "pool_size"):
        size = "x".join(map(str, layer.pool_size))
        return f"{kind} {size}, stride {layer.strides[0]}"
    if hasattr(layer, "units"):
        return f"{kind}, {layer.units} units"
    return kind


def draw_branches(model, branches, source=None, merge=None, title=None, show_params=True):
    """Draw parallel branches of a Keras model side by side, between the layer that feeds them and
    the layer that merges them; return the figure.

    ``branches`` lists, for each branch from left to right, the names of its layers from top to
    bottom. ``source`` names the layer whose output all branches read (``None``: the model's
    input); ``merge`` names the layer that joins them (e.g. a ``Concatenate``), or ``None``.
    Each box gives the layer's name, what it does (kernel size, filters, stride) and its output
    shape without the batch axis (and its parameters when ``show_params``). A block diagram for
    models that :func:`draw_model`, which draws chains, cannot show: an inception module, a
    residual unit.
    """
    _model(model)
    branches = [_sequence(branch, f"branches[{i}]") for i, branch in enumerate(_sequence(branches, "branches"))]
    show_params = boolean(show_params, "show_params")
    try:
        def box(name):
            if name is None:
                shape = tuple(model.inputs[0].shape[1:])
                return "input", "InputLayer", "the model's input", shape, None
            layer = model.get_layer(name)
            params = layer.count_params() if layer.weights else None
            kind = type(layer).__name__
            return name, kind, _layer_description(layer), tuple(layer.output.shape[1:]), params

        top = box(source)
        columns = [[box(name) for name in branch] for branch in branches]
        bottom = box(merge) if merge is not None else None
    except (AttributeError, ValueError, IndexError, TypeError) as error:
        raise ValueError(
            f"draw_branches needs a built model and names of its layers ({error})."
        ) from None
    if not columns or not all(columns):
        raise ValueError("branches must be a non-empty list of non-empty lists of layer names.")
    depth = max(len(column) for column in columns)
    width = len(columns)
    rows = depth + 1 + (bottom is not None)
    fig, ax = plt.subplots(figsize=(max(3.3 * width, 4.5), 1.05 * rows + (0.5 if title else 0.2)))
    ax.set_xlim(0, width)
    ax.set_ylim(rows - 0.45, -0.55)
    ax.axis("off")

    def draw(x, y, half_width, content):
        name, kind, detail, shape, params = content
        colour = next((c for k, c in _LAYER_COLOURS.items() if kind.endswith(k)), "#e5e5e5")
        ax.add_patch(plt.Rectangle((x - half_width, y - 0.34), 2 * half_width, 0.68,
                                   facecolor=colour, edgecolor="0.3"))
        shape_text = "x".join("?" if s is None else str(s) for s in shape)
        line = f"output {shape_text}" + (f", {params:,} params" if show_params and params else "")
        ax.text(x, y - 0.17, name, ha="center", va="center", fontsize=9, weight="bold")
        ax.text(x, y + 0.03, detail, ha="center", va="center", fontsize=8)
        ax.text(x, y + 0.2, line, ha="center", va="center", fontsize=8)

    def arrow(start, end):
        ax.annotate("", end, start, arrowprops={"arrowstyle": "->", "color": "0.3"})

    centre = width / 2
    draw(centre, 0, min(1.6, width / 2 - 0.05), top)
    for i, column in enumerate(columns):
        x = i + 0.5
        arrow((centre, 0.34), (x, 0.66))
        for j, content in enumerate(column, start=1):
            draw(x, j, 0.46, content)
            if j > 1:
                arrow((x, j - 0.66), (x, j - 0.34))
        if bottom is not None:
            if len(column) < depth:  # a short branch runs straight down past the longer ones
                ax.plot([x, x], [len(column) + 0.34, depth + 0.34], color="0.3", linewidth=1)
            arrow((x, depth + 0.34), (centre + (x - centre) * 0.5, depth + 0.66))
    if bottom is not None:
        draw(centre, depth + 1, min(1.6, width / 2 - 0.05), bottom)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def draw_block_diagram(boxes, skips=(), title=None, width=5.6):
    """Draw a block diagram: boxes in a column joined by arrows, with skip connections beside them.

    ``boxes`` is a list of ``(label, detail)`` or ``(label, detail, colour)``: the label in bold,
    the detail (e.g. an output shape) below it; boxes are joined top to bottom by arrows.
    ``skips`` holds ``(start, end, label)``: an arrow from box ``start`` to box ``end`` drawn on the
    right of the column (a residual shortcut), with ``label`` written beside it; skips that share a
    box are drawn side by side. Returns the figure.
    """
    boxes = _sequence(boxes, "boxes")
    if not all(isinstance(box, (tuple, list)) and len(box) in (2, 3) for box in boxes):
        raise TypeError(f"boxes must hold (label, detail) or (label, detail, colour); received boxes={boxes!r:.80}.")
    boxes = [tuple(box) + ("#e5e5e5",) * (3 - len(box)) for box in boxes]
    width = _size(width, "width")
    for skip in _sequence(skips, "skips"):
        if not isinstance(skip, (tuple, list)) or len(skip) != 3:
            raise TypeError(f"each skip must be (start, end, label); received {skip!r}.")
        whole_number(skip[0], "skip start"), whole_number(skip[1], "skip end")
    if not boxes:
        raise ValueError("draw_block_diagram needs at least one box.")
    for start, end, _ in skips:
        if not 0 <= start < end < len(boxes):
            raise ValueError(
                f"skip ({start}, {end}) must go down the column: 0 <= start < end < {len(boxes)}."
            )
    fig, ax = plt.subplots(figsize=(width, 0.62 * len(boxes) + (0.5 if title else 0.2)))
    ax.set_xlim(0, 1.45)
    ax.set_ylim(len(boxes) - 0.4, -0.6)
    ax.axis("off")
    for row, (label, detail, colour) in enumerate(boxes):
        ax.add_patch(plt.Rectangle((0.03, row - 0.3), 0.94, 0.6, facecolor=colour, edgecolor="0.3"))
        if detail:
            ax.text(0.5, row - 0.1, label, ha="center", va="center", fontsize=9.5, weight="bold")
            ax.text(0.5, row + 0.15, detail, ha="center", va="center", fontsize=8.5)
        else:
            ax.text(0.5, row, label, ha="center", va="center", fontsize=9.5, weight="bold")
        if row:
            ax.annotate("", (0.5, row - 0.3), (0.5, row - 0.7),
                        arrowprops={"arrowstyle": "->", "color": "0.3"})
    levels = []  # a skip that shares a box with an earlier one is drawn further right
    for start, end, label in skips:
        taken = {lv for (s, e), lv in levels if s <= end and start <= e}
        level = min(set(range(len(levels) + 1)) - taken)
        levels.append(((start, end), level))
        x = 1.04 + 0.07 * level
        top, bottom = start + 0.12, end - 0.12  # leave low on a box, arrive high: no overlap
        ax.plot([0.97, x, x], [top, top, bottom], color="C3", linewidth=1.4)
        ax.annotate("", (0.97, bottom), (x, bottom),
                    arrowprops={"arrowstyle": "->", "color": "C3", "lw": 1.4})
        ax.text(x + 0.03, (start + end) / 2, label, ha="left", va="center", fontsize=8.5, color="C3")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def show_connection_table(matrix, rows="input map", columns="output map", title=None):
    """Draw a 0/1 connection table as a grid of crosses, like Table I of the LeNet-5 paper.

    ``matrix[j, i] = 1`` means output map ``i`` reads input map ``j``. Rows and columns are
    numbered from 0; the number of inputs of each output map is written under its column.
    Returns the figure.
    """
    matrix = numeric_array(matrix, "matrix")
    if matrix.ndim != 2 or not np.isin(matrix, (0, 1)).all():
        raise ValueError(f"show_connection_table draws a 2-D array of 0 and 1; received shape {matrix.shape}.")
    n_rows, n_cols = matrix.shape
    fig, ax = plt.subplots(figsize=(0.42 * n_cols + 1.4, 0.42 * n_rows + 1.5))
    ax.imshow(matrix, cmap="Greys", vmin=0, vmax=2.5)
    for j, i in zip(*np.nonzero(matrix)):
        ax.text(i, j, "X", ha="center", va="center", fontsize=10, weight="bold")
    for i, count in enumerate(matrix.sum(axis=0)):
        ax.text(i, n_rows - 0.1, str(count), ha="center", va="top", fontsize=8, color="tab:blue")
    ax.set_xticks(np.arange(n_cols))
    ax.set_yticks(np.arange(n_rows))
    ax.set_xticks(np.arange(-0.5, n_cols), minor=True)
    ax.set_yticks(np.arange(-0.5, n_rows), minor=True)
    ax.grid(which="minor", color="0.6", linewidth=0.5)
    ax.tick_params(which="both", length=0, labeltop=True, labelbottom=False)
    ax.set_xlabel(f"{columns} (in blue: how many {rows}s it reads)")
    ax.set_ylabel(rows)
    ax.set_ylim(n_rows + 0.2, -0.5)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig
