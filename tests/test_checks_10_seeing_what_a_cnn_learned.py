"""The checks of notebook 10, ``course_lib.checks.nb10_seeing_what_a_cnn_learned``, accept right answers and
reject wrong ones."""

import numpy as np
import pytest

from course_lib import checks


def _maps_shape(model, name, input_size):
    """A right answer: walk the layers with output_size."""
    import keras

    from course_lib.conv import output_size

    size, channels = input_size, model.inputs[0].shape[-1]
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            size = output_size(size, layer.kernel_size[0], layer.strides[0], layer.padding)
            channels = layer.filters
        elif isinstance(layer, keras.layers.MaxPooling2D):
            size = output_size(size, layer.pool_size[0], layer.strides[0], layer.padding)
        if layer.name == name:
            return (size, size, channels)


def _maps_shape_ignoring(ignore):
    """A wrong answer that forgets padding ("padding"), strides ("strides") or filters ("filters")."""
    import keras

    from course_lib.conv import output_size

    def maps_shape(model, name, input_size):
        size, channels = input_size, model.inputs[0].shape[-1]
        for layer in model.layers:
            if isinstance(layer, (keras.layers.Conv2D, keras.layers.MaxPooling2D)):
                window = getattr(layer, "kernel_size", getattr(layer, "pool_size", None))[0]
                strides = 1 if ignore == "strides" else layer.strides[0]
                padding = "valid" if ignore == "padding" else layer.padding
                size = output_size(size, window, strides, padding)
                if isinstance(layer, keras.layers.Conv2D) and ignore != "filters":
                    channels = layer.filters
            if layer.name == name:
                return (size, size, channels)

    return maps_shape


def test_check_maps_shape_accepts_a_right_answer(capsys):
    checks.check_maps_shape(_maps_shape)
    assert capsys.readouterr().out.startswith("Correct:")


def test_check_maps_shape_rejects_forgotten_padding_and_strides():
    with pytest.raises(AssertionError, match=r"returned \(30, 30, 8\): it treats every layer as padding='valid'"):
        checks.check_maps_shape(_maps_shape_ignoring("padding"))
    with pytest.raises(AssertionError, match="it moves every window one pixel at a time"):
        checks.check_maps_shape(_maps_shape_ignoring("strides"))


def test_check_maps_shape_rejects_wrong_channels():
    with pytest.raises(AssertionError, match="it keeps the input's channels"):
        checks.check_maps_shape(_maps_shape_ignoring("filters"))


def test_check_maps_shape_rejects_a_batch_axis_none_and_a_crash():
    with pytest.raises(AssertionError, match="with a batch axis"):
        checks.check_maps_shape(lambda m, n, s: (1, *_maps_shape(m, n, s)))
    with pytest.raises(AssertionError, match="returned None"):
        checks.check_maps_shape(lambda m, n, s: None)
    with pytest.raises(AssertionError, match="expected a tuple of 3 ints"):
        checks.check_maps_shape(lambda m, n, s: "32x32x8")
    with pytest.raises(AssertionError, match="not attempted yet"):
        checks.check_maps_shape(_raises_not_implemented)


def _raises_not_implemented(*args):
    raise NotImplementedError


def _most_exciting(activations, channel):
    return int(activations[:, :, :, channel].max(axis=(1, 2)).argmax())


def test_check_most_exciting_image_accepts_a_right_answer(capsys):
    checks.check_most_exciting_image(_most_exciting)
    checks.check_most_exciting_image(lambda a, c: np.argmax(a[..., c].reshape(len(a), -1).max(1)))
    assert capsys.readouterr().out.count("Correct:") == 2


def test_check_most_exciting_image_rejects_the_mean():
    with pytest.raises(AssertionError, match="it picks the image with the largest mean[\\s\\S]*not its mean"):
        checks.check_most_exciting_image(
            lambda a, c: int(a[:, :, :, c].mean(axis=(1, 2)).argmax())
        )


def test_check_most_exciting_image_rejects_other_channels_and_a_flat_index():
    with pytest.raises(AssertionError, match="it picks the largest value of another channel"):
        checks.check_most_exciting_image(lambda a, c: int(a.max(axis=(1, 2, 3)).argmax()))
    with pytest.raises(AssertionError, match="not an image index"):
        checks.check_most_exciting_image(lambda a, c: int(a[:, :, :, c].argmax()))
    with pytest.raises(AssertionError, match="not an image index: there are only 7 images"):
        checks.check_most_exciting_image(lambda a, c: len(a))


def test_check_most_exciting_image_rejects_arrays_floats_and_none():
    with pytest.raises(AssertionError, match="expected one index"):
        checks.check_most_exciting_image(lambda a, c: a[:, :, :, c].max(axis=(1, 2)))
    with pytest.raises(AssertionError, match="expected an int"):
        checks.check_most_exciting_image(lambda a, c: float(_most_exciting(a, c)))
    with pytest.raises(AssertionError, match="returned None"):
        checks.check_most_exciting_image(lambda a, c: None)
    with pytest.raises(AssertionError, match="returned 1, which is not the image with the strongest response"):
        checks.check_most_exciting_image(lambda a, c: (_most_exciting(a, c) + 1) % len(a))


def test_check_class_activation_map_accepts_right_answers(capsys):
    checks.check_class_activation_map(lambda maps, weights, c: maps @ weights[:, c])
    checks.check_class_activation_map(
        lambda maps, weights, c: sum(weights[k, c] * maps[:, :, k] for k in range(maps.shape[-1]))
    )
    assert capsys.readouterr().out.count("Correct:") == 2


def test_check_class_activation_map_rejects_relu_mean_and_rescaling():
    with pytest.raises(AssertionError, match="negative values set to 0"):
        checks.check_class_activation_map(lambda m, w, c: np.maximum(m @ w[:, c], 0))
    with pytest.raises(AssertionError, match="divided by K"):
        checks.check_class_activation_map(lambda m, w, c: (m * w[:, c]).mean(axis=-1))
    with pytest.raises(AssertionError, match="rescaled"):
        checks.check_class_activation_map(
            lambda m, w, c: (m @ w[:, c] - (m @ w[:, c]).min()) / np.ptp(m @ w[:, c])
        )


def test_check_class_activation_map_rejects_the_row_of_weights():
    # With K != classes the row has the wrong length and the product fails; with K == classes it
    # runs and gives the wrong map.
    with pytest.raises(AssertionError, match="raised ValueError"):
        checks.check_class_activation_map(lambda m, w, c: m @ w[c])
    with pytest.raises(AssertionError, match=r"row weights\[2\] [\s\S]*class 2's weights are a column"):
        checks.check_class_activation_map(
            lambda m, w, c: m @ w[c] if w.shape[0] == w.shape[1] else m @ w[:, c]
        )


def test_check_class_activation_map_rejects_wrong_shapes_and_values():
    with pytest.raises(AssertionError, match=r"has shape \(5,\): it has 1 axis, fewer than the result should have"):
        checks.check_class_activation_map(lambda m, w, c: (m @ w[:, c]).sum(axis=0))
    with pytest.raises(AssertionError, match="differs from the right result"):
        checks.check_class_activation_map(lambda m, w, c: m @ w[:, c] + 1)
    with pytest.raises(AssertionError, match="returned None"):
        checks.check_class_activation_map(lambda m, w, c: None)


def right_answers():
    """Check name -> the arguments of one right answer (tests/test_every_check.py uses them)."""
    return {
        "check_maps_shape": (_maps_shape,),
        "check_most_exciting_image": (_most_exciting,),
        "check_class_activation_map": (lambda maps, weights, c: maps @ weights[:, c],),
    }
