"""The checks of notebook 16, ``course_lib.checks.nb16_xception``, accept right answers and
reject wrong ones."""

import numpy as np
import pytest

from course_lib import checks


def test_check_pointwise_conv_accepts_matmul_and_einsum(capsys):
    checks.check_pointwise_conv(lambda m, k, b: m @ k + b)
    checks.check_pointwise_conv(lambda m, k, b: np.einsum("hwi,io->hwo", m, k) + b)
    assert capsys.readouterr().out.count("Correct") == 2


def test_check_pointwise_conv_rejects_a_missing_bias_and_a_transposed_kernel():
    with pytest.raises(AssertionError, match="off by the bias"):
        checks.check_pointwise_conv(lambda m, k, b: m @ k)
    with pytest.raises(AssertionError, match="raised ValueError"):
        checks.check_pointwise_conv(lambda m, k, b: m @ k.T + b)
    def transposed_when_square(m, k, b):
        return m @ (k.T if k.shape[0] == k.shape[1] else k) + b
    with pytest.raises(AssertionError, match="kernel transposed"):
        checks.check_pointwise_conv(transposed_when_square)


def test_check_pointwise_conv_rejects_wrong_shapes_none_and_a_stub():
    with pytest.raises(AssertionError, match=r"has shape \(5, 7, 3\): axis 2 is one too short"):
        checks.check_pointwise_conv(lambda m, k, b: m)
    with pytest.raises(AssertionError, match="returned None"):
        checks.check_pointwise_conv(lambda m, k, b: None)
    with pytest.raises(AssertionError, match="not attempted yet"):
        checks.check_pointwise_conv(lambda m, k, b: (_ for _ in ()).throw(NotImplementedError))


def _middle_block_counts():
    from course_lib import counting

    batch_norm = counting.batch_norm_params(728)
    separable = 3 * (counting.separable_conv2d_params(3, 728, 728, use_bias=False) + batch_norm)
    regular = 3 * (counting.conv2d_params(3, 728, 728, use_bias=False) + batch_norm)
    return separable, regular, batch_norm


def test_check_middle_block_params_accepts_the_counts(capsys):
    separable, regular, _ = _middle_block_counts()
    checks.check_middle_block_params(separable, regular)
    checks.check_middle_block_params(float(separable), np.int64(regular))
    assert capsys.readouterr().out.count("Correct") == 2


def test_check_middle_block_params_rejects_missing_or_half_batch_norm_and_biases():
    separable, regular, batch_norm = _middle_block_counts()
    with pytest.raises(AssertionError, match="batch normalizations are missing"):
        checks.check_middle_block_params(separable - 3 * batch_norm, regular)
    with pytest.raises(AssertionError, match=r"block_regular = .*half of each batch normalization"):
        checks.check_middle_block_params(separable, regular - 3 * batch_norm // 2)
    with pytest.raises(AssertionError, match="counts a bias per filter"):
        checks.check_middle_block_params(separable + 3 * 728, regular)


def test_check_middle_block_params_rejects_one_convolution_swaps_and_non_numbers():
    separable, regular, _ = _middle_block_counts()
    with pytest.raises(AssertionError, match="that is one convolution; the block has 3"):
        checks.check_middle_block_params(separable // 3, regular)
    with pytest.raises(AssertionError, match="swapped"):
        checks.check_middle_block_params(regular, separable)
    with pytest.raises(AssertionError, match="should be a number"):
        checks.check_middle_block_params("1.6 million", regular)
    with pytest.raises(AssertionError, match="block_separable = 1,618,345, which is too large"):
        checks.check_middle_block_params(separable + 1, regular)


def right_answers():
    """Check name -> the arguments of one right answer (tests/test_every_check.py uses them)."""
    separable, regular, _ = _middle_block_counts()
    return {
        "check_pointwise_conv": (lambda m, k, b: m @ k + b,),
        "check_middle_block_params": (float(separable), np.int64(regular)),
    }
