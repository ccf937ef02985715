"""The checks of notebook 04, ``course_lib.checks.nb04_padding_and_stride``, accept right answers and
reject wrong ones."""

import pytest

from course_lib import checks


def _out_size_right(n, k, s, p):
    return (n + 2 * p - k) // s + 1


def test_check_out_size_accepts_a_right_answer(capsys):
    checks.check_out_size(_out_size_right)
    assert capsys.readouterr().out.startswith("Correct")


def test_check_out_size_rejects_a_missing_plus_one():
    with pytest.raises(AssertionError, match=r"returned 4: it counts the steps but not the window's first position"):
        checks.check_out_size(lambda n, k, s, p: (n + 2 * p - k) // s)


def test_check_out_size_rejects_padding_counted_once():
    with pytest.raises(AssertionError, match=r"n=4, k=3, s=1, p=1\) returned 3: it pads one side only[\s\S]*each\* side"):
        checks.check_out_size(lambda n, k, s, p: (n + p - k) // s + 1)


def test_check_out_size_rejects_ignored_padding():
    with pytest.raises(AssertionError, match="leaves out the padding"):
        checks.check_out_size(lambda n, k, s, p: (n - k) // s + 1)


def test_check_out_size_rejects_true_division():
    with pytest.raises(AssertionError, match=r"returned 5, a float[\s\S]*floor division"):
        checks.check_out_size(lambda n, k, s, p: (n + 2 * p - k) / s + 1)
    with pytest.raises(AssertionError, match=r"s=3, p=0\) returned 2.33333, a float"):
        checks.check_out_size(lambda n, k, s, p: (n + 2 * p - k) / s + 1 if s == 3 else _out_size_right(n, k, s, p))


def test_check_out_size_rejects_rounding_up():
    import math

    with pytest.raises(AssertionError, match=r"s=3, p=0\) returned 3: it rounds up[\s\S]*round down"):
        checks.check_out_size(lambda n, k, s, p: math.ceil((n + 2 * p - k) / s) + 1)


def test_check_out_size_rejects_a_stub_and_wrong_types():
    def stub(n, k, s, p):
        raise NotImplementedError

    with pytest.raises(AssertionError, match="not attempted yet"):
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
    with pytest.raises(AssertionError, match=r"returned \[1, 7\]: it keeps the strides that divide n"):
        checks.check_fitting_strides(lambda n, k: [s for s in range(1, n + 1) if n % s == 0])


def test_check_fitting_strides_rejects_range_stopping_early():
    with pytest.raises(AssertionError, match=r"fitting_strides\(5, 5\) returned \[1, 2, 3, 4\]: it never tries the stride n itself"):
        checks.check_fitting_strides(lambda n, k: [s for s in range(1, n) if (n - k) % s == 0])


def test_check_fitting_strides_rejects_forgetting_the_single_window():
    with pytest.raises(AssertionError, match=r"returned \[\]: it finds no stride when the kernel is as large as the input"):
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

    with pytest.raises(AssertionError, match=r"returned \(2, 1\): it puts the extra zero before the input[\s\S]*\*after\*"):
        checks.check_same_pads(extra_before)


def test_check_same_pads_rejects_a_missing_max():
    import math

    def no_max(n, k, s):
        total = (math.ceil(n / s) - 1) * s + k - n
        return total // 2, total - total // 2

    with pytest.raises(AssertionError, match=r"s=3\) returned \(-1, 0\): a negative number of zeros[\s\S]*never goes below 0"):
        checks.check_same_pads(no_max)


def test_check_same_pads_rejects_the_stride_one_rule():
    with pytest.raises(AssertionError, match=r"returned \(2, 3\): it pads k - 1 zeros whatever the stride[\s\S]*only with stride 1"):
        checks.check_same_pads(lambda n, k, s: ((k - 1) // 2, k - 1 - (k - 1) // 2))


def test_check_same_pads_rejects_wrong_shapes():
    with pytest.raises(AssertionError, match="returned 3 values"):
        checks.check_same_pads(lambda n, k, s: (1, 2, 0))
    with pytest.raises(AssertionError, match="expected a pair"):
        checks.check_same_pads(lambda n, k, s: 3)


_QUIZ_SHAPE, _QUIZ_PARAMS = (32, 32, 10), 760


def test_check_conv_layer_quiz_accepts_a_right_answer(capsys):
    import numpy as np

    checks.check_conv_layer_quiz(_QUIZ_SHAPE, _QUIZ_PARAMS)
    checks.check_conv_layer_quiz([32, 32, 10], 760.0)
    checks.check_conv_layer_quiz(np.array(_QUIZ_SHAPE), np.int64(_QUIZ_PARAMS))
    assert capsys.readouterr().out.count("Correct: the output volume is 32x32x10 and the layer has 760") == 3


@pytest.mark.parametrize(
    ("shape", "match"),
    [
        ((28, 28, 10), r"height, 28, is the size without padding"),
        ((30, 30, 10), r"height, 30, counts the zeros on one side only"),
        ((31, 31, 10), r"height, 31, misses the \+ 1"),
        ((36, 36, 10), r"height, 36, is the size of the padded input"),
        ((32, 32, 3), r"depth is the input's depth[\s\S]*one channel per filter"),
        ((28, 28, 3), r"depth is the input's depth"),
        ((32, 32, 30), r"one map per input channel"),
        ((10, 32, 32), r"puts the channels first[\s\S]*NHWC"),
        ((None, 32, 32, 10), r"four values: leave out the batch axis"),
        ((1, 32, 32, 10), r"has 4 value\(s\); a volume has three"),
        ((32, 32), r"has 2 value\(s\); a volume has three"),
        ((32, 28, 10), r"height and width differ"),
        ((33, 33, 10), r"height and width are not the layer's"),
        ((32, 32, 12), r"depth is not the layer's"),
        ((32.0, 32.0, 10), r"holds a float[\s\S]*//"),
        ("32x32x10", r"should be a tuple"),
        (("32", "32", "10"), r"should be an int"),
    ],
)
def test_check_conv_layer_quiz_names_the_shape_mistake(shape, match):
    with pytest.raises(AssertionError, match=match) as failure:
        checks.check_conv_layer_quiz(shape, _QUIZ_PARAMS)
    assert "(32, 32, 10)" not in str(failure.value) and "32x32x10" not in str(failure.value)


@pytest.mark.parametrize(
    ("params", "match"),
    [
        (750, r"750: that counts the weights but not the biases"),
        (260, r"260: that leaves out the input's depth: a filter has one F x F slice per input channel"),
        (250, r"250: that leaves out the input's depth and the biases"),
        (228, r"228: that gives the layer as many filters as the input has channels"),
        (76, r"76: that counts one filter"),
        (753, r"753: that gives one bias per input channel"),
        (778_240, r"778,240: that counts the weights once per position of the output"),
        (768_010, r"768,010: that counts the weights once per position of the output"),
        (30_730, r"30,730: that counts a dense layer's weights"),
        (761, r"761 is not the layer's count"),
        (760.5, r"a count is a whole number"),
        ("760", r"should be a number"),
    ],
)
def test_check_conv_layer_quiz_names_the_count_mistake(params, match):
    with pytest.raises(AssertionError, match=match) as failure:
        checks.check_conv_layer_quiz(_QUIZ_SHAPE, params)
    assert "760" not in str(failure.value).replace(repr(params), "")


def test_check_conv_layer_quiz_says_only_not_attempted_for_an_untouched_answer():
    with pytest.raises(AssertionError, match=r"^quiz_output_shape and quiz_params are not attempted yet") as failure:
        checks.check_conv_layer_quiz(..., ...)
    assert "Hint" not in str(failure.value)
    with pytest.raises(AssertionError, match=r"^quiz_params is not attempted yet"):
        checks.check_conv_layer_quiz(_QUIZ_SHAPE, ...)


def right_answers():
    """Check name -> the arguments of one right answer (tests/test_every_check.py uses them)."""
    return {
        "check_out_size": (_out_size_right,),
        "check_fitting_strides": (_fitting_strides_right,),
        "check_same_pads": (_same_pads_right,),
        "check_conv_layer_quiz": (_QUIZ_SHAPE, _QUIZ_PARAMS),
    }
