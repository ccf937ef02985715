"""Figures for the lessons, so notebooks show the idea rather than matplotlib boilerplate.

Every function draws and returns the matplotlib ``Figure`` (notebooks end the cell with
``plt.show()``); nothing here computes what the lesson is about.
"""

import math

import matplotlib.pyplot as plt
import numpy as np


def show_images(images, titles=None, cols=None, size=2.5, cmap="gray", vmin=None, vmax=None):
    """Draw images side by side (a grid when there are more than ``cols``); return the figure.

    ``images`` is a sequence of ``(H, W)`` or ``(H, W, 3)`` arrays. Grey images are drawn with
    ``cmap``; ``vmin``/``vmax`` default to each image's own range, which makes a feature map's
    negative and positive responses visible.
    """
    images = list(images)
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
    array = np.asarray(array)
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


def show_sliding_window(image, kernel, output, position):
    """Draw input, kernel and output side by side, with the window that makes one output value.

    ``position = (i, j)`` is the output cell; the input window under the kernel (stride 1, no
    padding) and that output cell are outlined. Returns the figure.
    """
    image, kernel, output = (np.asarray(a) for a in (image, kernel, output))
    i, j = position
    kh, kw = kernel.shape
    widths = [image.shape[1], kernel.shape[1], output.shape[1]]
    fig, axes = plt.subplots(
        1,
        3,
        figsize=(0.45 * sum(widths) + 2.5, 0.45 * image.shape[0] + 1),
        gridspec_kw={"width_ratios": widths},
    )
    show_values(image, axes[0], "input", highlight=(i, j, kh, kw))
    show_values(kernel, axes[1], "filter")
    show_values(output, axes[2], "feature map", highlight=(i, j, 1, 1))
    fig.tight_layout()
    return fig


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

    image, kernel, total = np.asarray(image), np.asarray(kernel), np.asarray(total)
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
    grad_output, kernel, grad_x = (np.asarray(a) for a in (grad_output, kernel, grad_x))
    i, j = position
    kh, kw = kernel.shape
    widths = [grad_output.shape[1], kernel.shape[1], grad_x.shape[1]]
    fig, axes = plt.subplots(
        1,
        3,
        figsize=(0.5 * sum(widths) + 3, 0.5 * grad_x.shape[0] + 1.2),
        gridspec_kw={"width_ratios": widths},
    )
    show_values(grad_output, axes[0], "output gradient dL/dy", highlight=(i, j, 1, 1))
    show_values(kernel, axes[1], "kernel")
    show_values(grad_x, axes[2], "input gradient dL/dx", highlight=(i, j, kh, kw))
    fig.tight_layout()
    return fig


def show_filter_learning(losses, kernels, titles, fmt="{:.2f}"):
    """Draw a loss curve (log scale) next to small kernels written out as numbers; return the figure.

    ``losses`` is the loss at each step of gradient descent; ``kernels`` are 2-D arrays (e.g. the
    random start, the learned kernel and the target) drawn with :func:`show_values` under ``titles``.
    Values are rounded to what ``fmt`` shows, so ``-0.0001`` reads as ``0.00``, not ``-0.00``.
    """
    kernels = [np.asarray(k, dtype=float) for k in kernels]
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


def show_value_grids(arrays, titles=None, cols=None, fmt="{:g}", vmin=None, vmax=None, size=0.4):
    """Draw several small 2-D arrays as grids with their values written in; return the figure.

    Each array gets its own panel (a row of ``cols`` panels, then the next row), drawn by
    :func:`show_values` on one shared grey scale (``vmin``/``vmax``, by default the range of all
    arrays together), so equal values look equal in every panel. ``size`` is inches per cell.
    """
    arrays = [np.asarray(a) for a in arrays]
    if not arrays:
        raise ValueError("show_value_grids needs at least one array.")
    if titles is not None and len(titles) != len(arrays):
        raise ValueError(f"{len(titles)} titles for {len(arrays)} arrays.")
    cols = min(cols or len(arrays), len(arrays))
    rows = math.ceil(len(arrays) / cols)
    low = min(float(a.min()) for a in arrays) if vmin is None else vmin
    high = max(float(a.max()) for a in arrays) if vmax is None else vmax
    cell = max(max(a.shape) for a in arrays)
    fig, axes = plt.subplots(
        rows, cols, figsize=(cols * (size * cell + 0.6), rows * (size * cell + 0.8)), squeeze=False
    )
    for ax in axes.flat:
        ax.axis("off")
    for index, (ax, array) in enumerate(zip(axes.flat, arrays)):
        ax.axis("on")
        show_values(array, ax, titles[index] if titles else None, fmt=fmt, vmin=low, vmax=high)
    fig.tight_layout()
    return fig


def show_bar_groups(values, groups, bars, ylabel, title=None, fmt="{:.2f}"):
    """Draw a grouped bar chart: ``values[g][b]`` is bar ``b`` of group ``g``; return the figure.

    ``groups`` names the groups along the x axis, ``bars`` names the bars of each group (the
    legend). Every bar carries its value, written with ``fmt``.
    """
    values = np.asarray(values, dtype=float)
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
    ax.set_ylim(0, max(values.max(), 1e-9) * 1.2)
    ax.legend(frameon=False)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def show_patch(image, top, left, size=8, fmt="{:g}", vmin=None, vmax=None):
    """Draw a grey image with a square outlined, and that patch enlarged with its values written in.

    ``image`` is ``(H, W)``; the patch is ``image[top:top + size, left:left + size]``. ``vmin`` /
    ``vmax`` fix the grey scale of both panels (e.g. 0 and 255 for uint8). Returns the figure.
    """
    image = np.asarray(image)
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
    show_values(patch, axes[1], f"rows {top}-{top + size - 1}, columns {left}-{left + size - 1}",
                fmt=fmt, vmin=vmin, vmax=vmax)
    fig.tight_layout()
    return fig


def show_grouped_bars(values, groups, series, ylabel="", title=None, fmt="{:.2f}", ylim=None):
    """Draw a grouped bar chart with each bar's value written above it; return the figure.

    ``values[i][j]`` is the bar of ``series[j]`` in ``groups[i]``; e.g. groups = models,
    series = ("original pixels", "shuffled pixels").
    """
    values = np.asarray(values, dtype=float)
    if values.shape != (len(groups), len(series)):
        raise ValueError(
            f"values has shape {values.shape}; expected (len(groups), len(series)) = "
            f"({len(groups)}, {len(series)})."
        )
    fig, ax = plt.subplots(figsize=(1.6 * len(groups) * len(series) + 1.5, 3.6))
    width = 0.8 / len(series)
    positions = np.arange(len(groups))
    for j, name in enumerate(series):
        bars = ax.bar(positions + (j - (len(series) - 1) / 2) * width, values[:, j], width, label=name)
        for bar, value in zip(bars, values[:, j]):
            ax.annotate(fmt.format(value), (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                        ha="center", va="bottom", xytext=(0, 2), textcoords="offset points")
    ax.set_xticks(positions, groups)
    ax.set_ylabel(ylabel)
    if ylim is not None:
        ax.set_ylim(*ylim)
    if title:
        ax.set_title(title)
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fig


def show_window_grids(arrays, titles, windows=None, fmt="{:g}", cmap="viridis", vmin=None, vmax=None):
    """Draw small 2-D arrays side by side, values written in, a window outlined in each; return the figure.

    Like :func:`show_value_grids`, but in colour (a heat map: how many windows cover each pixel
    reads at a glance) and with ``windows``: per array ``None`` or ``(top, left, height, width)``,
    outlined in red (which pixels one output unit sees, and that unit). All arrays share one
    colour scale (``vmin``/``vmax`` default to the range of all of them).
    """
    arrays = [np.asarray(a) for a in arrays]
    if len(titles) != len(arrays):
        raise ValueError(f"{len(titles)} titles for {len(arrays)} arrays.")
    windows = [None] * len(arrays) if windows is None else list(windows)
    if len(windows) != len(arrays):
        raise ValueError(f"{len(windows)} windows for {len(arrays)} arrays.")
    low = min(float(a.min()) for a in arrays) if vmin is None else vmin
    high = max(float(a.max()) for a in arrays) if vmax is None else vmax
    widths = [a.shape[1] for a in arrays]
    height = max(a.shape[0] for a in arrays)
    fig, axes = plt.subplots(
        1,
        len(arrays),
        figsize=(0.42 * sum(widths) + 1.0 * len(arrays), 0.42 * height + 1.4),
        gridspec_kw={"width_ratios": widths},
        squeeze=False,
    )
    for ax, array, title, window in zip(axes[0], arrays, titles, windows):
        show_values(array, ax, title, fmt=fmt, cmap=cmap, highlight=window, vmin=low, vmax=high)
    fig.tight_layout()
    return fig


def show_memory_vs_batch(batch_sizes, curves, constants=None, title=None):
    """Draw memory against batch size on log-log axes: growing curves and flat lines; return the figure.

    ``curves`` maps a label to one byte count per batch size (e.g. the activations a training step
    keeps), drawn as lines with markers; ``constants`` maps a label to one byte count that does not
    depend on the batch (e.g. the weights), drawn as a dashed horizontal line. The y axis shows MB
    (10**6 bytes); every batch size is a tick on the x axis.
    """
    batch_sizes = [int(b) for b in batch_sizes]
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
