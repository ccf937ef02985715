"""The checks of notebook 03, ``course_lib.checks.nb03_channels_and_filters``, accept right answers and
reject wrong ones."""

import numpy as np
import pytest

from course_lib import checks
from course_lib.checks import nb03_channels_and_filters as nb03


def _shape_right(input_shape, kernel_size, filters):
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    return (input_shape[0] - kh + 1, input_shape[1] - kw + 1, filters)


def test_conv_output_shape_cases_agree_with_keras():
    # The check trusts course_lib.conv.conv2d; Keras must give the same shapes.
    from course_lib.session import import_tensorflow

    import_tensorflow()
    import keras

    for input_shape, kernel_size, filters in nb03._CONV_SHAPE_CASES:
        layer = keras.layers.Conv2D(filters, kernel_size)
        assert layer.compute_output_shape((1, *input_shape))[1:] == _shape_right(
            input_shape, kernel_size, filters
        )


def test_check_conv_output_shape_accepts_right_answers(capsys):
    checks.check_conv_output_shape(_shape_right)
    checks.check_conv_output_shape(lambda s, k, f: list(_shape_right(s, k, f)))  # a list is fine
    assert capsys.readouterr().out.count("Correct") == 2


def test_check_conv_output_shape_rejects_input_channels():
    with pytest.raises(AssertionError, match=r"keeps the input's channels[\s\S]*channels become filters"):
        checks.check_conv_output_shape(lambda s, k, f: _shape_right(s, k, f)[:2] + (s[2],))


def test_check_conv_output_shape_rejects_off_by_one_and_missing_axis():
    with pytest.raises(AssertionError, match=r"returned \(27, 27, 6\): it is one position short[\s\S]*first position too"):
        checks.check_conv_output_shape(lambda s, k, f: (s[0] - k, s[1] - k, f))
    with pytest.raises(AssertionError, match="height and width only"):
        checks.check_conv_output_shape(lambda s, k, f: _shape_right(s, k, f)[:2])


def test_check_conv_output_shape_rejects_square_only_code_and_crashes():
    # Reads kernel_size as an int only: crashes on the pair (3, 5).
    with pytest.raises(AssertionError, match="raised TypeError"):
        checks.check_conv_output_shape(lambda s, k, f: (s[0] - k + 1, s[1] - k + 1, f))
    # Uses kh for both sides: wrong on the non-square kernels.
    with pytest.raises(AssertionError, match=r"returned \(62, 46, 16\): it uses the kernel's height along both sides"):
        checks.check_conv_output_shape(lambda s, k, f: _shape_right(s, _kernel_rows(k), f))
    with pytest.raises(AssertionError, match="not attempted yet"):
        checks.check_conv_output_shape(lambda s, k, f: (_ for _ in ()).throw(NotImplementedError))
    with pytest.raises(AssertionError, match="conv_output_shape returned None"):
        checks.check_conv_output_shape(lambda s, k, f: None)


def _kernel_rows(kernel_size):
    return kernel_size if isinstance(kernel_size, int) else (kernel_size[0], kernel_size[0])


def _params_right(kernel_size, c_in, filters, use_bias=True):
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    return kh * kw * c_in * filters + (filters if use_bias else 0)


def test_check_conv_params_accepts_a_right_answer(capsys):
    checks.check_conv_params(_params_right)
    assert capsys.readouterr().out.startswith("Correct")


def test_check_conv_params_rejects_a_missing_c_in():
    with pytest.raises(AssertionError, match=r"returned 320: it leaves out the factor c_in[\s\S]*c_in is part of every filter"):
        checks.check_conv_params(lambda k, c_in, f, use_bias=True: _params_right(k, 1, f, use_bias))


def test_check_conv_params_rejects_wrong_biases():
    with pytest.raises(AssertionError, match="leaves out the biases"):
        checks.check_conv_params(
            lambda k, c_in, f, use_bias=False: _params_right(k, c_in, f, use_bias)
        )
    with pytest.raises(AssertionError, match="counts the biases even with use_bias=False"):
        checks.check_conv_params(lambda k, c_in, f, use_bias=True: _params_right(k, c_in, f, True))
    with pytest.raises(AssertionError, match=r"conv_params\(3, 3, 32\) returned 867, which is too small"):
        checks.check_conv_params(
            lambda k, c_in, f, use_bias=True: _params_right(k, c_in, f, False) + c_in
        )


def test_check_conv_params_rejects_square_only_code_and_non_numbers():
    with pytest.raises(AssertionError, match=r"conv_params\(\(1, 7\), 64, 128\) returned 8,?320"):
        checks.check_conv_params(
            lambda k, c_in, f, use_bias=True: _params_right(_kernel_rows(k), c_in, f, use_bias)
        )
    with pytest.raises(AssertionError, match="expected a number"):
        checks.check_conv_params(
            lambda k, c_in, f, use_bias=True: str(_params_right(k, c_in, f, use_bias))
        )


def test_check_gray_kernel(capsys):
    from course_lib.images import GRAY_WEIGHTS

    checks.check_gray_kernel(GRAY_WEIGHTS.reshape(1, 1, 3, 1))
    checks.check_gray_kernel(np.array([0.299, 0.587, 0.114]).reshape(1, 1, 3, 1))
    assert capsys.readouterr().out.count("Correct") == 2
    with pytest.raises(AssertionError, match=r"asks for a \(1, 1, 3, 1\) kernel[\s\S]*\(kh, kw, c_in,"):
        checks.check_gray_kernel(GRAY_WEIGHTS)
    with pytest.raises(AssertionError, match="same weight, 0.3333"):
        checks.check_gray_kernel(np.full((1, 1, 3, 1), 1 / 3))
    with pytest.raises(AssertionError, match="order B, G, R"):
        checks.check_gray_kernel(GRAY_WEIGHTS[::-1].reshape(1, 1, 3, 1))
    with pytest.raises(AssertionError, match="differs from the right result"):
        checks.check_gray_kernel(np.array([0.3, 0.6, 0.1]).reshape(1, 1, 3, 1))
    with pytest.raises(AssertionError, match="array of numbers"):
        checks.check_gray_kernel("grey")


def right_answers():
    """Check name -> the arguments of one right answer (tests/test_every_check.py uses them)."""
    from course_lib.images import GRAY_WEIGHTS

    return {
        "check_conv_output_shape": (_shape_right,),
        "check_conv_params": (_params_right,),
        "check_gray_kernel": (GRAY_WEIGHTS.reshape(1, 1, 3, 1),),
    }
