"""The explorers of notebooks 04 and 05, driven without a browser."""

import matplotlib
import numpy as np
import pytest

from course_lib import widgets

matplotlib.use("Agg")


def test_describe_conv_explains_a_stride_that_does_not_fit():
    text = widgets.describe_conv(7, 3, strides=3)
    assert "floor((7 + 0 + 0 - 3) / 3) + 1 = 2" in text
    assert "stride 3 does not fit" in text and "Strides that fit: 1, 2 (4 also fits, but" in text
    assert "the stride fits" in widgets.describe_conv(7, 3, strides=2)


def test_describe_conv_shows_tensorflows_same_padding():
    assert "1 zero(s) before, 2 after" in widgets.describe_conv(13, 6, strides=5, padding="same")


def test_draw_conv_geometry_draws_one_cell_per_padded_input_and_output_position():
    fig = widgets.draw_conv_geometry(5, 3, strides=2, padding="same", position=(2, 1))
    left, right = fig.axes
    assert left.get_title() == "padded input 7x7" and right.get_title() == "output 3x3"
    # 49 input cells + window fill + window outline; 9 output cells
    assert len(left.patches) == 49 + 2 and len(right.patches) == 9
    window = left.patches[-1]
    assert window.get_xy() == (2, 4) and window.get_width() == 3


def test_unused_rows_are_marked():
    fig = widgets.draw_conv_geometry(7, 3, strides=3)
    hatched = [p for p in fig.axes[0].patches if p.get_hatch()]
    assert len(hatched) == 2  # the last row and the last column


def test_conv_explorer_updates_text_and_picture_when_a_slider_moves():
    explorer = widgets.conv_explorer(n=7, kernel_size=3, strides=1)
    assert "= 5, so 5x5" in explorer.text.value and "the stride fits" in explorer.text.value
    before = explorer.image.value
    explorer.controls["strides"].value = 3
    assert "stride 3 does not fit" in explorer.text.value
    assert bytes(explorer.image.value) != bytes(before) and bytes(explorer.image.value).startswith(b"\x89PNG")
    assert explorer.controls["row"].max == 1  # a 2x2 output


def test_conv_explorer_reports_a_kernel_that_does_not_fit():
    explorer = widgets.conv_explorer(n=3, kernel_size=3)
    explorer.controls["kernel_size"].value = 5
    assert "larger than the padded input" in explorer.text.value and bytes(explorer.image.value) == b""
    explorer.controls["padding"].value = "same"
    assert "so 3x3" in explorer.text.value and explorer.image.value


def test_pool_explorer_follows_its_controls():
    x = np.arange(36.0).reshape(6, 6)
    explorer = widgets.pool_explorer(x)
    assert "max pooling 2x2, stride 2" in explorer.text.value and "so 3x3" in explorer.text.value
    explorer.controls["mode"].value = "average"
    assert "average pooling" in explorer.text.value and "mean of one 2x2 window" in explorer.text.value
    explorer.controls["pool_size"].value = 3
    assert "so 2x2" in explorer.text.value
    explorer.controls["strides"].value = 1
    assert "windows overlap" in explorer.text.value and "so 4x4" in explorer.text.value
    with pytest.raises(ValueError, match="2-D array"):
        widgets.pool_explorer(np.ones((2, 2, 2)))


def test_draw_pool_marks_the_window_and_the_output_cell():
    fig = widgets.draw_pool(np.arange(16.0).reshape(4, 4), position=(1, 0))
    assert fig.axes[1].get_title() == "max pooled"
    outlined = [p for p in fig.axes[0].patches if p.get_edgecolor()[0] > 0.5]
    assert outlined and outlined[-1].get_xy() == (-0.5, 1.5)


def test_a_stride_larger_than_the_kernel_skips_rows_between_windows():
    text = widgets.describe_conv(7, 1, strides=2)
    assert "the stride fits" in text and "1 row(s) between two windows are never seen" in text
    assert "never seen" not in widgets.describe_conv(7, 3, strides=2)
