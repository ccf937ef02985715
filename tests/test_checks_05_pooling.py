"""The checks of notebook 05, ``course_lib.checks.nb05_pooling``, accept right answers and
reject wrong ones."""

import numpy as np
import pytest

from course_lib import checks


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
    with pytest.raises(AssertionError, match="differs from the right result"):
        checks.check_max_pool_2x2(
            lambda x: x.reshape(x.shape[0] // 2, x.shape[1] // 2, 2, 2).max(axis=(2, 3))
        )
    with pytest.raises(AssertionError, match="rows and columns swapped"):
        checks.check_max_pool_2x2(lambda x: _max_pool_2x2_right(x).T)
    with pytest.raises(AssertionError, match="not attempted yet"):
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

    with pytest.raises(AssertionError, match="it gives the 'valid' size for padding='same'"):
        checks.check_pooled_shape(valid_only)
    def no_channels(input_shape, pool_size, strides=None, padding="valid"):
        return _pooled_shape_right(input_shape, pool_size, strides, padding)[:2]

    with pytest.raises(AssertionError, match=r"returned \(14, 14\): it leaves out the channels"):
        checks.check_pooled_shape(no_channels)


def test_check_pooled_shape_rejects_stride_one_default_and_a_crash():
    def stride_one(input_shape, pool_size, strides=None, padding="valid"):
        return _pooled_shape_right(input_shape, pool_size, strides or 1, padding)

    with pytest.raises(AssertionError, match=r"returned \(27, 27, 32\): it reads strides=None as stride 1"):
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


def right_answers():
    """Check name -> the arguments of one right answer (tests/test_every_check.py uses them)."""
    return {
        "check_max_pool_2x2": (_max_pool_2x2_right,),
        "check_pooled_shape": (_pooled_shape_right,),
        "check_global_average_pool": (lambda x: x.mean(axis=(1, 2)),),
    }
