"""The checks of notebook 14, ``course_lib.checks.nb14_googlenet``, accept right answers and
reject wrong ones."""

import pytest

from course_lib import checks


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
    with pytest.raises(AssertionError, match="counts the 3x3 max pooling as a convolution with weights"):
        checks.check_module_params(lambda c, *f: _module_params(c, *f) + conv2d_params(3, c, c))
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
    with pytest.raises(AssertionError, match="counts the 5x5 average pooling as a convolution with weights"):
        checks.check_aux_head_params(lambda c, s, k: _aux_head_params(c, s, k) + 25 * c * c + c)
    with pytest.raises(AssertionError, match="should be a number"):
        checks.check_aux_head_params(lambda c, s, k: str(_aux_head_params(c, s, k)))


def right_answers():
    """Check name -> the arguments of one right answer (tests/test_every_check.py uses them)."""
    return {"check_module_params": (_module_params,), "check_aux_head_params": (_aux_head_params,)}
