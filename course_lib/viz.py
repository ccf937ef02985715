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
