"""Every exercise check accepts a right answer and rejects wrong ones.

A check that cannot fail proves nothing, so each public function of ``course_lib.checks`` must be
named in a ``pytest.raises(AssertionError)`` test below (``test_every_check_is_tested``).
"""

import inspect
import re
from pathlib import Path

import numpy as np
import pytest

from course_lib import checks


def test_every_check_is_tested():
    source = Path(__file__).read_text()
    public = [
        name
        for name, obj in inspect.getmembers(checks, inspect.isfunction)
        if not name.startswith("_") and obj.__module__ == checks.__name__
    ]
    rejected = set(re.findall(r"pytest\.raises\(AssertionError[^\n]*\n\s+checks\.(\w+)\(", source))
    missing = sorted(set(public) - rejected)
    assert not missing, f"checks without a test that they reject a wrong answer: {missing}"


# --------------------------------------------------------------------------- 00 welcome


def _pixel_image(shape=(5, 7), pixel=(2, 4), value=1, dtype=np.float32):
    x = np.zeros(shape, dtype=dtype)
    x[pixel] = value
    return x


def test_single_pixel_image_accepts_right_answer(capsys):
    checks.check_single_pixel_image(_pixel_image())
    assert capsys.readouterr().out.startswith("Correct:")


def test_single_pixel_image_rejects_a_list():
    with pytest.raises(AssertionError, match="should be a NumPy array"):
        checks.check_single_pixel_image(_pixel_image().tolist())


def test_single_pixel_image_rejects_swapped_shape():
    with pytest.raises(AssertionError, match=r"shape \(7, 5\)[\s\S]*rows first"):
        checks.check_single_pixel_image(_pixel_image(shape=(7, 5), pixel=(4, 2)))


def test_single_pixel_image_rejects_float64():
    with pytest.raises(AssertionError, match="dtype float64; expected float32"):
        checks.check_single_pixel_image(_pixel_image(dtype=np.float64))


def test_single_pixel_image_rejects_all_zeros():
    with pytest.raises(AssertionError, match="every value of x is 0"):
        checks.check_single_pixel_image(np.zeros((5, 7), dtype=np.float32))


def test_single_pixel_image_rejects_ones_background():
    with pytest.raises(AssertionError, match="35 non-zero values"):
        checks.check_single_pixel_image(np.ones((5, 7), dtype=np.float32))


def test_single_pixel_image_rejects_swapped_index():
    with pytest.raises(AssertionError, match=r"at \(4, 2\)[\s\S]*rows first"):
        checks.check_single_pixel_image(_pixel_image(pixel=(4, 2)))


def test_single_pixel_image_rejects_counting_from_one():
    with pytest.raises(AssertionError, match=r"at \(3, 5\)[\s\S]*counts from 0"):
        checks.check_single_pixel_image(_pixel_image(pixel=(3, 5)))


def test_single_pixel_image_rejects_255():
    with pytest.raises(AssertionError, match="is 255; expected 1"):
        checks.check_single_pixel_image(_pixel_image(value=255))


@pytest.mark.parametrize("answer", ["receptive field", "Receptive Field", "  receptive   field "])
def test_glossary_term_accepts_case_and_spacing(answer, capsys):
    checks.check_glossary_term(answer)
    assert "'receptive field'" in capsys.readouterr().out


def test_glossary_term_rejects_another_term():
    with pytest.raises(AssertionError, match=r"English for 특성 맵, not for 수용장[\s\S]*table"):
        checks.check_glossary_term("feature map")


def test_glossary_term_rejects_unknown_words_and_types():
    with pytest.raises(AssertionError, match="not the English term for 수용장"):
        checks.check_glossary_term("perception field")
    with pytest.raises(AssertionError, match="should be a string"):
        checks.check_glossary_term(None)
    with pytest.raises(AssertionError, match="empty string"):
        checks.check_glossary_term("  ")
    with pytest.raises(AssertionError, match="Korean term 수용장 itself"):
        checks.check_glossary_term("수용장")


def test_glossary_term_follows_its_korean_argument(capsys):
    checks.check_glossary_term("Stride", korean="스트라이드")
    assert "'stride'" in capsys.readouterr().out


def test_glossary_korean_terms_are_unique():
    from course_lib.glossary import GLOSSARY, korean_to_english

    for english, (korean, meaning) in GLOSSARY.items():
        assert korean_to_english(korean) == english
        assert meaning


POOLING_TERMS = ["pooling", "max pooling", "average pooling", "global average pooling"]


def test_glossary_search_accepts_any_order_and_case(capsys):
    checks.check_glossary_search(list(reversed(POOLING_TERMS)))
    checks.check_glossary_search(tuple(t.upper() for t in POOLING_TERMS))
    assert capsys.readouterr().out.count("Correct:") == 2


def test_glossary_search_rejects_a_missing_term():
    with pytest.raises(AssertionError, match="misses 1 of the 4 terms, e.g. 'pooling'"):
        checks.check_glossary_search(POOLING_TERMS[1:])


def test_glossary_search_rejects_an_extra_term():
    with pytest.raises(AssertionError, match="does not contain 풀링: 'stride'"):
        checks.check_glossary_search(POOLING_TERMS + ["stride"])


def test_glossary_search_rejects_wrong_types():
    with pytest.raises(AssertionError, match="one string"):
        checks.check_glossary_search("pooling")
    with pytest.raises(AssertionError, match="received int"):
        checks.check_glossary_search(4)
    with pytest.raises(AssertionError, match="only strings"):
        checks.check_glossary_search([1, 2])


# --------------------------------------------------------------------------- 01 images and dense layers


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
    with pytest.raises(AssertionError, match="not 256"):
        checks.check_unit_range(lambda image: image.astype(np.float32) / 256)


def test_check_unit_range_rejects_float64():
    with pytest.raises(AssertionError, match="dtype is float64"):
        checks.check_unit_range(lambda image: image / 255)


def test_check_unit_range_rejects_unscaled_and_unwritten_answers():
    with pytest.raises(AssertionError, match="unchanged"):
        checks.check_unit_range(lambda image: image.astype(np.float32))
    with pytest.raises(AssertionError, match="not written yet"):
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
    with pytest.raises(AssertionError, match="multiply row by both"):
        checks.check_flat_index(
            lambda row, col, channel, width, channels: row * width + col * channels + channel
        )


def test_check_flat_index_rejects_other_wrong_orders():
    with pytest.raises(AssertionError, match="multiply col by channels"):
        checks.check_flat_index(
            lambda row, col, channel, width, channels: row * width * channels + col + channel
        )
    with pytest.raises(AssertionError, match="expected 2"):
        checks.check_flat_index(lambda row, col, channel, width, channels: row * width + col)
    with pytest.raises(AssertionError, match="whole number"):
        checks.check_flat_index(lambda row, col, channel, width, channels: 0.0)


# --------------------------------------------------------------------------- 02 convolution


def _corr2d_right(image, kernel):
    from course_lib.conv import conv2d

    return conv2d(image, kernel)


def test_check_corr2d_accepts_a_right_answer(capsys):
    checks.check_corr2d(_corr2d_right)
    assert capsys.readouterr().out.startswith("Correct")


def test_check_corr2d_rejects_a_flipped_kernel():
    with pytest.raises(AssertionError, match="flips the kernel"):
        checks.check_corr2d(lambda image, kernel: _corr2d_right(image, kernel[::-1, ::-1]))


def test_check_corr2d_rejects_a_wrong_size_and_a_crash_and_a_stub():
    with pytest.raises(AssertionError, match="shape"):
        checks.check_corr2d(lambda image, kernel: _corr2d_right(image, kernel)[:-1])
    with pytest.raises(AssertionError, match="raised IndexError"):
        checks.check_corr2d(lambda image, kernel: image[100, 100])
    with pytest.raises(AssertionError, match="not written yet"):
        checks.check_corr2d(lambda image, kernel: (_ for _ in ()).throw(NotImplementedError))
    with pytest.raises(AssertionError, match="returned None"):
        checks.check_corr2d(lambda image, kernel: None)
    with pytest.raises(AssertionError, match="corr2d returned a str, not an array"):
        checks.check_corr2d(lambda image, kernel: "the output")


def test_check_corr2d_rejects_square_only_code():
    # A classic bug: using kh for both directions works on square kernels only.
    def square_only(image, kernel):
        kh = kernel.shape[0]
        return _corr2d_right(image, np.resize(kernel, (kh, kh)))

    with pytest.raises(AssertionError, match="corr2d"):
        checks.check_corr2d(square_only)


def test_check_convolve(capsys):
    import scipy.signal

    checks.check_convolve(lambda image, kernel: scipy.signal.convolve2d(image, kernel, mode="valid"))
    assert "Correct" in capsys.readouterr().out
    with pytest.raises(AssertionError, match="did not flip"):
        checks.check_convolve(_corr2d_right)
    with pytest.raises(AssertionError, match="upside down only"):
        checks.check_convolve(lambda image, kernel: _corr2d_right(image, kernel[::-1]))
    with pytest.raises(AssertionError, match="convolve returned None"):
        checks.check_convolve(lambda image, kernel: None)
    with pytest.raises(AssertionError, match="convolve returned a list, not an array"):
        checks.check_convolve(lambda image, kernel: [[1, 2], [3]])


def test_check_horizontal_edge_filter(capsys):
    checks.check_horizontal_edge_filter([[-1, -1, -1], [0, 0, 0], [1, 1, 1]])
    checks.check_horizontal_edge_filter(np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]]))
    assert capsys.readouterr().out.count("Correct") == 2
    with pytest.raises(AssertionError, match="weights sum to"):
        checks.check_horizontal_edge_filter(np.ones((3, 3)))
    with pytest.raises(AssertionError, match="no positive response"):
        checks.check_horizontal_edge_filter([[1, 1, 1], [0, 0, 0], [-1, -1, -1]])
    with pytest.raises(AssertionError, match="vertical edge"):
        checks.check_horizontal_edge_filter([[-1, -1, -1], [0, 0, 0], [-1, 1, 3]])
    with pytest.raises(AssertionError, match=r"expected \(3, 3\)"):
        checks.check_horizontal_edge_filter(np.zeros((2, 2)))


# --------------------------------------------------------------------------- 03 channels and many filters


def _shape_right(input_shape, kernel_size, filters):
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    return (input_shape[0] - kh + 1, input_shape[1] - kw + 1, filters)


def test_conv_output_shape_cases_agree_with_keras():
    # The check trusts course_lib.conv.conv2d; Keras must give the same shapes.
    from course_lib.session import import_tensorflow

    import_tensorflow()
    import keras

    for input_shape, kernel_size, filters in checks._CONV_SHAPE_CASES:
        layer = keras.layers.Conv2D(filters, kernel_size)
        assert layer.compute_output_shape((1, *input_shape))[1:] == _shape_right(
            input_shape, kernel_size, filters
        )


def test_check_conv_output_shape_accepts_right_answers(capsys):
    checks.check_conv_output_shape(_shape_right)
    checks.check_conv_output_shape(lambda s, k, f: list(_shape_right(s, k, f)))  # a list is fine
    assert capsys.readouterr().out.count("Correct") == 2


def test_check_conv_output_shape_rejects_input_channels():
    with pytest.raises(AssertionError, match=r"input's 3 channels[\s\S]*Channels become filters"):
        checks.check_conv_output_shape(lambda s, k, f: _shape_right(s, k, f)[:2] + (s[2],))


def test_check_conv_output_shape_rejects_off_by_one_and_missing_axis():
    with pytest.raises(AssertionError, match=r"one position short[\s\S]*n - k \+ 1"):
        checks.check_conv_output_shape(lambda s, k, f: (s[0] - k, s[1] - k, f))
    with pytest.raises(AssertionError, match="height and width only"):
        checks.check_conv_output_shape(lambda s, k, f: _shape_right(s, k, f)[:2])


def test_check_conv_output_shape_rejects_square_only_code_and_crashes():
    # Reads kernel_size as an int only: crashes on the pair (3, 5).
    with pytest.raises(AssertionError, match="raised TypeError"):
        checks.check_conv_output_shape(lambda s, k, f: (s[0] - k + 1, s[1] - k + 1, f))
    # Uses kh for both sides: wrong on the non-square kernels.
    with pytest.raises(AssertionError, match=r"returned \(62, 46, 16\); expected \(62, 44, 16\)"):
        checks.check_conv_output_shape(lambda s, k, f: _shape_right(s, _kernel_rows(k), f))
    with pytest.raises(AssertionError, match="not written yet"):
        checks.check_conv_output_shape(lambda s, k, f: (_ for _ in ()).throw(NotImplementedError))
    with pytest.raises(AssertionError, match="expected a tuple of three ints"):
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
    with pytest.raises(AssertionError, match=r"factor c_in = 3[\s\S]*c_in is part of every filter"):
        checks.check_conv_params(lambda k, c_in, f, use_bias=True: _params_right(k, 1, f, use_bias))


def test_check_conv_params_rejects_wrong_biases():
    with pytest.raises(AssertionError, match="biases are missing"):
        checks.check_conv_params(
            lambda k, c_in, f, use_bias=False: _params_right(k, c_in, f, use_bias)
        )
    with pytest.raises(AssertionError, match="use_bias=False there are no biases"):
        checks.check_conv_params(lambda k, c_in, f, use_bias=True: _params_right(k, c_in, f, True))
    with pytest.raises(AssertionError, match="Keras counts 896"):
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
    with pytest.raises(AssertionError, match=r"expected \(1, 1, 3, 1\)[\s\S]*\(kh, kw, c_in,"):
        checks.check_gray_kernel(GRAY_WEIGHTS)
    with pytest.raises(AssertionError, match="same weight, 0.3333"):
        checks.check_gray_kernel(np.full((1, 1, 3, 1), 1 / 3))
    with pytest.raises(AssertionError, match="order B, G, R"):
        checks.check_gray_kernel(GRAY_WEIGHTS[::-1].reshape(1, 1, 3, 1))
    with pytest.raises(AssertionError, match="differs from the expected values"):
        checks.check_gray_kernel(np.array([0.3, 0.6, 0.1]).reshape(1, 1, 3, 1))
    with pytest.raises(AssertionError, match="array of numbers"):
        checks.check_gray_kernel("grey")


# --------------------------------------------------------------------------- 04 padding and stride


def _out_size_right(n, k, s, p):
    return (n + 2 * p - k) // s + 1


def test_check_out_size_accepts_a_right_answer(capsys):
    checks.check_out_size(_out_size_right)
    assert capsys.readouterr().out.startswith("Correct")


def test_check_out_size_rejects_a_missing_plus_one():
    with pytest.raises(AssertionError, match=r"returned 4; expected 5[\s\S]*Add 1"):
        checks.check_out_size(lambda n, k, s, p: (n + 2 * p - k) // s)


def test_check_out_size_rejects_padding_counted_once():
    with pytest.raises(AssertionError, match=r"n=4, k=3, s=1, p=1\) returned 3; expected 4[\s\S]*each\* side"):
        checks.check_out_size(lambda n, k, s, p: (n + p - k) // s + 1)


def test_check_out_size_rejects_ignored_padding():
    with pytest.raises(AssertionError, match="padding is missing"):
        checks.check_out_size(lambda n, k, s, p: (n - k) // s + 1)


def test_check_out_size_rejects_true_division():
    with pytest.raises(AssertionError, match=r"returned 5, a float[\s\S]*floor division"):
        checks.check_out_size(lambda n, k, s, p: (n + 2 * p - k) / s + 1)
    with pytest.raises(AssertionError, match=r"s=3, p=0\) returned 2.33333, a float"):
        checks.check_out_size(lambda n, k, s, p: (n + 2 * p - k) / s + 1 if s == 3 else _out_size_right(n, k, s, p))


def test_check_out_size_rejects_rounding_up():
    import math

    with pytest.raises(AssertionError, match=r"s=3, p=0\) returned 3; expected 2[\s\S]*Round down"):
        checks.check_out_size(lambda n, k, s, p: math.ceil((n + 2 * p - k) / s) + 1)


def test_check_out_size_rejects_a_stub_and_wrong_types():
    def stub(n, k, s, p):
        raise NotImplementedError

    with pytest.raises(AssertionError, match="not written yet"):
        checks.check_out_size(stub)
    with pytest.raises(AssertionError, match="returned None"):
        checks.check_out_size(lambda n, k, s, p: None)
    with pytest.raises(AssertionError, match="expected an int"):
        checks.check_out_size(lambda n, k, s, p: str(_out_size_right(n, k, s, p)))


def _fitting_strides_right(n, k):
    return [s for s in range(1, n + 1) if (n - k) % s == 0]


def test_check_fitting_strides_accepts_a_right_answer(capsys):
    checks.check_fitting_strides(_fitting_strides_right)
    checks.check_fitting_strides(lambda n, k: tuple(_fitting_strides_right(n, k)))
    assert capsys.readouterr().out.count("Correct") == 2


def test_check_fitting_strides_rejects_a_stride_that_does_not_fit():
    with pytest.raises(AssertionError, match=r"fitting_strides\(7, 3\) includes stride 3, which does not fit"):
        checks.check_fitting_strides(lambda n, k: [1, 2, 3, 4])


def test_check_fitting_strides_rejects_dividing_n_instead_of_n_minus_k():
    with pytest.raises(AssertionError, match=r"includes stride 7[\s\S]*\(n - k\) % s"):
        checks.check_fitting_strides(lambda n, k: [s for s in range(1, n + 1) if n % s == 0])


def test_check_fitting_strides_rejects_range_stopping_early():
    with pytest.raises(AssertionError, match=r"fitting_strides\(5, 5\) misses stride 5[\s\S]*range\(1, n \+ 1\)"):
        checks.check_fitting_strides(lambda n, k: [s for s in range(1, n) if (n - k) % s == 0])


def test_check_fitting_strides_rejects_forgetting_the_single_window():
    with pytest.raises(AssertionError, match=r"misses stride 1[\s\S]*as large as the input"):
        checks.check_fitting_strides(lambda n, k: [s for s in range(1, n - k + 1) if (n - k) % s == 0])


def test_check_fitting_strides_rejects_wrong_order_and_types():
    with pytest.raises(AssertionError, match="smallest first"):
        checks.check_fitting_strides(lambda n, k: _fitting_strides_right(n, k)[::-1])
    with pytest.raises(AssertionError, match="returned None"):
        checks.check_fitting_strides(lambda n, k: None)
    with pytest.raises(AssertionError, match="expected a list of ints"):
        checks.check_fitting_strides(lambda n, k: 4)


def _same_pads_right(n, k, s):
    import math

    total = max((math.ceil(n / s) - 1) * s + k - n, 0)
    return total // 2, total - total // 2


def test_check_same_pads_accepts_a_right_answer(capsys):
    from course_lib.conv import same_padding

    checks.check_same_pads(_same_pads_right)
    checks.check_same_pads(lambda n, k, s: list(same_padding(n, k, s)))
    assert capsys.readouterr().out.count("Correct") == 2


def test_check_same_pads_rejects_the_extra_zero_before():
    def extra_before(n, k, s):
        before, after = _same_pads_right(n, k, s)
        return after, before

    with pytest.raises(AssertionError, match=r"returned \(2, 1\); expected \(1, 2\)[\s\S]*\*after\*"):
        checks.check_same_pads(extra_before)


def test_check_same_pads_rejects_a_missing_max():
    import math

    def no_max(n, k, s):
        total = (math.ceil(n / s) - 1) * s + k - n
        return total // 2, total - total // 2

    with pytest.raises(AssertionError, match=r"s=3\) returned \(-1, 0\)[\s\S]*max\(\.\.\., 0\)"):
        checks.check_same_pads(no_max)


def test_check_same_pads_rejects_the_stride_one_rule():
    with pytest.raises(AssertionError, match=r"returned \(2, 3\)[\s\S]*only with stride 1"):
        checks.check_same_pads(lambda n, k, s: ((k - 1) // 2, k - 1 - (k - 1) // 2))


def test_check_same_pads_rejects_wrong_shapes():
    with pytest.raises(AssertionError, match="returned 3 values"):
        checks.check_same_pads(lambda n, k, s: (1, 2, 0))
    with pytest.raises(AssertionError, match="expected a pair"):
        checks.check_same_pads(lambda n, k, s: 3)


# --------------------------------------------------------------------------- 05 pooling


def _max_pool_2x2_right(x):
    h, w = x.shape
    return x.reshape(h // 2, 2, w // 2, 2).max(axis=(1, 3))


def test_check_max_pool_2x2_accepts_reshape_and_loops(capsys):
    from course_lib.pooling import pool2d_loops

    checks.check_max_pool_2x2(_max_pool_2x2_right)
    checks.check_max_pool_2x2(lambda x: pool2d_loops(x, 2))
    assert capsys.readouterr().out.count("Correct") == 2


def test_check_max_pool_2x2_rejects_average_and_overlap():
    with pytest.raises(AssertionError, match="average pooling"):
        checks.check_max_pool_2x2(lambda x: x.reshape(x.shape[0] // 2, 2, -1, 2).mean(axis=(1, 3)))
    with pytest.raises(AssertionError, match=r"overlap \(stride 1\)"):
        checks.check_max_pool_2x2(
            lambda x: np.maximum.reduce([x[:-1, :-1], x[1:, :-1], x[:-1, 1:], x[1:, 1:]])
        )


def test_check_max_pool_2x2_rejects_wrong_reshape_swap_stub_and_zero_start():
    # reshape(H/2, W/2, 2, 2) groups the wrong values together: right shape, wrong numbers.
    with pytest.raises(AssertionError, match="differs from the expected values"):
        checks.check_max_pool_2x2(
            lambda x: x.reshape(x.shape[0] // 2, x.shape[1] // 2, 2, 2).max(axis=(2, 3))
        )
    with pytest.raises(AssertionError, match="rows and columns swapped"):
        checks.check_max_pool_2x2(lambda x: _max_pool_2x2_right(x).T)
    with pytest.raises(AssertionError, match="not written yet"):
        checks.check_max_pool_2x2(lambda x: (_ for _ in ()).throw(NotImplementedError))
    with pytest.raises(AssertionError, match="returned None"):
        checks.check_max_pool_2x2(lambda x: None)
    # Starting each window's maximum at 0 is wrong for windows of negative values.
    with pytest.raises(AssertionError, match="differs"):
        checks.check_max_pool_2x2(lambda x: np.maximum(_max_pool_2x2_right(x), 0))


def _pooled_shape_right(input_shape, pool_size, strides=None, padding="valid"):
    strides = pool_size if strides is None else strides
    h, w, c = input_shape
    if padding == "same":
        return (-(-h // strides), -(-w // strides), c)
    return ((h - pool_size) // strides + 1, (w - pool_size) // strides + 1, c)


def test_check_pooled_shape_accepts_the_formula(capsys):
    checks.check_pooled_shape(_pooled_shape_right)
    assert "Correct" in capsys.readouterr().out


def test_check_pooled_shape_rejects_valid_only_and_missing_channels():
    def valid_only(input_shape, pool_size, strides=None, padding="valid"):
        return _pooled_shape_right(input_shape, pool_size, strides, "valid")

    with pytest.raises(AssertionError, match="the 'valid' size"):
        checks.check_pooled_shape(valid_only)
    def no_channels(input_shape, pool_size, strides=None, padding="valid"):
        return _pooled_shape_right(input_shape, pool_size, strides, padding)[:2]

    with pytest.raises(AssertionError, match="channels are missing"):
        checks.check_pooled_shape(no_channels)


def test_check_pooled_shape_rejects_stride_one_default_and_a_crash():
    def stride_one(input_shape, pool_size, strides=None, padding="valid"):
        return _pooled_shape_right(input_shape, pool_size, strides or 1, padding)

    with pytest.raises(AssertionError, match=r"gives \(14, 14, 32\)"):
        checks.check_pooled_shape(stride_one)
    # Ignoring strides=None crashes on the first case; the crash becomes a failed check.
    with pytest.raises(AssertionError, match="raised TypeError"):
        checks.check_pooled_shape(
            lambda s, p, strides=None, padding="valid": ((s[0] - p) // strides + 1,)
        )


def test_check_global_average_pool(capsys):
    checks.check_global_average_pool(lambda x: x.mean(axis=(1, 2)))
    assert "Correct" in capsys.readouterr().out
    with pytest.raises(AssertionError, match="global max pooling"):
        checks.check_global_average_pool(lambda x: x.max(axis=(1, 2)))
    with pytest.raises(AssertionError, match="one row per image"):
        checks.check_global_average_pool(lambda x: x.mean(axis=(1, 2), keepdims=True))
    with pytest.raises(AssertionError, match="shape"):
        checks.check_global_average_pool(lambda x: x.mean(axis=(0, 1, 2)))


# --------------------------------------------------------------------------- 06 counting parameters, operations and memory


CONV_128_WEIGHTS = 3 * 3 * 64 * 128


def test_conv_layer_params_accepts_right_answer(capsys):
    checks.check_conv_layer_params(CONV_128_WEIGHTS + 128, CONV_128_WEIGHTS)
    checks.check_conv_layer_params(float(CONV_128_WEIGHTS + 128), np.int64(CONV_128_WEIGHTS))
    assert capsys.readouterr().out.count("Correct:") == 2


def test_conv_layer_params_rejects_missing_c_in():
    with pytest.raises(AssertionError, match="factor c_in = 64 is missing"):
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
    with pytest.raises(AssertionError, match="Keras counts 73,856"):
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


def test_conv_macs_accepts_right_answer(capsys):
    checks.check_conv_macs(_conv_macs_right)
    assert capsys.readouterr().out.startswith("Correct:")


def test_conv_macs_rejects_flops():
    with pytest.raises(AssertionError, match="FLOPs"):
        checks.check_conv_macs(lambda h, w, k, c, f: 2 * _conv_macs_right(h, w, k, c, f))


def test_conv_macs_rejects_bias_additions():
    with pytest.raises(AssertionError, match="bias additions"):
        checks.check_conv_macs(lambda h, w, k, c, f: _conv_macs_right(h, w, k, c, f) + h * w * f)


def test_conv_macs_rejects_missing_c_in():
    with pytest.raises(AssertionError, match="factor c_in is missing"):
        checks.check_conv_macs(lambda h, w, k, c, f: h * w * k * k * f)


def test_conv_macs_rejects_k_once():
    with pytest.raises(AssertionError, match="k appears once"):
        checks.check_conv_macs(lambda h, w, k, c, f: h * w * k * c * f)


def test_conv_macs_rejects_unwritten_and_wrong_types():
    with pytest.raises(AssertionError, match="not written yet"):
        checks.check_conv_macs(_conv_macs_not_written)
    with pytest.raises(AssertionError, match="should be a number"):
        checks.check_conv_macs(lambda h, w, k, c, f: None)
    with pytest.raises(AssertionError, match="conv2d_macs gives 225,000,000"):
        checks.check_conv_macs(lambda h, w, k, c, f: h * w * c * f)


STEM_MACS = 112 * 112 * 7 * 7 * 3 * 64


def test_stem_macs_accepts_right_answer(capsys):
    checks.check_stem_macs(STEM_MACS)
    assert "118,013,952 MACs" in capsys.readouterr().out


def test_stem_macs_rejects_input_size():
    with pytest.raises(AssertionError, match="4 times too many[\\s\\S]*not the input size"):
        checks.check_stem_macs(224 * 224 * 7 * 7 * 3 * 64)


def test_stem_macs_rejects_valid_padding():
    with pytest.raises(AssertionError, match="'valid' padding \\(109 x 109\\)"):
        checks.check_stem_macs(109 * 109 * 7 * 7 * 3 * 64)


def test_stem_macs_rejects_flops_and_others():
    with pytest.raises(AssertionError, match="FLOPs"):
        checks.check_stem_macs(2 * STEM_MACS)
    with pytest.raises(AssertionError, match="expected 118,013,952"):
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
    with pytest.raises(AssertionError, match="expected 25.69"):
        checks.check_batch_activation_mb(30.0)
    with pytest.raises(AssertionError, match="should be a number"):
        checks.check_batch_activation_mb("25.69 MB")


# --------------------------------------------------------------------------- 07 how filters learn


def _kernel_gradient_right(x, grad_output, kernel_size):
    kh, kw = kernel_size
    grad = np.zeros((kh, kw))
    for i in range(grad_output.shape[0]):
        for j in range(grad_output.shape[1]):
            grad += grad_output[i, j] * x[i : i + kh, j : j + kw]
    return grad


def test_check_kernel_gradient_accepts_loops_and_a_correlation(capsys):
    from course_lib.conv import conv2d

    checks.check_kernel_gradient(_kernel_gradient_right)
    checks.check_kernel_gradient(lambda x, grad_output, kernel_size: conv2d(x, grad_output))
    assert capsys.readouterr().out.count("Correct") == 2


def test_check_kernel_gradient_rejects_a_flip():
    with pytest.raises(AssertionError, match=r"flipped[\s\S]*no flip"):
        checks.check_kernel_gradient(lambda *args: _kernel_gradient_right(*args)[::-1, ::-1])


def test_check_kernel_gradient_rejects_an_average():
    with pytest.raises(AssertionError, match=r"divided by the number of outputs[\s\S]*do not average"):
        checks.check_kernel_gradient(lambda x, g, ks: _kernel_gradient_right(x, g, ks) / g.size)


def test_check_kernel_gradient_rejects_the_input_gradient():
    from course_lib.conv import conv2d_backward

    with pytest.raises(AssertionError, match=r"shape of x[\s\S]*input gradient"):
        checks.check_kernel_gradient(lambda x, g, ks: conv2d_backward(x, np.ones(ks), g)[0])


def test_check_kernel_gradient_rejects_square_only_code_a_stub_and_none():
    def square_only(x, grad_output, kernel_size):
        return _kernel_gradient_right(x, grad_output, (kernel_size[0], kernel_size[0]))

    with pytest.raises(AssertionError, match=r"kernel_size=\(2, 4\)"):
        checks.check_kernel_gradient(square_only)
    with pytest.raises(AssertionError, match="not written yet"):
        checks.check_kernel_gradient(lambda *args: (_ for _ in ()).throw(NotImplementedError))
    with pytest.raises(AssertionError, match="returned None"):
        checks.check_kernel_gradient(lambda *args: None)


def test_check_kernel_gradient_rejects_one_window_only():
    # Forgetting to accumulate: only the last output position is kept.
    def last_only(x, grad_output, kernel_size):
        kh, kw = kernel_size
        i, j = grad_output.shape[0] - 1, grad_output.shape[1] - 1
        return grad_output[i, j] * x[i : i + kh, j : j + kw]

    with pytest.raises(AssertionError, match=r"differs[\s\S]*Each weight meets one window"):
        checks.check_kernel_gradient(last_only)


def _softmax_cross_entropy_right(logits, label):
    shifted = logits - np.max(logits)
    return np.log(np.sum(np.exp(shifted))) - shifted[label]


def test_check_softmax_cross_entropy_accepts_a_right_answer(capsys):
    checks.check_softmax_cross_entropy(_softmax_cross_entropy_right)
    checks.check_softmax_cross_entropy(lambda z, y: np.array([_softmax_cross_entropy_right(z, y)]))
    assert capsys.readouterr().out.count("Correct") == 2


def test_check_softmax_cross_entropy_rejects_overflow():
    def naive(logits, label):
        probabilities = np.exp(logits) / np.sum(np.exp(logits))
        return -np.log(probabilities[label])

    with pytest.raises(AssertionError, match=r"returned nan[\s\S]*log domain"):
        checks.check_softmax_cross_entropy(naive)


def test_check_softmax_cross_entropy_rejects_log_of_a_rounded_softmax():
    def shifted_softmax_then_log(logits, label):
        e = np.exp(logits - logits.max())
        return -np.log(e[label] / e.sum())

    with pytest.raises(AssertionError, match=r"returned inf[\s\S]*subtract the largest logit"):
        checks.check_softmax_cross_entropy(shifted_softmax_then_log)


def test_check_softmax_cross_entropy_rejects_sign_probability_log10_and_vectors():
    with pytest.raises(AssertionError, match="sign is wrong"):
        checks.check_softmax_cross_entropy(lambda z, y: -_softmax_cross_entropy_right(z, y))
    with pytest.raises(AssertionError, match="probability of the correct class, not the loss"):
        checks.check_softmax_cross_entropy(
            lambda z, y: np.exp(-_softmax_cross_entropy_right(z, y))
        )
    with pytest.raises(AssertionError, match="natural logarithm"):
        checks.check_softmax_cross_entropy(
            lambda z, y: _softmax_cross_entropy_right(z, y) / np.log(10)
        )
    with pytest.raises(AssertionError, match="expected one number"):
        checks.check_softmax_cross_entropy(
            lambda z, y: [_softmax_cross_entropy_right(z, k) for k in range(len(z))]
        )


def test_check_softmax_cross_entropy_rejects_the_wrong_class_and_a_crash():
    with pytest.raises(AssertionError, match="Keras gives"):
        checks.check_softmax_cross_entropy(
            lambda z, y: _softmax_cross_entropy_right(z, (y + 1) % len(z))
        )
    with pytest.raises(AssertionError, match="raised IndexError"):
        checks.check_softmax_cross_entropy(lambda z, y: z[len(z)])


# --------------------------------------------------------------------------- 08 a first CNN in Keras


def _small_cnn_layers(first_padding="same", filters=16, kernel_size=5, flatten=True, softmax=True):
    from course_lib.session import import_tensorflow

    import_tensorflow()
    import keras

    layers = [
        keras.Input(shape=(28, 28, 1)),
        keras.layers.Conv2D(filters, kernel_size, padding=first_padding, activation="relu"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Conv2D(32, 3, activation="relu"),
        keras.layers.MaxPooling2D(2),
    ]
    layers += [keras.layers.Flatten()] if flatten else []
    layers += [keras.layers.Dense(10, activation="softmax" if softmax else None)]
    return keras, layers


def test_check_small_cnn_accepts_sequential_and_functional_models(capsys):
    keras, layers = _small_cnn_layers()
    checks.check_small_cnn(lambda: keras.Sequential(layers))

    def functional():
        inputs = keras.Input(shape=(28, 28, 1))
        x = inputs
        for layer in _small_cnn_layers()[1][1:]:
            x = layer(x)
        return keras.Model(inputs, x)

    checks.check_small_cnn(functional)
    output = capsys.readouterr().out
    assert output.count("Correct") == 2 and "16,586 parameters" in output


def test_check_small_cnn_rejects_valid_padding_and_wrong_filters():
    keras, layers = _small_cnn_layers(first_padding="valid")
    with pytest.raises(AssertionError, match=r"outputs \(24, 24, 16\)[\s\S]*padding='same' keeps"):
        checks.check_small_cnn(lambda: keras.Sequential(layers))
    keras, layers = _small_cnn_layers(filters=32)
    with pytest.raises(AssertionError, match="number of filters sets the channels: 16"):
        checks.check_small_cnn(lambda: keras.Sequential(layers))


def test_check_small_cnn_rejects_wrong_kernel_size_and_missing_softmax():
    keras, layers = _small_cnn_layers(kernel_size=3)
    with pytest.raises(AssertionError, match=r"160 parameters; expected 416[\s\S]*kernel_size"):
        checks.check_small_cnn(lambda: keras.Sequential(layers))
    keras, layers = _small_cnn_layers(softmax=False)
    with pytest.raises(AssertionError, match=r"activation 'linear'; expected 'softmax'"):
        checks.check_small_cnn(lambda: keras.Sequential(layers))


def test_check_small_cnn_rejects_missing_flatten_and_extra_layers():
    keras, layers = _small_cnn_layers(flatten=False)
    with pytest.raises(AssertionError, match=r"expected a Flatten[\s\S]*Flatten\(\) between"):
        checks.check_small_cnn(lambda: keras.Sequential(layers))
    keras, layers = _small_cnn_layers()
    with pytest.raises(AssertionError, match="remove the Dense at the end"):
        checks.check_small_cnn(lambda: keras.Sequential(layers + [keras.layers.Dense(10)]))
    with pytest.raises(AssertionError, match="a Dense is missing at the end"):
        checks.check_small_cnn(lambda: keras.Sequential(layers[:-1]))


def test_check_small_cnn_rejects_no_input_none_and_a_stub():
    keras, layers = _small_cnn_layers()
    with pytest.raises(AssertionError, match="no input shape yet"):
        checks.check_small_cnn(lambda: keras.Sequential(layers[1:]))
    with pytest.raises(AssertionError, match=r"input has shape \(32, 32, 3\)"):
        checks.check_small_cnn(
            lambda: keras.Sequential([keras.Input(shape=(32, 32, 3))] + layers[1:])
        )
    with pytest.raises(AssertionError, match="returned None"):
        checks.check_small_cnn(lambda: None)
    with pytest.raises(AssertionError, match="not a Keras model"):
        checks.check_small_cnn(lambda: layers)
    with pytest.raises(AssertionError, match="not written yet"):
        checks.check_small_cnn(lambda: (_ for _ in ()).throw(NotImplementedError))


def _accuracy_right(probabilities, labels):
    return np.mean(np.argmax(probabilities, axis=1) == labels)


def test_check_accuracy_accepts_numpy_and_keras_answers(capsys):
    import keras

    checks.check_accuracy(_accuracy_right)
    checks.check_accuracy(lambda p, y: float(_accuracy_right(p, y)))
    checks.check_accuracy(
        lambda p, y: keras.ops.mean(
            keras.ops.cast(keras.ops.equal(keras.ops.argmax(p, axis=-1), y), "float32")
        )
    )
    assert capsys.readouterr().out.count("Correct") == 3


def test_check_accuracy_rejects_a_missing_argmax_and_a_wrong_axis():
    with pytest.raises(AssertionError, match="mean probability of the right class"):
        checks.check_accuracy(lambda p, y: p[np.arange(len(y)), y].mean())
    with pytest.raises(AssertionError, match=r"argmax\(axis=0\), which finds the best example"):
        checks.check_accuracy(lambda p, y: np.mean(p.argmax(axis=0) == y))
    with pytest.raises(AssertionError, match="argmax without an axis"):
        checks.check_accuracy(lambda p, y: np.mean(p.argmax() == y))
    with pytest.raises(AssertionError, match="share of probabilities equal to a label"):
        checks.check_accuracy(lambda p, y: np.mean(p == y))


def test_check_accuracy_rejects_counts_percentages_errors_and_arrays():
    with pytest.raises(AssertionError, match="number of right answers"):
        checks.check_accuracy(lambda p, y: np.sum(p.argmax(axis=1) == y))
    with pytest.raises(AssertionError, match="a percentage"):
        checks.check_accuracy(lambda p, y: 100 * _accuracy_right(p, y))
    with pytest.raises(AssertionError, match="error rate"):
        checks.check_accuracy(lambda p, y: 1 - _accuracy_right(p, y))
    with pytest.raises(AssertionError, match=r"returned 10 values[\s\S]*np.mean"):
        checks.check_accuracy(lambda p, y: p.argmax(axis=1) == y)
    with pytest.raises(AssertionError, match="returned None"):
        checks.check_accuracy(lambda p, y: None)
    with pytest.raises(AssertionError, match="mean confidence"):
        checks.check_accuracy(lambda p, y: p.max(axis=1).mean())


def test_restored_epoch_cases_agree_with_numpy_and_run_their_full_length():
    for history in checks._HISTORY_CASES:
        restored, epochs_run = checks._restored_by_keras(history["val_loss"])
        assert restored == int(np.argmin(history["val_loss"])) + 1
        assert epochs_run == len(history["val_loss"]), "a history longer than EarlyStopping allows"
        assert len({len(v) for v in history.values()}) == 1


def test_check_restored_epoch_accepts_argmin_and_a_loop(capsys):
    def loop(history):
        best, best_epoch = float("inf"), 0
        for epoch, value in enumerate(history["val_loss"], start=1):
            if value < best:
                best, best_epoch = value, epoch
        return best_epoch

    checks.check_restored_epoch(lambda h: int(np.argmin(h["val_loss"])) + 1)
    checks.check_restored_epoch(lambda h: np.argmin(h["val_loss"]) + 1)  # a NumPy integer is fine
    checks.check_restored_epoch(loop)
    assert capsys.readouterr().out.count("Correct") == 3


def test_check_restored_epoch_rejects_zero_based_and_last_epochs():
    with pytest.raises(AssertionError, match=r"counted from 0, but Keras and the curves count"):
        checks.check_restored_epoch(lambda h: int(np.argmin(h["val_loss"])))
    with pytest.raises(AssertionError, match="is the last epoch"):
        checks.check_restored_epoch(lambda h: len(h["val_loss"]))


def test_check_restored_epoch_rejects_other_monitors():
    with pytest.raises(AssertionError, match="lowest training loss"):
        checks.check_restored_epoch(lambda h: int(np.argmin(h["loss"])) + 1)
    with pytest.raises(AssertionError, match="highest val_accuracy"):
        checks.check_restored_epoch(lambda h: int(np.argmax(h["val_accuracy"])) + 1)


def test_check_restored_epoch_rejects_the_later_of_a_tie_floats_and_a_crash():
    def last_minimum(history):
        losses = np.asarray(history["val_loss"])
        return int(np.flatnonzero(losses == losses.min())[-1]) + 1

    with pytest.raises(AssertionError, match=r"later of two epochs[\s\S]*strictly lower"):
        checks.check_restored_epoch(last_minimum)
    with pytest.raises(AssertionError, match="expected a whole number"):
        checks.check_restored_epoch(lambda h: float(np.argmin(h["val_loss"]) + 1))
    with pytest.raises(AssertionError, match="raised KeyError"):
        checks.check_restored_epoch(lambda h: h["val_los"])


# --------------------------------------------------------------------------- 10 seeing what a CNN learned


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
    with pytest.raises(AssertionError, match=r"expected \(32, 32, 8\)[\s\S]*padding and strides"):
        checks.check_maps_shape(_maps_shape_ignoring("padding"))
    with pytest.raises(AssertionError, match="padding and strides"):
        checks.check_maps_shape(_maps_shape_ignoring("strides"))


def test_check_maps_shape_rejects_wrong_channels():
    with pytest.raises(AssertionError, match="the size is right, the channels are not"):
        checks.check_maps_shape(_maps_shape_ignoring("filters"))


def test_check_maps_shape_rejects_a_batch_axis_none_and_a_crash():
    with pytest.raises(AssertionError, match="with a batch axis"):
        checks.check_maps_shape(lambda m, n, s: (1, *_maps_shape(m, n, s)))
    with pytest.raises(AssertionError, match="returned None"):
        checks.check_maps_shape(lambda m, n, s: None)
    with pytest.raises(AssertionError, match="expected a tuple of 3 ints"):
        checks.check_maps_shape(lambda m, n, s: "32x32x8")
    with pytest.raises(AssertionError, match="not written yet"):
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
    with pytest.raises(AssertionError, match="largest mean[\\s\\S]*not .mean"):
        checks.check_most_exciting_image(
            lambda a, c: int(a[:, :, :, c].mean(axis=(1, 2)).argmax())
        )


def test_check_most_exciting_image_rejects_other_channels_and_a_flat_index():
    with pytest.raises(AssertionError, match="another channel"):
        checks.check_most_exciting_image(lambda a, c: int(a.max(axis=(1, 2, 3)).argmax()))
    with pytest.raises(AssertionError, match="not an image index"):
        checks.check_most_exciting_image(lambda a, c: int(a[:, :, :, c].argmax()))
    with pytest.raises(AssertionError, match="only 7 images"):
        checks.check_most_exciting_image(lambda a, c: len(a))


def test_check_most_exciting_image_rejects_arrays_floats_and_none():
    with pytest.raises(AssertionError, match="expected one index"):
        checks.check_most_exciting_image(lambda a, c: a[:, :, :, c].max(axis=(1, 2)))
    with pytest.raises(AssertionError, match="expected an int"):
        checks.check_most_exciting_image(lambda a, c: float(_most_exciting(a, c)))
    with pytest.raises(AssertionError, match="returned None"):
        checks.check_most_exciting_image(lambda a, c: None)
    with pytest.raises(AssertionError, match="expected [0-9]+"):
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
    with pytest.raises(AssertionError, match=r"row weights\[2\] instead of the column"):
        checks.check_class_activation_map(
            lambda m, w, c: m @ w[c] if w.shape[0] == w.shape[1] else m @ w[:, c]
        )


def test_check_class_activation_map_rejects_wrong_shapes_and_values():
    with pytest.raises(AssertionError, match=r"has shape \(5,\); expected \(5, 5\)"):
        checks.check_class_activation_map(lambda m, w, c: (m @ w[:, c]).sum(axis=0))
    with pytest.raises(AssertionError, match="differs from the expected values"):
        checks.check_class_activation_map(lambda m, w, c: m @ w[:, c] + 1)
    with pytest.raises(AssertionError, match="returned None"):
        checks.check_class_activation_map(lambda m, w, c: None)


# --------------------------------------------------------------------------- 09 deeper CNNs, regularisation and augmentation


def _block_output_shapes_right(size, filters, blocks):
    shapes = []
    for b in range(blocks):
        size //= 2
        shapes.append((size, size, filters * 2**b))
    return shapes


def test_check_block_output_shapes_accepts_a_right_answer(capsys):
    checks.check_block_output_shapes(_block_output_shapes_right)
    checks.check_block_output_shapes(
        lambda s, f, b: np.array(_block_output_shapes_right(s, f, b))  # an array is fine too
    )
    assert capsys.readouterr().out.count("Correct") == 2


def test_check_block_output_shapes_rejects_rounding_up_and_no_doubling():
    def rounded_up(size, filters, blocks):
        return [(-(-size // 2 ** (b + 1)),) * 2 + (filters * 2**b,) for b in range(blocks)]

    with pytest.raises(AssertionError, match="rounded up[\\s\\S]*7 // 2 = 3"):
        checks.check_block_output_shapes(rounded_up)
    with pytest.raises(AssertionError, match="channels never changes"):
        checks.check_block_output_shapes(
            lambda s, f, b: [(h, w, f) for h, w, _ in _block_output_shapes_right(s, f, b)]
        )


def test_check_block_output_shapes_rejects_early_doubling_before_pooling_and_channels_first():
    with pytest.raises(AssertionError, match="one block too early"):
        checks.check_block_output_shapes(
            lambda s, f, b: [(h, w, 2 * c) for h, w, c in _block_output_shapes_right(s, f, b)]
        )
    with pytest.raises(AssertionError, match="before each block's pooling"):
        checks.check_block_output_shapes(
            lambda s, f, b: [(s // 2**i, s // 2**i, f * 2**i) for i in range(b)]
        )
    with pytest.raises(AssertionError, match="channels come first"):
        checks.check_block_output_shapes(
            lambda s, f, b: [(c, h, w) for h, w, c in _block_output_shapes_right(s, f, b)]
        )


def test_check_block_output_shapes_rejects_wrong_lengths_types_and_stubs():
    with pytest.raises(AssertionError, match="returned 1 shapes; expected one per block"):
        checks.check_block_output_shapes(lambda s, f, b: _block_output_shapes_right(s, f, b)[-1:])
    with pytest.raises(AssertionError, match="expected a list of"):
        checks.check_block_output_shapes(lambda s, f, b: 3)
    with pytest.raises(AssertionError, match="Keras gives"):
        checks.check_block_output_shapes(
            lambda s, f, b: [(h + 1, w, c) for h, w, c in _block_output_shapes_right(s, f, b)]
        )
    with pytest.raises(AssertionError, match="not written yet"):
        checks.check_block_output_shapes(lambda s, f, b: (_ for _ in ()).throw(NotImplementedError))


def _inverted_dropout_right(x, rate, rng):
    keep = rng.random(x.shape) >= rate
    return np.where(keep, x / (1 - rate), 0.0)


def test_check_inverted_dropout_accepts_a_right_answer(capsys):
    checks.check_inverted_dropout(_inverted_dropout_right)
    checks.check_inverted_dropout(lambda x, r, g: x * (g.random(x.shape) > r) / (1 - r))
    assert capsys.readouterr().out.count("Correct") == 2


def test_check_inverted_dropout_rejects_wrong_scaling():
    with pytest.raises(AssertionError, match="survivors are unchanged|values that survive"):
        checks.check_inverted_dropout(lambda x, r, g: np.where(g.random(x.shape) >= r, x, 0.0))
    with pytest.raises(AssertionError, match="multiplied by 1 - rate"):
        checks.check_inverted_dropout(
            lambda x, r, g: np.where(g.random(x.shape) >= r, x * (1 - r), 0.0)
        )
    with pytest.raises(AssertionError, match="not x / \\(1 - rate\\)"):
        checks.check_inverted_dropout(
            lambda x, r, g: np.where(g.random(x.shape) >= r, x / (1 - r) + 1, 0.0)
        )


def test_check_inverted_dropout_rejects_wrong_share_of_zeros():
    with pytest.raises(AssertionError, match="drops 1 - rate, not rate"):
        checks.check_inverted_dropout(
            lambda x, r, g: np.where(g.random(x.shape) < r, x / (1 - r), 0.0)
        )
    with pytest.raises(AssertionError, match="expected about 0.25"):
        checks.check_inverted_dropout(
            lambda x, r, g: np.where(g.random(x.shape) >= r / 2, x / (1 - r), 0.0)
        )


def test_check_inverted_dropout_rejects_in_place_global_random_and_wrong_shape():
    def in_place(x, rate, rng):
        x *= (rng.random(x.shape) >= rate) / (1 - rate)
        return x

    with pytest.raises(AssertionError, match="changed its input x"):
        checks.check_inverted_dropout(in_place)
    with pytest.raises(AssertionError, match="same seed gave different results"):
        checks.check_inverted_dropout(
            lambda x, r, g: _inverted_dropout_right(x, r, np.random.default_rng())
        )
    with pytest.raises(AssertionError, match="has shape \\(250, 400\\)"):
        checks.check_inverted_dropout(lambda x, r, g: _inverted_dropout_right(x, r, g).T)


def _translate_right(x, dy, dx):
    out = np.zeros_like(x)
    h, w = x.shape[1:3]
    out[:, max(dy, 0) : h + min(dy, 0), max(dx, 0) : w + min(dx, 0)] = x[
        :, max(-dy, 0) : h - max(dy, 0), max(-dx, 0) : w - max(dx, 0)
    ]
    return out


def test_check_translate_accepts_a_right_answer(capsys):
    checks.check_translate(_translate_right)
    assert capsys.readouterr().out.startswith("Correct:")


def test_check_translate_rejects_roll_wrong_direction_and_swapped_axes():
    with pytest.raises(AssertionError, match="come back on the other[\\s\\S]*fill"):
        checks.check_translate(lambda x, dy, dx: np.roll(x, (dy, dx), axis=(1, 2)))
    with pytest.raises(AssertionError, match="moved the wrong way"):
        checks.check_translate(lambda x, dy, dx: _translate_right(x, -dy, -dx))
    with pytest.raises(AssertionError, match="dy and dx are swapped"):
        checks.check_translate(lambda x, dy, dx: _translate_right(x, dx, dy))


def test_check_translate_rejects_a_wrong_zero_shift_and_a_stub():
    with pytest.raises(AssertionError, match="differs from the expected values"):
        checks.check_translate(lambda x, dy, dx: _translate_right(x, dy, dx) if dx else 0 * x)
    with pytest.raises(AssertionError, match="not written yet"):
        checks.check_translate(lambda x, dy, dx: (_ for _ in ()).throw(NotImplementedError))


# --------------------------------------------------------------------------- 13 VGG


def _stacked_3x3(n, channels):
    from course_lib.counting import conv2d_params, receptive_field

    return receptive_field([(3, 1)] * n).size, n * conv2d_params(3, channels, channels)


def test_check_stacked_3x3_accepts_the_formulas_and_arithmetic(capsys):
    checks.check_stacked_3x3(_stacked_3x3)
    checks.check_stacked_3x3(lambda n, c: (2 * n + 1, n * (9 * c * c + c)))
    checks.check_stacked_3x3(lambda n, c: np.array([2 * n + 1, n * (9 * c * c + c)]))
    assert capsys.readouterr().out.count("Correct") == 3


def test_check_stacked_3x3_rejects_wrong_fields():
    with pytest.raises(AssertionError, match="neighbouring layers overlap"):
        checks.check_stacked_3x3(lambda n, c: (3 * n, _stacked_3x3(n, c)[1]))
    with pytest.raises(AssertionError, match="the field's area"):
        checks.check_stacked_3x3(lambda n, c: ((2 * n + 1) ** 2, _stacked_3x3(n, c)[1]))


def test_check_stacked_3x3_rejects_wrong_parameter_counts():
    with pytest.raises(AssertionError, match="not the biases"):
        checks.check_stacked_3x3(lambda n, c: (2 * n + 1, n * 9 * c * c))
    with pytest.raises(AssertionError, match="is one 5x5 convolution, the single layer the stack replaces"):
        checks.check_stacked_3x3(lambda n, c: (2 * n + 1, (2 * n + 1) ** 2 * c * c + c))
    with pytest.raises(AssertionError, match="one 3x3 layer; the stack has n"):
        checks.check_stacked_3x3(lambda n, c: (2 * n + 1, 9 * c * c + c))
    with pytest.raises(AssertionError, match="only 9 \\* channels weights"):
        checks.check_stacked_3x3(lambda n, c: (2 * n + 1, n * (9 * c + c)))


def test_check_stacked_3x3_rejects_other_answers():
    with pytest.raises(AssertionError, match="returned None"):
        checks.check_stacked_3x3(lambda n, c: None)
    with pytest.raises(AssertionError, match="expected a pair"):
        checks.check_stacked_3x3(lambda n, c: 2 * n + 1)
    with pytest.raises(AssertionError, match="not written yet"):
        checks.check_stacked_3x3(lambda n, c: (_ for _ in ()).throw(NotImplementedError))


def _first_dense_params(side):
    return (side // 32) ** 2 * 512 * 4096 + 4096


def test_check_first_dense_params_accepts_the_right_count(capsys):
    checks.check_first_dense_params(_first_dense_params)
    checks.check_first_dense_params(lambda side: np.int64(_first_dense_params(side)))
    assert capsys.readouterr().out.count("Correct") == 2


def test_check_first_dense_params_rejects_wrong_counts():
    with pytest.raises(AssertionError, match="forgets the 4,096 biases"):
        checks.check_first_dense_params(lambda side: (side // 32) ** 2 * 512 * 4096)
    with pytest.raises(AssertionError, match="does not round down"):
        checks.check_first_dense_params(lambda side: (side / 32) ** 2 * 512 * 4096 + 4096)
    with pytest.raises(AssertionError, match="four times; VGG16 has five"):
        checks.check_first_dense_params(lambda side: (side // 16) ** 2 * 512 * 4096 + 4096)
    with pytest.raises(AssertionError, match="forgets the 512 channels"):
        checks.check_first_dense_params(lambda side: (side // 32) ** 2 * 4096 + 4096)
    with pytest.raises(AssertionError, match="whatever the side"):
        checks.check_first_dense_params(lambda side: 7 * 7 * 512 * 4096 + 4096)
    with pytest.raises(AssertionError, match="a count is a whole number"):
        checks.check_first_dense_params(lambda side: _first_dense_params(side) + 0.5)


# --------------------------------------------------------------------------- 14 GoogLeNet


def _module_params(c_in, f1, f3_reduce, f3, f5_reduce, f5, pool_proj):
    from course_lib.counting import conv2d_params

    return (conv2d_params(1, c_in, f1) + conv2d_params(1, c_in, f3_reduce) + conv2d_params(3, f3_reduce, f3)
            + conv2d_params(1, c_in, f5_reduce) + conv2d_params(5, f5_reduce, f5) + conv2d_params(1, c_in, pool_proj))


def test_check_module_params_accepts_the_sum_of_six_convolutions(capsys):
    checks.check_module_params(_module_params)
    assert capsys.readouterr().out.startswith("Correct")


def test_check_module_params_rejects_wrong_counts():
    from course_lib.counting import conv2d_params

    with pytest.raises(AssertionError, match="not the biases"):
        checks.check_module_params(lambda c, *f: _module_params(c, *f) - sum(f))
    with pytest.raises(AssertionError, match="module without bottlenecks"):
        checks.check_module_params(
            lambda c, f1, f3r, f3, f5r, f5, pp: conv2d_params(1, c, f1) + conv2d_params(3, c, f3)
            + conv2d_params(5, c, f5) + conv2d_params(1, c, pp)
        )
    with pytest.raises(AssertionError, match="leaves out the two 1x1 reduce layers"):
        checks.check_module_params(
            lambda c, f1, f3r, f3, f5r, f5, pp: _module_params(c, f1, f3r, f3, f5r, f5, pp)
            - conv2d_params(1, c, f3r) - conv2d_params(1, c, f5r)
        )
    with pytest.raises(AssertionError, match="pool_proj"):
        checks.check_module_params(lambda c, *f: _module_params(c, *f) - conv2d_params(1, c, f[-1]))
    with pytest.raises(AssertionError, match="returned 0"):
        checks.check_module_params(lambda *args: 0)


def _aux_head_params(c_in, side, classes):
    pooled = (side - 5) // 3 + 1
    return (c_in * 128 + 128) + (pooled * pooled * 128 * 1024 + 1024) + (1024 * classes + classes)


def test_check_aux_head_params_accepts_the_right_count(capsys):
    checks.check_aux_head_params(_aux_head_params)
    assert capsys.readouterr().out.startswith("Correct")


def test_check_aux_head_params_rejects_wrong_counts():
    with pytest.raises(AssertionError, match="flattens the map before the pooling"):
        checks.check_aux_head_params(
            lambda c, s, k: (c * 128 + 128) + (s * s * 128 * 1024 + 1024) + (1024 * k + k)
        )
    with pytest.raises(AssertionError, match="only the 128 channels of one position"):
        checks.check_aux_head_params(lambda c, s, k: (c * 128 + 128) + (128 * 1024 + 1024) + (1024 * k + k))
    with pytest.raises(AssertionError, match="divides the side by 3"):
        checks.check_aux_head_params(
            lambda c, s, k: (c * 128 + 128) + ((s // 3) ** 2 * 128 * 1024 + 1024) + (1024 * k + k)
        )
    with pytest.raises(AssertionError, match="leaves out the last dense layer"):
        checks.check_aux_head_params(lambda c, s, k: _aux_head_params(c, s, k) - (1024 * k + k))
    with pytest.raises(AssertionError, match="should be a number"):
        checks.check_aux_head_params(lambda c, s, k: str(_aux_head_params(c, s, k)))


# --------------------------------------------------------------------------- 16 Xception


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
    with pytest.raises(AssertionError, match=r"has shape \(5, 7, 3\); expected \(5, 7, 4\)"):
        checks.check_pointwise_conv(lambda m, k, b: m)
    with pytest.raises(AssertionError, match="returned None"):
        checks.check_pointwise_conv(lambda m, k, b: None)
    with pytest.raises(AssertionError, match="not written yet"):
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
    with pytest.raises(AssertionError, match="Keras counts"):
        checks.check_middle_block_params(separable + 1, regular)


# --------------------------------------------------------------------------- 11 LeNet-5


def test_check_partial_params_accepts_a_sum_and_a_loop(capsys):
    def loop(table, kernel_size):
        total = 0
        for inputs in table:
            total += kernel_size**2 * len(inputs) + 1
        return total

    checks.check_partial_params(lambda table, k: sum(k * k * len(t) + 1 for t in table))
    checks.check_partial_params(loop)
    assert capsys.readouterr().out.count("Correct") == 2


def test_check_partial_params_rejects_common_mistakes():
    with pytest.raises(AssertionError, match="leaves out the biases"):
        checks.check_partial_params(lambda table, k: sum(k * k * len(t) for t in table))
    with pytest.raises(AssertionError, match="has its square"):
        checks.check_partial_params(lambda table, k: sum(k * len(t) + 1 for t in table))
    with pytest.raises(AssertionError, match="longest row"):
        checks.check_partial_params(lambda table, k: len(table) * (k * k * 6 + 1))
    with pytest.raises(AssertionError, match="should be 1,516"):
        checks.check_partial_params(lambda table, k: 1_600)
    with pytest.raises(AssertionError, match="a count is a whole number"):
        checks.check_partial_params(lambda table, k: 1516.5)


def test_check_flatten_length_accepts_the_layer_by_layer_answer(capsys):
    def by_layers(side):
        side = (side - 4) // 2
        side = (side - 4) // 2
        return 16 * side**2

    checks.check_flatten_length(by_layers)
    assert capsys.readouterr().out.startswith("Correct")


def test_check_flatten_length_rejects_wrong_lengths():
    with pytest.raises(AssertionError, match="side of the last map"):
        checks.check_flatten_length(lambda side: ((side - 4) // 2 - 4) // 2)
    with pytest.raises(AssertionError, match="counts one map"):
        checks.check_flatten_length(lambda side: (((side - 4) // 2 - 4) // 2) ** 2)
    with pytest.raises(AssertionError, match=r"flatten_length\(33\)"):  # rounding up is wrong for odd sides
        checks.check_flatten_length(lambda side: 16 * (-(-(-(-(side - 4) // 2) - 4) // 2)) ** 2)
    with pytest.raises(AssertionError, match="raised NameError"):
        checks.check_flatten_length(lambda side: undefined_name)  # noqa: F821


# --------------------------------------------------------------------------- 12 AlexNet


def _lrn_loop(a, n=5, k=2.0, alpha=1e-4, beta=0.75, divide_alpha=False, radius=None):
    a = np.asarray(a, dtype=np.float64)
    maps = a.shape[-1]
    r = n // 2 if radius is None else radius
    out = np.empty_like(a)
    for i in range(maps):
        lo, hi = max(0, i - r), min(maps - 1, i + r)
        total = (a[..., lo : hi + 1] ** 2).sum(axis=-1)
        out[..., i] = a[..., i] / (k + (alpha / n if divide_alpha else alpha) * total) ** beta
    return out


def test_check_lrn_accepts_a_loop_over_maps(capsys):
    checks.check_lrn(_lrn_loop)
    assert capsys.readouterr().out.startswith("Correct")


def test_check_lrn_rejects_common_mistakes():
    with pytest.raises(AssertionError, match="alpha is divided by n"):
        checks.check_lrn(lambda a, n, k, alpha, beta: _lrn_loop(a, n, k, alpha, beta, divide_alpha=True))
    with pytest.raises(AssertionError, match="n // 2 on each side"):
        checks.check_lrn(lambda a, n, k, alpha, beta: _lrn_loop(a, n, k, alpha, beta, radius=n))
    with pytest.raises(AssertionError, match="only the map itself"):
        checks.check_lrn(lambda a, n, k, alpha, beta: a / (k + alpha * np.asarray(a, float) ** 2) ** beta)
    with pytest.raises(AssertionError, match="returned None"):
        checks.check_lrn(lambda a, n, k, alpha, beta: None)
    with pytest.raises(AssertionError, match="differs from the expected values"):
        checks.check_lrn(lambda a, n, k, alpha, beta: _lrn_loop(a, n, k, alpha, 1.0))


def _inverted_dropout(x, rate, rng):
    keep = rng.random(x.shape) >= rate
    return np.where(keep, x / (1 - rate), 0.0)


def test_check_dropout_accepts_inverted_dropout(capsys):
    checks.check_dropout(_inverted_dropout)
    checks.check_dropout(lambda x, rate, rng: x * (rng.uniform(size=x.shape) > rate) / (1 - rate))
    assert capsys.readouterr().out.count("Correct") == 2


def test_check_dropout_rejects_common_mistakes():
    with pytest.raises(AssertionError, match="keeps the surviving values unchanged"):
        checks.check_dropout(lambda x, rate, rng: x * (rng.random(x.shape) >= rate))
    with pytest.raises(AssertionError, match="multiplies the survivors by 1 - rate"):
        checks.check_dropout(lambda x, rate, rng: x * (rng.random(x.shape) >= rate) * (1 - rate))
    with pytest.raises(AssertionError, match="probability of dropping"):
        checks.check_dropout(lambda x, rate, rng: _inverted_dropout(x, 1 - rate, rng) if rate else x)
    with pytest.raises(AssertionError, match="different mask with the same seed"):
        checks.check_dropout(lambda x, rate, rng: _inverted_dropout(x, rate, np.random.default_rng()))
    with pytest.raises(AssertionError, match="has shape"):
        checks.check_dropout(lambda x, rate, rng: _inverted_dropout(x, rate, rng).ravel())


# --------------------------------------------------------------------------- 15 ResNet


def _residual_unit_params(c_in, filters, strides):
    from course_lib.counting import batch_norm_params, conv2d_params

    count = conv2d_params(3, c_in, filters, use_bias=False) + batch_norm_params(filters)
    count += conv2d_params(3, filters, filters, use_bias=False) + batch_norm_params(filters)
    if strides != 1 or c_in != filters:
        count += conv2d_params(1, c_in, filters, use_bias=False) + batch_norm_params(filters)
    return count


def test_check_residual_unit_params_accepts_the_formula(capsys):
    checks.check_residual_unit_params(_residual_unit_params)
    checks.check_residual_unit_params(lambda c, f, s: float(_residual_unit_params(c, f, s)))
    assert capsys.readouterr().out.count("Correct") == 2


def _branch_params(c_in, filters):
    from course_lib.counting import batch_norm_params, conv2d_params

    return (conv2d_params(3, c_in, filters, use_bias=False) + conv2d_params(3, filters, filters, use_bias=False)
            + 2 * batch_norm_params(filters))


def test_check_residual_unit_params_rejects_wrong_projections():
    from course_lib.counting import batch_norm_params, conv2d_params

    with pytest.raises(AssertionError, match="leaves out the 1x1 projection"):
        checks.check_residual_unit_params(lambda c, f, s: _branch_params(c, f))
    with pytest.raises(AssertionError, match="adds a projection, but the shortcut is the identity"):
        checks.check_residual_unit_params(
            lambda c, f, s: _branch_params(c, f) + conv2d_params(1, c, f, use_bias=False) + batch_norm_params(f)
        )


def _unit_params_minus(per_batch_norm):
    """_residual_unit_params with ``per_batch_norm * filters`` taken off for every batch norm."""

    def wrong(c, f, s):
        batch_norms = 3 if s != 1 or c != f else 2
        return _residual_unit_params(c, f, s) - per_batch_norm * f * batch_norms

    return wrong


def test_check_residual_unit_params_rejects_batch_norm_and_bias_mistakes():
    with pytest.raises(AssertionError, match="only gamma and beta"):
        checks.check_residual_unit_params(_unit_params_minus(2))
    with pytest.raises(AssertionError, match="leaves out the batch normalisations"):
        checks.check_residual_unit_params(_unit_params_minus(4))
    with pytest.raises(AssertionError, match="adds biases"):
        checks.check_residual_unit_params(_unit_params_minus(-1))
    with pytest.raises(AssertionError, match="expected a whole number"):
        checks.check_residual_unit_params(lambda c, f, s: "many")
    with pytest.raises(AssertionError, match="not written yet"):
        checks.check_residual_unit_params(lambda c, f, s: exec("raise NotImplementedError"))


def _bottleneck_macs(height, width, channels, filters):
    return height * width * (channels * filters + 9 * filters * filters + filters * channels)


def test_check_bottleneck_macs_accepts_the_formula_and_conv2d_macs(capsys):
    from course_lib.counting import conv2d_macs

    checks.check_bottleneck_macs(_bottleneck_macs)
    checks.check_bottleneck_macs(
        lambda h, w, c, f: conv2d_macs(h, w, 1, c, f) + conv2d_macs(h, w, 3, f, f) + conv2d_macs(h, w, 1, f, c)
    )
    assert capsys.readouterr().out.count("Correct") == 2


def test_check_bottleneck_macs_rejects_missing_and_wrong_convolutions():
    with pytest.raises(AssertionError, match="counts the 3x3 convolution as 1x1"):
        checks.check_bottleneck_macs(lambda h, w, c, f: h * w * (2 * c * f + f * f))
    with pytest.raises(AssertionError, match="leaves out the 1x1 expansion"):
        checks.check_bottleneck_macs(lambda h, w, c, f: h * w * (c * f + 9 * f * f))
    with pytest.raises(AssertionError, match="leaves out the 1x1 reduction"):
        checks.check_bottleneck_macs(lambda h, w, c, f: h * w * (9 * f * f + f * c))
    with pytest.raises(AssertionError, match="makes every convolution 3x3"):
        checks.check_bottleneck_macs(lambda h, w, c, f: 9 * h * w * (2 * c * f + f * f))


def test_check_bottleneck_macs_rejects_weights_and_the_unit_it_replaces():
    with pytest.raises(AssertionError, match="is the number of weights"):
        checks.check_bottleneck_macs(lambda h, w, c, f: 2 * c * f + 9 * f * f)
    with pytest.raises(AssertionError, match="two 3x3 convolutions at full width"):
        checks.check_bottleneck_macs(lambda h, w, c, f: h * w * 18 * c * c)
    with pytest.raises(AssertionError, match=r"expected a whole number"):
        checks.check_bottleneck_macs(lambda h, w, c, f: _bottleneck_macs(h, w, c, f) + 0.5)


# --------------------------------------------------------------------------- 17 SENet


def _se_block_params(channels, reduction):
    hidden = channels // reduction
    return 2 * channels * hidden + hidden + channels


def test_check_se_block_params_accepts_the_formula_and_dense_params(capsys):
    from course_lib.counting import dense_params

    checks.check_se_block_params(_se_block_params)
    checks.check_se_block_params(lambda c, r: dense_params(c, c // r) + dense_params(c // r, c))
    assert capsys.readouterr().out.count("Correct") == 2


def test_check_se_block_params_rejects_missing_biases():
    with pytest.raises(AssertionError, match="counts the weights but not the biases"):
        checks.check_se_block_params(lambda c, r: 2 * c * (c // r))
    with pytest.raises(AssertionError, match="biases of the second Dense layer"):
        checks.check_se_block_params(lambda c, r: 2 * c * (c // r) + c // r)
    with pytest.raises(AssertionError, match="biases of the first Dense layer"):
        checks.check_se_block_params(lambda c, r: 2 * c * (c // r) + c)


def test_check_se_block_params_rejects_wrong_layers_and_reductions():
    with pytest.raises(AssertionError, match="counts only the first Dense layer"):
        checks.check_se_block_params(lambda c, r: c * (c // r) + c // r)
    with pytest.raises(AssertionError, match="multiplies by the reduction"):
        checks.check_se_block_params(lambda c, r: 2 * c * c * r + c * r + c)
    with pytest.raises(AssertionError, match="leaves out the reduction"):
        checks.check_se_block_params(lambda c, r: 2 * c * c + 2 * c)
    with pytest.raises(AssertionError, match="returned None"):
        checks.check_se_block_params(lambda c, r: None)


def _se_resnet50_extra(reduction):
    stages = ((64, 3), (128, 4), (256, 6), (512, 3))
    return sum(units * _se_block_params(4 * filters, reduction) for filters, units in stages)


def test_check_se_resnet50_extra_accepts_the_sum_and_matches_the_built_model(capsys):
    from course_lib.architectures import resnet, senet

    checks.check_se_resnet50_extra(_se_resnet50_extra)
    assert capsys.readouterr().out.startswith("Correct")
    assert _se_resnet50_extra(16) == 2_530_992  # what test_architectures_senet measures on the model
    assert resnet.RESNET50_STAGES == ((64, 3), (128, 4), (256, 6), (512, 3))
    assert senet.se_params(2048, 16) == _se_block_params(2048, 16)


def test_check_se_resnet50_extra_rejects_per_stage_and_wrong_channels():
    stages = ((64, 3), (128, 4), (256, 6), (512, 3))
    with pytest.raises(AssertionError, match="one SE block per stage"):
        checks.check_se_resnet50_extra(lambda r: sum(_se_block_params(4 * f, r) for f, _ in stages))
    with pytest.raises(AssertionError, match="uses the bottleneck filters"):
        checks.check_se_resnet50_extra(lambda r: sum(n * _se_block_params(f, r) for f, n in stages))


def test_check_se_resnet50_extra_rejects_missing_biases_and_the_whole_model():
    stages = ((64, 3), (128, 4), (256, 6), (512, 3))
    with pytest.raises(AssertionError, match="counts the weights but not the biases"):
        checks.check_se_resnet50_extra(lambda r: sum(n * 2 * (4 * f) ** 2 // r for f, n in stages))
    with pytest.raises(AssertionError, match="is the whole SE-ResNet-50"):
        checks.check_se_resnet50_extra(lambda r: _se_resnet50_extra(r) + 25_636_712)


# --------------------------------------------------------------------------- 18 comparing architectures

_MEAN_BGR = np.array([103.939, 116.779, 123.68])


def test_check_caffe_preprocess_accepts_a_flip_and_a_subtraction(capsys):
    checks.check_caffe_preprocess(lambda x: x[..., ::-1] - _MEAN_BGR)
    checks.check_caffe_preprocess(lambda x: np.stack([x[..., 2], x[..., 1], x[..., 0]], axis=-1) - _MEAN_BGR)
    assert capsys.readouterr().out.count("Correct") == 2


def test_check_caffe_preprocess_rejects_channel_and_mean_mix_ups():
    with pytest.raises(AssertionError, match="still in RGB order"):
        checks.check_caffe_preprocess(lambda x: x - _MEAN_BGR)
    with pytest.raises(AssertionError, match="the mean is in RGB order"):
        checks.check_caffe_preprocess(lambda x: x[..., ::-1] - _MEAN_BGR[::-1])
    with pytest.raises(AssertionError, match="mean is not subtracted"):
        checks.check_caffe_preprocess(lambda x: x[..., ::-1])
    with pytest.raises(AssertionError, match="MobileNet's preprocessing"):
        checks.check_caffe_preprocess(lambda x: x / 127.5 - 1)


def test_check_caffe_preprocess_rejects_in_place_changes_none_and_wrong_shapes():
    def in_place(x):
        x -= 1
        return x

    with pytest.raises(AssertionError, match="changed the array it was given"):
        checks.check_caffe_preprocess(in_place)
    with pytest.raises(AssertionError, match="returned None"):
        checks.check_caffe_preprocess(lambda x: None)
    with pytest.raises(AssertionError, match="has shape"):
        checks.check_caffe_preprocess(lambda x: (x[..., ::-1] - _MEAN_BGR)[0])


def _unfreeze_right(base, n):
    import keras

    base.trainable = True
    for index, layer in enumerate(base.layers):
        layer.trainable = index >= len(base.layers) - n and not isinstance(layer, keras.layers.BatchNormalization)


def test_check_unfreeze_top_accepts_the_recipe(capsys):
    import keras

    def slices(base, n):
        base.trainable = True
        for layer in base.layers[:-n]:
            layer.trainable = False
        for layer in base.layers:
            if isinstance(layer, keras.layers.BatchNormalization):
                layer.trainable = False

    checks.check_unfreeze_top(_unfreeze_right)
    checks.check_unfreeze_top(slices)
    assert capsys.readouterr().out.count("Correct") == 2


def test_check_unfreeze_top_rejects_a_frozen_base_and_trainable_batch_norm():
    def no_base_flag(base, n):
        for index, layer in enumerate(base.layers):
            layer.trainable = index >= len(base.layers) - n

    def keeps_batch_norm(base, n):
        base.trainable = True
        for layer in base.layers[:-n]:
            layer.trainable = False

    with pytest.raises(AssertionError, match="still frozen as a whole"):
        checks.check_unfreeze_top(lambda base, n: None)
    with pytest.raises(AssertionError, match="batch normalization layer .* is trainable"):
        checks.check_unfreeze_top(keeps_batch_norm)
    with pytest.raises(AssertionError, match="still frozen as a whole"):
        checks.check_unfreeze_top(no_base_flag)


def test_check_unfreeze_top_rejects_everything_trainable_and_off_by_one():
    import keras

    def everything(base, n):
        base.trainable = True

    def one_too_many(base, n):
        _unfreeze_right(base, n + 1)

    with pytest.raises(AssertionError, match="every layer of the base is trainable"):
        checks.check_unfreeze_top(everything)
    with pytest.raises(AssertionError, match="one layer off"):
        checks.check_unfreeze_top(one_too_many)
    with pytest.raises(AssertionError, match="not written yet"):
        checks.check_unfreeze_top(lambda base, n: (_ for _ in ()).throw(NotImplementedError))
