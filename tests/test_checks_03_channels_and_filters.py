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


def _conv_multi_right(x, kernel, bias):
    """Loops over the output positions; each filter's products summed over window and channels."""
    (h, w, _), (kh, kw, _, filters) = x.shape, kernel.shape
    y = np.zeros((h - kh + 1, w - kw + 1, filters))
    for i in range(h - kh + 1):
        for j in range(w - kw + 1):
            window = x[i : i + kh, j : j + kw, :]
            y[i, j] = np.sum(window[..., None] * kernel, axis=(0, 1, 2)) + bias
    return y


def _conv_multi_windows(x, kernel, bias, flip=False, per_channel=False, bias_times=1):
    """A vectorised version, with switches for the mistakes the check names."""
    kh, kw = kernel.shape[:2]
    kernel = kernel[::-1, ::-1] if flip else kernel
    windows = np.lib.stride_tricks.sliding_window_view(x, (kh, kw), axis=(0, 1))  # (H', W', C, kh, kw)
    if per_channel:  # one map per channel and filter, (H', W', C, F)
        return np.einsum("ijcuv,uvcf->ijcf", windows, kernel) + bias
    return np.einsum("ijcuv,uvcf->ijf", windows, kernel) + bias_times * bias


def test_check_conv_multi_accepts_loops_einsum_and_float32(capsys):
    checks.check_conv_multi(_conv_multi_right)
    checks.check_conv_multi(_conv_multi_windows)
    checks.check_conv_multi(lambda x, k, b: _conv_multi_right(x, k, b).astype(np.float32).tolist())
    assert capsys.readouterr().out.count("Correct") == 3


def _calls_conv2d(x, kernel, bias):
    from course_lib.conv import conv2d

    return conv2d(x, kernel, bias=bias)


def test_check_conv_multi_rejects_a_function_that_calls_a_library_convolution():
    with pytest.raises(AssertionError, match=r"calls a library function that computes the whole convolution[\s\S]*write the sums"):
        checks.check_conv_multi(_calls_conv2d)
    # Under another name, inside a helper of the notebook's own, or through TensorFlow.
    from course_lib.conv import conv2d as correlate_all

    with pytest.raises(AssertionError, match="calls a library function"):
        checks.check_conv_multi(lambda x, k, b: correlate_all(x, k, bias=b))
    with pytest.raises(AssertionError, match="calls a library function"):
        checks.check_conv_multi(lambda x, k, b: _calls_conv2d(x, k, b))
    with pytest.raises(AssertionError, match="calls a library function"):
        checks.check_conv_multi(_tf_conv2d)
    # Writing the sums, with NumPy's products and sums, is what the exercise asks.
    assert not nb03._delegates_to(_conv_multi_right, nb03._LIBRARY_CONVOLUTIONS)


def _tf_conv2d(x, kernel, bias):
    from course_lib.session import import_tensorflow

    tf = import_tensorflow()
    return tf.nn.conv2d(x[None], kernel, strides=1, padding="VALID")[0].numpy() + bias


def test_check_conv_multi_rejects_maps_that_are_not_summed_over_the_channels():
    with pytest.raises(AssertionError, match=r"one map per input channel and filter[\s\S]*AND over the channels"):
        checks.check_conv_multi(lambda x, k, b: _conv_multi_windows(x, k, b, per_channel=True))
    with pytest.raises(AssertionError, match="one map per input channel and filter"):
        checks.check_conv_multi(
            lambda x, k, b: _conv_multi_windows(x, k, b, per_channel=True).reshape(*x.shape[:2] - np.array(k.shape[:2]) + 1, -1)
        )
    # The output keeps C channels: each channel summed over the filters instead.
    with pytest.raises(AssertionError, match=r"keeps the input's 3 channels[\s\S]*one map for each"):
        checks.check_conv_multi(lambda x, k, b: _conv_multi_windows(x, k, b, per_channel=True).sum(axis=3))


def test_check_conv_multi_rejects_a_missing_or_repeated_bias():
    with pytest.raises(AssertionError, match=r"leaves out the bias[\s\S]*Add bias\[f\]"):
        checks.check_conv_multi(lambda x, k, b: _conv_multi_windows(x, k, b, bias_times=0))
    with pytest.raises(AssertionError, match="adds the bias once per input channel, 3 times in all"):
        checks.check_conv_multi(lambda x, k, b: _conv_multi_windows(x, k, b, bias_times=x.shape[2]))


def test_check_conv_multi_rejects_a_flipped_kernel():
    with pytest.raises(AssertionError, match=r"flips the kernel \(a convolution, not a cross-correlation\)\.\n"):
        checks.check_conv_multi(lambda x, k, b: _conv_multi_windows(x, k, b, flip=True))
    with pytest.raises(AssertionError, match="flips the kernel .* and leaves out the bias"):
        checks.check_conv_multi(lambda x, k, b: _conv_multi_windows(x, k, b, flip=True, bias_times=0))


def test_check_conv_multi_rejects_wrong_sizes_and_layouts():
    def short(x, k, b):
        return _conv_multi_right(x, k, b)[:-1, :-1]

    with pytest.raises(AssertionError, match=r"one position short[\s\S]*first position too"):
        checks.check_conv_multi(short)
    with pytest.raises(AssertionError, match="one position too many"):
        checks.check_conv_multi(lambda x, k, b: np.pad(_conv_multi_right(x, k, b), ((0, 1), (0, 1), (0, 0))))
    with pytest.raises(AssertionError, match="height and width are swapped"):
        checks.check_conv_multi(lambda x, k, b: _conv_multi_right(x, k.transpose(1, 0, 2, 3), b))
    with pytest.raises(AssertionError, match="the maps come first"):
        checks.check_conv_multi(lambda x, k, b: _conv_multi_right(x, k, b).transpose(2, 0, 1))
    with pytest.raises(AssertionError, match=r"returned an array of shape \(4, 4\): it has 2 axes, fewer than the result should have"):
        checks.check_conv_multi(lambda x, k, b: _conv_multi_right(x, k, b)[:, :, 0])


def test_check_conv_multi_names_the_first_wrong_value_and_handles_crashes():
    def one_off(x, k, b):
        y = _conv_multi_right(x, k, b)
        y[1, 2, 1] += 0.5
        return y

    with pytest.raises(AssertionError, match="right shape but not the right values; the first wrong one is at row 1, column 2 of map 1"):
        checks.check_conv_multi(one_off)
    with pytest.raises(AssertionError, match="not attempted yet"):
        checks.check_conv_multi(lambda x, k, b: (_ for _ in ()).throw(NotImplementedError))
    with pytest.raises(AssertionError, match="conv_multi returned None"):
        checks.check_conv_multi(lambda x, k, b: None)
    with pytest.raises(AssertionError, match="raised IndexError"):  # the bias indexed by channel
        checks.check_conv_multi(lambda x, k, b: _conv_multi_right(x, k, b) + b[x.shape[2] - 1])


def right_answers():
    """Check name -> the arguments of one right answer (tests/test_every_check.py uses them)."""
    return {
        "check_conv_multi": (_conv_multi_right,),
        "check_conv_output_shape": (_shape_right,),
        "check_conv_params": (_params_right,),
    }
