"""Interactive explorers for convolution geometry (notebook 04) and pooling (notebook 05).

Each explorer is split in two so that it can be tested without a browser:

* plain functions compute the text (:func:`describe_conv`, :func:`describe_pool`) and draw the
  figure (:func:`draw_conv_geometry`, :func:`draw_pool`) for one setting;
* the widget (:func:`conv_explorer`, :func:`pool_explorer`) only wires sliders to them. The
  figure is shown as a PNG in an ``ipywidgets.Image``, which updates with or without a front end.

The returned widget box carries ``.controls`` (name -> slider/dropdown), ``.text`` (an HTML
widget) and ``.image`` so tests and notebooks can drive it: ``explorer.controls["strides"].value = 3``.
"""

import html
import io

import matplotlib.pyplot as plt
import numpy as np

from course_lib.conv import check_fit, output_size, padding_widths, unused_input
from course_lib.pooling import pool2d
from course_lib.validation import index_pair, numeric_array, one_of, positive_int, whole_number
from course_lib.viz import show_values

_INPUT, _PAD, _WINDOW, _UNUSED, _OUTPUT = "#dbe9f6", "#eeeeee", "tab:red", "tab:orange", "#fde0dd"


# --------------------------------------------------------------------------- convolution geometry


def describe_conv(n, kernel_size, strides=1, padding="valid"):
    """Return a few lines that explain the output size of a square ``n x n`` input, and whether the stride fits.

    Example:
        >>> print(describe_conv(7, 3, strides=2))
        input 7x7, kernel 3x3, stride 2, padding 'valid': 0 zero(s) before, 0 after
        output: floor((7 + 0 + 0 - 3) / 2) + 1 = 3, so 3x3
        the stride fits: the last window ends on the last row of the padded input
    """
    before, after = padding_widths(n, kernel_size, strides, padding)
    size = output_size(n, kernel_size, strides, padding)
    lines = [
        f"input {n}x{n}, kernel {kernel_size}x{kernel_size}, stride {strides}, "
        f"padding {padding!r}: {before} zero(s) before, {after} after",
        f"output: floor(({n} + {before} + {after} - {kernel_size}) / {strides}) + 1 = {size}, "
        f"so {size}x{size}",
    ]
    try:
        check_fit(n, kernel_size, strides, padding)
        lines.append("the stride fits: the last window ends on the last row of the padded input")
    except ValueError as error:
        lines.append(str(error))
    if strides > kernel_size:
        lines.append(
            f"the stride is larger than the kernel: {strides - kernel_size} row(s) between "
            "two windows are never seen"
        )
    return "\n".join(lines)


def draw_conv_geometry(n, kernel_size, strides=1, padding="valid", position=(0, 0)):
    """Draw the padded input, the window of output unit ``position`` and the output grid; return the figure.

    Input cells are blue, padding zeros grey, the window red; rows and columns no window reaches
    (a stride that does not fit) are hatched orange. Position ``(i, j)`` covers input rows
    ``i * s - before`` to ``i * s - before + k - 1`` (and likewise columns).
    """
    before, after = padding_widths(n, kernel_size, strides, padding)
    size = output_size(n, kernel_size, strides, padding)
    position = index_pair(position, "position")
    unused = unused_input(n, kernel_size, strides, padding)
    padded = n + before + after
    i, j = (min(max(int(p), 0), size - 1) for p in position)
    fig, (left, right) = plt.subplots(
        1, 2, figsize=(7.5, 3.8), gridspec_kw={"width_ratios": [padded, max(size, 3)]}
    )
    for r in range(padded):
        for c in range(padded):
            inside = before <= r < before + n and before <= c < before + n
            left.add_patch(
                plt.Rectangle((c, r), 1, 1, facecolor=_INPUT if inside else _PAD, edgecolor="white")
            )
            if not inside:
                left.text(c + 0.5, r + 0.5, "0", ha="center", va="center", color="grey", fontsize=8)
    for k in range(unused):
        edge = padded - 1 - k
        for r, c, w, h in ((edge, 0, padded, 1), (0, edge, 1, padded)):
            left.add_patch(
                plt.Rectangle((c, r), w, h, fill=False, hatch="///", edgecolor=_UNUSED, linewidth=0)
            )
    top, lft = i * strides, j * strides
    left.add_patch(
        plt.Rectangle((lft, top), kernel_size, kernel_size, facecolor=_WINDOW, alpha=0.25)
    )
    left.add_patch(
        plt.Rectangle((lft, top), kernel_size, kernel_size, fill=False, edgecolor=_WINDOW, lw=2.5)
    )
    left.set_title(f"padded input {padded}x{padded}")
    for r in range(size):
        for c in range(size):
            colour = _WINDOW if (r, c) == (i, j) else _OUTPUT
            right.add_patch(plt.Rectangle((c, r), 1, 1, facecolor=colour, edgecolor="white"))
    right.set_title(f"output {size}x{size}")
    for ax, extent in ((left, padded), (right, max(size, 3))):
        ax.set_xlim(0, extent)
        ax.set_ylim(extent, 0)
        ax.set_aspect("equal")
        ax.axis("off")
    fig.tight_layout()
    return fig


def _png(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=72)
    plt.close(fig)
    return buffer.getvalue()


def _explorer(controls, arguments, output_shape, describe, draw):
    """Add output row and column sliders to ``controls`` and wire them all to a text and a figure.

    On every change, ``arguments()`` reads the setting, ``output_shape(*arguments)`` gives the
    output's rows and columns (or raises a ``ValueError``, shown in red instead of the figure),
    ``describe(*arguments)`` the text and ``draw(*arguments, position=...)`` the figure.
    """
    import ipywidgets as widgets

    style = {"description_width": "initial"}
    controls["row"] = widgets.IntSlider(0, 0, 15, description="output row", style=style)
    controls["column"] = widgets.IntSlider(0, 0, 15, description="output column", style=style)
    text, image = widgets.HTML(), widgets.Image(format="png")

    def update(_=None):
        args = arguments()
        try:
            rows, columns = output_shape(*args)
        except ValueError as error:
            text.value = f"<pre style='color: #b00; white-space: pre-wrap'>{html.escape(str(error))}</pre>"
            image.value = b""
            return
        controls["row"].max, controls["column"].max = rows - 1, columns - 1
        text.value = f"<pre style='white-space: pre-wrap'>{html.escape(describe(*args))}</pre>"
        position = (controls["row"].value, controls["column"].value)
        image.value = _png(draw(*args, position=position))

    return _box(controls, text, image, update)


def _box(controls, text, image, update):
    import ipywidgets as widgets

    for control in controls.values():
        control.observe(update, names="value")
    box = widgets.VBox(
        [
            widgets.HBox(list(controls.values())[:3]),
            widgets.HBox(list(controls.values())[3:]),
            text,
            image,
        ]
    )
    box.controls, box.text, box.image = controls, text, image
    update()
    return box


def conv_explorer(n=7, kernel_size=3, strides=1, padding="valid"):
    """Return a widget with sliders for input size, kernel size, stride, padding and the output unit shown.

    The text below the sliders gives the output-size formula with the numbers filled in and says
    when a stride does not fit; the figure shows where the kernel lands.
    """
    import ipywidgets as widgets

    for value, name, high in ((n, "n", 16), (kernel_size, "kernel_size", 7), (strides, "strides", 5)):
        if positive_int(value, name) > high:
            raise ValueError(f"{name} must be an int from 1 to {high} (the slider's range); received {name}={value!r}.")
    one_of(padding, "padding", ("valid", "same", "full", 0, 1, 2, 3))
    style = {"description_width": "initial"}
    controls = {
        "n": widgets.IntSlider(n, 1, 16, description="input size", style=style),
        "kernel_size": widgets.IntSlider(kernel_size, 1, 7, description="kernel size", style=style),
        "strides": widgets.IntSlider(strides, 1, 5, description="stride", style=style),
        "padding": widgets.Dropdown(
            options=["valid", "same", "full", 0, 1, 2, 3], value=padding, description="padding"
        ),
    }

    def arguments():
        return tuple(controls[name].value for name in ("n", "kernel_size", "strides", "padding"))

    return _explorer(controls, arguments, lambda *args: (output_size(*args),) * 2, describe_conv, draw_conv_geometry)


# --------------------------------------------------------------------------- pooling


def describe_pool(x, pool_size=2, strides=None, padding="valid", mode="max"):
    """Return a few lines on pooling a 2-D array ``x``: the output size and what it holds.

    Example:
        >>> print(describe_pool(np.arange(16.0).reshape(4, 4)))
        max pooling 2x2, stride 2, padding 'valid' on a 4x4 input
        output: floor((4 - 2) / 2) + 1 = 2, so 2x2; no weights to learn
        each output value is the max of one 2x2 window
    """
    x = numeric_array(x, "x")
    pool_size = positive_int(pool_size, "pool_size")
    if x.ndim != 2:
        raise ValueError(f"describe_pool explains a 2-D array; received shape {x.shape}.")
    strides = pool_size if strides is None else positive_int(strides, "strides")
    out = pool2d(x, pool_size, strides, padding, mode)
    n = x.shape[0]
    if padding == "valid":
        formula = f"floor(({n} - {pool_size}) / {strides}) + 1 = {out.shape[0]}"
    else:
        formula = f"ceil({n} / {strides}) = {out.shape[0]}"
    overlap = " (windows overlap)" if strides < pool_size else ""
    return "\n".join(
        [
            f"{mode} pooling {pool_size}x{pool_size}, stride {strides}{overlap}, padding {padding!r} "
            f"on a {x.shape[0]}x{x.shape[1]} input",
            f"output: {formula}, so {out.shape[0]}x{out.shape[1]}; no weights to learn",
            f"each output value is the {'max' if mode == 'max' else 'mean'} of one "
            f"{pool_size}x{pool_size} window",
        ]
    )


def draw_pool(x, pool_size=2, strides=None, padding="valid", mode="max", position=(0, 0)):
    """Draw a 2-D input with one pooling window outlined and the pooled output with its cell; return the figure."""
    x = numeric_array(x, "x", ndim=2).astype(float)
    pool_size, position = positive_int(pool_size, "pool_size"), index_pair(position, "position")
    strides = pool_size if strides is None else positive_int(strides, "strides")
    out = pool2d(x, pool_size, strides, padding, mode)
    i, j = (min(max(int(p), 0), s - 1) for p, s in zip(position, out.shape))
    top = i * strides - (padding_widths(x.shape[0], pool_size, strides, padding)[0])
    left = j * strides - (padding_widths(x.shape[1], pool_size, strides, padding)[0])
    fig, axes = plt.subplots(
        1, 2, figsize=(7.5, 3.8), gridspec_kw={"width_ratios": [x.shape[1], max(out.shape[1], 2)]}
    )
    show_values(x, axes[0], "input", fmt="{:.2g}", highlight=(top, left, pool_size, pool_size))
    show_values(
        out,
        axes[1],
        f"{mode} pooled",
        fmt="{:.2g}",
        highlight=(i, j, 1, 1),
        vmin=x.min(),
        vmax=x.max(),
    )
    fig.tight_layout()
    return fig


def pool_explorer(x):
    """Return a widget with sliders for pool size, stride, padding and mode over the 2-D array ``x``."""
    import ipywidgets as widgets

    x = numeric_array(x, "x", finite=True).astype(float)
    if x.ndim != 2:
        raise ValueError(f"pool_explorer shows a 2-D array; received shape {x.shape}.")
    style = {"description_width": "initial"}
    controls = {
        "pool_size": widgets.IntSlider(2, 1, min(x.shape), description="pool size", style=style),
        "strides": widgets.IntSlider(2, 1, 4, description="stride", style=style),
        "mode": widgets.Dropdown(options=["max", "average"], value="max", description="mode"),
        "padding": widgets.Dropdown(
            options=["valid", "same"], value="valid", description="padding"
        ),
    }

    def arguments():
        return (x, *(controls[name].value for name in ("pool_size", "strides", "padding", "mode")))

    return _explorer(controls, arguments, lambda *args: pool2d(*args).shape, describe_pool, draw_pool)
