"""The checks of notebook 06, ``course_lib.checks.nb06_counting``, accept right answers and
reject wrong ones."""

import numpy as np
import pytest

from course_lib import checks


CONV_128_WEIGHTS = 3 * 3 * 64 * 128


def test_conv_layer_params_accepts_right_answer(capsys):
    checks.check_conv_layer_params(CONV_128_WEIGHTS + 128, CONV_128_WEIGHTS)
    checks.check_conv_layer_params(float(CONV_128_WEIGHTS + 128), np.int64(CONV_128_WEIGHTS))
    assert capsys.readouterr().out.count("Correct:") == 2


def test_conv_layer_params_rejects_missing_c_in():
    with pytest.raises(AssertionError, match="with_bias = 1,280: the factor c_in = 64 is missing"):
        checks.check_conv_layer_params(3 * 3 * 128 + 128, CONV_128_WEIGHTS)


def test_conv_layer_params_rejects_missing_bias():
    with pytest.raises(AssertionError, match="the 128 biases are missing"):
        checks.check_conv_layer_params(CONV_128_WEIGHTS, CONV_128_WEIGHTS)


def test_conv_layer_params_rejects_bias_without_bias():
    with pytest.raises(AssertionError, match="counts the biases too"):
        checks.check_conv_layer_params(CONV_128_WEIGHTS + 128, CONV_128_WEIGHTS + 128)


def test_conv_layer_params_rejects_bias_per_input_channel():
    with pytest.raises(AssertionError, match="one bias per input channel"):
        checks.check_conv_layer_params(CONV_128_WEIGHTS + 64, CONV_128_WEIGHTS)


def test_conv_layer_params_rejects_counting_positions():
    with pytest.raises(AssertionError, match="once per position"):
        checks.check_conv_layer_params(14 * 14 * CONV_128_WEIGHTS + 128, CONV_128_WEIGHTS)


def test_conv_layer_params_rejects_other_numbers_and_types():
    with pytest.raises(AssertionError, match="with_bias = 12,345, which is too small"):
        checks.check_conv_layer_params(12345, CONV_128_WEIGHTS)
    with pytest.raises(AssertionError, match="should be a number"):
        checks.check_conv_layer_params("73856", CONV_128_WEIGHTS)
    with pytest.raises(AssertionError, match="whole number"):
        checks.check_conv_layer_params(73856.5, CONV_128_WEIGHTS)
    with pytest.raises(AssertionError, match="should be a number"):
        checks.check_conv_layer_params(CONV_128_WEIGHTS + 128, None)


def _conv_macs_right(h_out, w_out, k, c_in, filters):
    return h_out * w_out * k * k * c_in * filters


def _conv_macs_not_written(h_out, w_out, k, c_in, filters):
    raise NotImplementedError


def test_conv_macs_accepts_right_answer(passes):
    passes(checks.check_conv_macs, _conv_macs_right)


def test_conv_macs_rejects_flops():
    with pytest.raises(AssertionError, match="FLOPs"):
        checks.check_conv_macs(lambda h, w, k, c, f: 2 * _conv_macs_right(h, w, k, c, f))


def test_conv_macs_rejects_bias_additions():
    with pytest.raises(AssertionError, match="bias additions"):
        checks.check_conv_macs(lambda h, w, k, c, f: _conv_macs_right(h, w, k, c, f) + h * w * f)


def test_conv_macs_rejects_missing_c_in():
    with pytest.raises(AssertionError, match="it leaves out the factor c_in"):
        checks.check_conv_macs(lambda h, w, k, c, f: h * w * k * k * f)


def test_conv_macs_rejects_k_once():
    with pytest.raises(AssertionError, match="it has k once"):
        checks.check_conv_macs(lambda h, w, k, c, f: h * w * k * c * f)


def test_conv_macs_rejects_unwritten_and_wrong_types():
    with pytest.raises(AssertionError, match="not attempted yet"):
        checks.check_conv_macs(_conv_macs_not_written)
    with pytest.raises(AssertionError, match="conv_macs returned None"):
        checks.check_conv_macs(lambda h, w, k, c, f: None)
    with pytest.raises(AssertionError, match="it leaves out the kernel's window"):
        checks.check_conv_macs(lambda h, w, k, c, f: h * w * c * f)


STEM_MACS = 112 * 112 * 7 * 7 * 3 * 64


def test_stem_macs_accepts_right_answer(capsys):
    checks.check_stem_macs(STEM_MACS)
    assert "118,013,952 MACs" in capsys.readouterr().out


def test_stem_macs_rejects_input_size():
    with pytest.raises(AssertionError, match="it counts 224 x 224 positions, the input's size[\\s\\S]*count the output positions"):
        checks.check_stem_macs(224 * 224 * 7 * 7 * 3 * 64)


def test_stem_macs_rejects_valid_padding():
    with pytest.raises(AssertionError, match="'valid' padding \\(109 x 109 positions\\)"):
        checks.check_stem_macs(109 * 109 * 7 * 7 * 3 * 64)


def test_stem_macs_rejects_flops_and_others():
    with pytest.raises(AssertionError, match="FLOPs"):
        checks.check_stem_macs(2 * STEM_MACS)
    with pytest.raises(AssertionError, match="macs = 39,337,984, which is too small"):
        checks.check_stem_macs(112 * 112 * 7 * 7 * 64)
    with pytest.raises(AssertionError, match="should be a number"):
        checks.check_stem_macs(None)


BATCH_MB = 256 * 28 * 28 * 32 * 4 / 1e6


def test_batch_activation_mb_accepts_right_answer(capsys):
    checks.check_batch_activation_mb(BATCH_MB)
    checks.check_batch_activation_mb(round(BATCH_MB, 2))
    assert capsys.readouterr().out.count("25.69 MB") == 2


def test_batch_activation_mb_rejects_bytes():
    with pytest.raises(AssertionError, match="number of bytes, not megabytes"):
        checks.check_batch_activation_mb(BATCH_MB * 1e6)


def test_batch_activation_mb_rejects_values_not_bytes():
    with pytest.raises(AssertionError, match="counts values, not bytes"):
        checks.check_batch_activation_mb(BATCH_MB / 4)


def test_batch_activation_mb_rejects_mebibytes():
    with pytest.raises(AssertionError, match="MiB"):
        checks.check_batch_activation_mb(BATCH_MB * 1e6 / 2**20)


def test_batch_activation_mb_rejects_one_image_and_one_map():
    with pytest.raises(AssertionError, match="one image, not the batch"):
        checks.check_batch_activation_mb(BATCH_MB / 256)
    with pytest.raises(AssertionError, match="one feature map per image"):
        checks.check_batch_activation_mb(BATCH_MB / 32)


def test_batch_activation_mb_rejects_other_answers():
    with pytest.raises(AssertionError, match="megabytes = 30, which is too large"):
        checks.check_batch_activation_mb(30.0)
    with pytest.raises(AssertionError, match="should be a number"):
        checks.check_batch_activation_mb("25.69 MB")


def right_answers():
    """Check name -> the arguments of one right answer (tests/test_every_check.py uses them)."""
    return {
        "check_conv_layer_params": (CONV_128_WEIGHTS + 128, np.int64(CONV_128_WEIGHTS)),
        "check_conv_macs": (_conv_macs_right,),
        "check_stem_macs": (STEM_MACS,),
        "check_batch_activation_mb": (BATCH_MB,),
    }
