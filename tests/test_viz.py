"""Figures of course_lib.viz: what they draw, checked on the figure's own objects."""

from types import SimpleNamespace

import matplotlib
import pytest

from course_lib import viz

matplotlib.use("Agg")


# --------------------------------------------------------------------------- 06 counting


def test_show_receptive_field_follows_one_unit_per_layer_down_to_the_input():
    import numpy as np

    from course_lib.counting import receptive_field

    stack = [(3, 1), (3, 1), (2, 2), (3, 1)]
    fig = viz.show_receptive_field(stack, ["conv", "conv", "pool", "conv"], inputs=16)
    assert len(fig.axes) == 4
    for depth, ax in enumerate(fig.axes, start=1):
        size = receptive_field(stack[:depth]).size  # the figure follows connections; it agrees
        assert ax.get_title().endswith(f"one unit sees {size} pixels")
        pixels = ax.collections[0]  # the input row: orange where the unit reaches
        coloured = [tuple(c) for c in pixels.get_facecolors() if tuple(c) != matplotlib.colors.to_rgba("0.85")]
        assert len(coloured) == size and len(pixels.get_offsets()) == 16
        assert [t.get_text() for t in ax.get_yticklabels()] == ["input", "conv", "conv", "pool", "conv"][: depth + 1]
    assert np.allclose(fig.axes[-1].collections[-1].get_offsets()[:, 0], [4.5, 6.5, 8.5, 10.5])  # 2 pixels apart
    matplotlib.pyplot.close(fig)


def test_show_receptive_field_wants_a_unit_in_every_layer_and_a_name_for_each():
    with pytest.raises(ValueError, match="leave no unit at layer 2"):
        viz.show_receptive_field([(3, 1), (5, 2)], ["a", "b"], inputs=6)
    with pytest.raises(ValueError, match="1 names for 2 layers"):
        viz.show_receptive_field([(3, 1), (3, 1)], ["a"])


# --------------------------------------------------------------------------- 08 a first CNN in Keras


@pytest.fixture(scope="module")
def keras():
    from course_lib.session import import_keras

    keras = import_keras()

    return keras


def _two_block_cnn(keras):
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            keras.layers.Conv2D(8, 3, padding="same", activation="relu", name="conv1"),
            keras.layers.MaxPooling2D(2, name="pool1"),
            keras.layers.Flatten(name="flatten"),
            keras.layers.Dense(10, activation="softmax", name="output"),
        ]
    )


def test_draw_model_draws_one_box_per_layer_top_to_bottom(keras):
    fig = viz.draw_model(_two_block_cnn(keras))
    (ax,) = fig.axes
    assert len(ax.patches) == 5  # the input and four layers
    tops = [patch.get_y() for patch in ax.patches]
    assert tops == sorted(tops) and ax.yaxis_inverted()  # row 0 at the top
    texts = [text.get_text() for text in ax.texts if text.get_text()]  # arrows are empty texts
    assert texts[0::2] == ["input", "conv1", "pool1", "flatten", "output"]
    assert texts[1] == "InputLayer   output 28x28x1"
    assert texts[3] == "Conv2D   output 28x28x8   80 params"
    assert texts[7] == "Flatten   output 1568   0 params"
    assert texts[9] == "Dense   output 10   15,690 params"
    matplotlib.pyplot.close(fig)


def test_draw_model_shows_a_functional_model_once_and_can_hide_params(keras):
    inputs = keras.Input(shape=(6, 6, 3))
    outputs = keras.layers.GlobalAveragePooling2D(name="gap")(inputs)
    fig = viz.draw_model(keras.Model(inputs, outputs), show_params=False)
    texts = [text.get_text() for text in fig.axes[0].texts if text.get_text()]
    assert texts == [
        "input",
        "InputLayer   output 6x6x3",
        "gap",
        "GlobalAveragePooling2D   output 3",
    ]
    matplotlib.pyplot.close(fig)


def test_draw_model_explains_an_unbuilt_model(keras):
    with pytest.raises(ValueError, match=r"keras.Input\(shape=...\)"):
        viz.draw_model(keras.Sequential([keras.layers.Dense(3)]))


HISTORY = {
    "loss": [1.0, 0.5, 0.3, 0.2],
    "accuracy": [0.6, 0.8, 0.9, 0.95],
    "val_loss": [0.8, 0.4, 0.35, 0.38],
    "val_accuracy": [0.7, 0.85, 0.88, 0.87],
}


def test_plot_history_draws_training_and_validation_curves_from_epoch_1():
    fig = viz.plot_history(SimpleNamespace(history=HISTORY), best_epoch=3)
    loss, accuracy = fig.axes
    assert (loss.get_title(), accuracy.get_title()) == ("loss", "accuracy")
    training, validation, best = loss.get_lines()
    assert list(training.get_xdata()) == [1, 2, 3, 4]
    assert list(validation.get_ydata()) == HISTORY["val_loss"]
    assert list(best.get_xdata()) == [3, 3]
    assert [t.get_text() for t in accuracy.get_legend().get_texts()] == [
        "training",
        "validation",
        "best epoch (3)",
    ]
    matplotlib.pyplot.close(fig)


def test_plot_history_can_draw_the_loss_on_a_logarithmic_axis():
    fig = viz.plot_history(HISTORY, best_epoch=3, log_loss=True)
    loss, accuracy = fig.axes
    assert (loss.get_yscale(), accuracy.get_yscale()) == ("log", "linear")
    assert loss.get_title() == "loss (logarithmic axis)"
    matplotlib.pyplot.close(fig)


def test_plot_history_without_validation_and_without_accuracy():
    fig = viz.plot_history({"loss": [1.0, 0.5], "accuracy": [0.5, 0.7]})
    assert [len(ax.get_lines()) for ax in fig.axes] == [1, 1]
    matplotlib.pyplot.close(fig)
    with pytest.raises(ValueError, match=r"no 'accuracy'[\s\S]*metrics=\['accuracy'\]"):
        viz.plot_history({"loss": [1.0, 0.5]})


# --------------------------------------------------------------------------- 10 seeing what a CNN learned

import numpy as np


def _drawn_images(fig):
    return [image for ax in fig.axes for image in ax.get_images()]


def test_show_filters_draws_each_filter_on_one_scale_centred_on_zero():
    kernel = np.arange(5 * 5 * 1 * 12, dtype=float).reshape(5, 5, 1, 12) - 100
    fig = viz.show_filters(kernel, "filters", cols=8)
    images = _drawn_images(fig)
    assert len(fig.axes) == 16 and len(images) == 12  # a 2 x 8 grid, 4 panels left empty
    limit = np.abs(kernel).max()
    assert all(image.get_clim() == (-limit, limit) for image in images)
    np.testing.assert_array_equal(images[3].get_array(), kernel[:, :, 0, 3])
    assert fig.texts[0].get_text() == "filters"
    assert _drawn_images(viz.show_filters(kernel[:, :, 0], limit=2.0))[0].get_clim() == (-2.0, 2.0)
    matplotlib.pyplot.close("all")


def test_show_filters_rejects_a_kernel_with_several_input_channels():
    with pytest.raises(ValueError, match=r"received shape \(5, 5, 3, 8\)"):
        viz.show_filters(np.zeros((5, 5, 3, 8)))
    matplotlib.pyplot.close("all")


def test_show_feature_maps_draws_the_first_channels_on_one_scale():
    maps = np.random.default_rng(0).uniform(0, 3, (6, 6, 40))
    fig = viz.show_feature_maps(maps, "conv", count=16, cols=8)
    images = _drawn_images(fig)
    assert len(images) == 16
    low, high = maps[..., :16].min(), maps[..., :16].max()
    assert all(np.allclose(image.get_clim(), (low, high)) for image in images)
    assert len(_drawn_images(viz.show_feature_maps(np.zeros((4, 4, 3))))) == 3  # flat maps draw too
    with pytest.raises(ValueError, match="maps of one image"):
        viz.show_feature_maps(np.zeros((1, 4, 4, 3)))
    matplotlib.pyplot.close("all")


def test_show_images_with_boxes_outlines_each_box():
    images = [np.zeros((28, 28, 1)), np.ones((28, 28))]
    fig = viz.show_images_with_boxes(images, [(2, 4, 10, 10), None], ["a", "b"])
    first, second = fig.axes
    assert len(first.patches) == 1 and len(second.patches) == 0
    box = first.patches[0]
    assert box.get_xy() == (3.5, 1.5) and (box.get_width(), box.get_height()) == (10, 10)
    with pytest.raises(ValueError, match="1 boxes for 2 images"):
        viz.show_images_with_boxes(images, [None])
    matplotlib.pyplot.close("all")


def test_overlay_heatmap_draws_the_image_then_the_heat_map():
    image, heat = np.zeros((28, 28, 1)), np.arange(28 * 28, dtype=float).reshape(28, 28)
    ax = viz.overlay_heatmap(image, heat, title="cam", alpha=0.4)
    below, above = ax.get_images()
    assert below.get_array().shape == (28, 28) and above.get_alpha() == 0.4
    np.testing.assert_array_equal(above.get_array(), heat)
    assert ax.get_title() == "cam"
    with pytest.raises(ValueError, match="upsample the map"):
        viz.overlay_heatmap(image, np.zeros((5, 5)))
    matplotlib.pyplot.close("all")


def test_show_heatmaps_draws_one_overlay_per_image():
    images = [np.zeros((8, 8))] * 5
    fig = viz.show_heatmaps(images, [np.eye(8)] * 5, [str(i) for i in range(5)], cols=3)
    assert len(fig.axes) == 6 and sum(len(ax.get_images()) == 2 for ax in fig.axes) == 5
    with pytest.raises(ValueError, match="4 heat maps for 5 images"):
        viz.show_heatmaps(images, [np.eye(8)] * 4)
    with pytest.raises(ValueError, match="2 titles for 5 images"):
        viz.show_heatmaps(images, [np.eye(8)] * 5, ["a", "b"])
    matplotlib.pyplot.close("all")


# --------------------------------------------------------------------------- 16 Xception, 18 comparing architectures


def test_draw_block_diagram_draws_boxes_arrows_and_skips():
    import numpy as np

    boxes = [("input", "8x8x3"), ("conv", "8x8x16", "#9ecae1"), ("pool", ""), ("add", "4x4x16")]
    fig = viz.draw_block_diagram(boxes, skips=[(0, 3, "1x1, stride 2"), (1, 2, "identity")], title="block")
    (ax,) = fig.axes
    assert len(ax.patches) == len(boxes)
    texts = [t.get_text() for t in ax.texts]
    for label, *_ in boxes:
        assert label in texts
    assert "1x1, stride 2" in texts and "identity" in texts and ax.get_title() == "block"
    # overlapping skips are drawn side by side: two bars at different x
    bars = sorted({round(float(np.max(line.get_xdata())), 3) for line in ax.lines})
    assert len(bars) == 2
    matplotlib.pyplot.close("all")


def test_draw_block_diagram_rejects_skips_that_do_not_go_down_and_no_boxes():
    with pytest.raises(ValueError, match=r"skip \(2, 1\) must go down the column"):
        viz.draw_block_diagram([("a", ""), ("b", ""), ("c", "")], skips=[(2, 1, "up")])
    with pytest.raises(ValueError, match="at least one box"):
        viz.draw_block_diagram([])


def test_show_scale_puts_named_points_and_minor_dots_on_one_log_axis():
    import numpy as np

    fig = viz.show_scale([1, 16, 48], ["one", "a segment", "all"], "channels seen",
                         details=["k (3, 3, 1)", "k (3, 3, 16)", "k (3, 3, 48)"], minor=[2, 4, 8], title="t")
    (ax,) = fig.axes
    assert ax.get_xscale() == "log" and ax.get_title() == "t" and ax.get_xlabel() == "channels seen"
    dots = [c.get_offsets()[:, 0].tolist() for c in ax.collections]
    assert dots == [[2, 4, 8], [1], [16], [48]]  # the minor dots first, small, then one per named point
    assert ax.collections[0].get_sizes()[0] < ax.collections[1].get_sizes()[0]
    assert np.all(np.concatenate([c.get_offsets()[:, 1] for c in ax.collections]) == 0)
    assert [t.get_text() for t in ax.texts] == ["one", "k (3, 3, 1)", "a segment", "k (3, 3, 16)", "all", "k (3, 3, 48)"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "2", "4", "8", "16", "48"]
    matplotlib.pyplot.close("all")


def test_show_scale_wants_a_label_per_point_and_positions_above_zero():
    with pytest.raises(ValueError, match="2 values, 1 labels"):
        viz.show_scale([1, 2], ["a"], "x")
    with pytest.raises(ValueError, match="2 values, 2 labels, 1 details"):
        viz.show_scale([1, 2], ["a", "b"], "x", details=["d"])
    with pytest.raises(ValueError, match="positions > 0; received 0"):
        viz.show_scale([1, 2], ["a", "b"], "x", minor=[0])


def test_show_accuracy_vs_operations_draws_one_labelled_bubble_per_model():
    fig = viz.show_accuracy_vs_operations(
        ["small", "big"], [1e9, 8e9], [0.7, 0.79], [4e6, 100e6], title="t", source="published"
    )
    ax = fig.axes[0]
    bubbles = [c for c in ax.collections if len(c.get_offsets())]
    assert [tuple(c.get_offsets()[0]) for c in bubbles] == [(1.0, 70.0), (8.0, 79.0)]
    assert bubbles[1].get_sizes()[0] == 25 * bubbles[0].get_sizes()[0]  # area ~ parameters
    assert [t.get_text() for t in ax.texts] == ["small", "big"]
    assert "published" in [t.get_text() for t in fig.texts]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["10 M parameters", "100 M parameters"]
    matplotlib.pyplot.close("all")


def test_show_accuracy_vs_operations_wants_one_value_per_model():
    with pytest.raises(ValueError, match="2 names, 1 MACs"):
        viz.show_accuracy_vs_operations(["a", "b"], [1e9], [0.7, 0.8], [1e6, 2e6])


def test_show_spread_draws_the_mean_and_the_range_of_the_runs():
    import matplotlib.pyplot as plt
    import numpy as np

    runs = np.array([[0.5, 0.3, 0.1], [0.7, 0.5, 0.3]])
    fig = viz.show_spread([1, 2, 5], {"plain": runs}, "examples per class", "error", log_x=True)
    (line,) = fig.axes[0].get_lines()
    assert np.allclose(line.get_ydata(), [0.6, 0.4, 0.2])
    band = fig.axes[0].collections[0].get_paths()[0].vertices
    assert np.isclose(band[:, 1].min(), 0.1) and np.isclose(band[:, 1].max(), 0.7)
    assert fig.axes[0].get_xscale() == "log"
    plt.close(fig)
    with pytest.raises(ValueError, match=r"runs\['plain'\] has 3 points per run, x has 2"):
        viz.show_spread([1, 2], {"plain": runs}, "epoch", "error")


def test_show_accuracy_vs_operations_moves_a_label_that_would_sit_on_another():
    import matplotlib.pyplot as plt

    # Three networks at almost the same cost, a point and a half apart: labels all above would overlap.
    names, macs = ["a", "b", "c", "far", "low"], [3.7e9, 3.9e9, 3.9e9, 20e9, 1.1e9]
    accuracy = [0.733, 0.749, 0.776, 0.71, 0.565]
    fig = viz.show_accuracy_vs_operations(names, macs, accuracy, [22e6, 26e6, 28e6, 140e6, 62e6])
    sides = {text.get_text(): (text.get_ha(), text.get_va()) for text in fig.axes[0].texts}
    assert sides["far"] == ("center", "bottom"), "a label with room goes above its bubble"
    assert sides["a"] != ("center", "bottom"), "above a, its label would sit on b's bubble"
    plt.close(fig)


def test_show_accuracy_vs_operations_labels_cover_no_other_label_bubble_or_the_legend():
    import math

    import matplotlib.pyplot as plt

    # Notebook 18's twelve families (GMACs, top-1, millions of parameters), crowded at 0.5-4 GMACs.
    rows = {"AlexNet": (1.1, 0.565, 62), "VGG16": (15.5, 0.713, 138), "VGG19": (19.6, 0.713, 144),
            "GoogLeNet": (1.6, 0.698, 7), "InceptionV3": (5.7, 0.779, 24), "ResNet-34": (3.7, 0.733, 22),
            "ResNet-50": (3.9, 0.749, 26), "ResNet-101": (7.6, 0.764, 45), "ResNet-152": (11.3, 0.766, 60),
            "Xception": (8.4, 0.790, 23), "SE-ResNet-50": (3.9, 0.776, 28), "MobileNet": (0.57, 0.704, 4)}
    names = list(rows)
    fig = viz.show_accuracy_vs_operations(names, [rows[n][0] * 1e9 for n in names], [rows[n][1] for n in names],
                                          [rows[n][2] * 1e6 for n in names])
    ax = fig.axes[0]
    fig.canvas.draw()
    labels = {text.get_text(): text.get_window_extent() for text in ax.texts}
    assert list(labels) == names
    bubbles = [c for c in ax.collections if len(c.get_offsets())]
    circles = {name: (ax.transData.transform(c.get_offsets()[0]), math.sqrt(c.get_sizes()[0]) / 2 * fig.dpi / 72)
               for name, c in zip(names, bubbles)}
    legend, frame = ax.get_legend().get_window_extent(), ax.get_window_extent()
    for name, box in labels.items():
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1, name
        assert not box.overlaps(legend), name
        for other, other_box in labels.items():
            assert other == name or not box.overlaps(other_box), (name, other)
        for other, ((cx, cy), r) in circles.items():
            nearest = (min(max(cx, box.x0), box.x1), min(max(cy, box.y0), box.y1))
            assert other == name or math.dist((cx, cy), nearest) >= r, f"the label {name} covers the bubble {other}"
    plt.close(fig)
