"""The checks of notebook 01, ``course_lib.checks.nb01_images_and_dense_layers``, accept right answers and
reject wrong ones."""

import numpy as np
import pytest

from course_lib import checks


def _right_to_unit(image):
    return image.astype(np.float32) / 255


def test_check_unit_range_accepts_the_right_answer(capsys):
    checks.check_unit_range(_right_to_unit)
    assert capsys.readouterr().out.startswith("Correct")


def test_check_unit_range_accepts_to_unit_range():
    from course_lib.images import to_unit_range

    checks.check_unit_range(to_unit_range)


def test_check_unit_range_rejects_integer_division():
    with pytest.raises(AssertionError, match="integer division"):
        checks.check_unit_range(lambda image: image // 255)


def test_check_unit_range_rejects_dividing_by_256():
    with pytest.raises(AssertionError, match=r"not 1\.0: that is dividing by 256"):
        checks.check_unit_range(lambda image: image.astype(np.float32) / 256)


def test_check_unit_range_rejects_float64():
    with pytest.raises(AssertionError, match="dtype is float64"):
        checks.check_unit_range(lambda image: image / 255)


def test_check_unit_range_rejects_unscaled_and_unwritten_answers():
    with pytest.raises(AssertionError, match="unchanged"):
        checks.check_unit_range(lambda image: image.astype(np.float32))
    with pytest.raises(AssertionError, match="not attempted yet"):
        checks.check_unit_range(_not_written)
    with pytest.raises(AssertionError, match="shape"):
        checks.check_unit_range(lambda image: image.reshape(-1).astype(np.float32) / 255)


def _not_written(*args, **kwargs):
    raise NotImplementedError


def _right_dense_params(inputs, units, use_bias=True):
    return inputs * units + (units if use_bias else 0)


def test_check_dense_params_accepts_the_right_answer(capsys):
    checks.check_dense_params(_right_dense_params)
    assert capsys.readouterr().out.startswith("Correct")


def test_check_dense_params_matches_keras():
    keras = pytest.importorskip("keras")
    for inputs, units, use_bias in [(3072, 10, True), (64, 32, False)]:
        layer = keras.layers.Dense(units, use_bias=use_bias)
        layer.build((None, inputs))
        assert layer.count_params() == _right_dense_params(inputs, units, use_bias)


def test_check_dense_params_rejects_missing_biases():
    with pytest.raises(AssertionError, match="not the biases"):
        checks.check_dense_params(lambda inputs, units, use_bias=True: inputs * units)


def test_check_dense_params_rejects_ignoring_use_bias():
    with pytest.raises(AssertionError, match="use_bias=False the layer has no biases"):
        checks.check_dense_params(lambda inputs, units, use_bias=True: inputs * units + units)


def test_check_dense_params_rejects_one_bias_per_input_and_floats():
    with pytest.raises(AssertionError, match="one bias per unit"):
        checks.check_dense_params(
            lambda inputs, units, use_bias=True: inputs * units + (inputs if use_bias else 0)
        )
    with pytest.raises(AssertionError, match="whole number"):
        checks.check_dense_params(
            lambda inputs, units, use_bias=True: float(_right_dense_params(inputs, units, use_bias))
        )
    with pytest.raises(AssertionError, match="use_bias"):
        checks.check_dense_params(lambda inputs, units: inputs * units + units)


def test_check_flat_index_accepts_the_right_answer(capsys):
    checks.check_flat_index(
        lambda row, col, channel, width, channels: (row * width + col) * channels + channel
    )
    assert capsys.readouterr().out.startswith("Correct")


def test_check_flat_index_rejects_rows_of_width_values():
    with pytest.raises(AssertionError, match="counts a full row as width values"):
        checks.check_flat_index(
            lambda row, col, channel, width, channels: row * width + col * channels + channel
        )


def test_check_flat_index_rejects_other_wrong_orders():
    with pytest.raises(AssertionError, match="counts each pixel left of col as one value"):
        checks.check_flat_index(
            lambda row, col, channel, width, channels: row * width * channels + col + channel
        )
    with pytest.raises(AssertionError, match=r"flat_index\(0, 0, 2, width=32, channels=3\) returned 0, which is too small"):
        checks.check_flat_index(lambda row, col, channel, width, channels: row * width + col)
    with pytest.raises(AssertionError, match="whole number"):
        checks.check_flat_index(lambda row, col, channel, width, channels: 0.0)


def right_answers():
    """Check name -> the arguments of one right answer (tests/test_every_check.py uses them)."""
    return {
        "check_unit_range": (_right_to_unit,),
        "check_dense_params": (_right_dense_params,),
        "check_flat_index": (lambda row, col, channel, width, channels: (row * width + col) * channels + channel,),
    }
