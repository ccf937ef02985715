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


def _max_pool_backward_right(x, grad_out):
    """Loops over the windows; each window's gradient goes to its first largest value."""
    grad_x = np.zeros_like(x, dtype=float)
    for i in range(grad_out.shape[0]):
        for j in range(grad_out.shape[1]):
            window = x[2 * i : 2 * i + 2, 2 * j : 2 * j + 2]
            a, b = np.unravel_index(np.argmax(window), window.shape)
            grad_x[2 * i + a, 2 * j + b] = grad_out[i, j]
    return grad_x


def _max_pool_backward_mask(x, grad_out, share_ties=False):
    """Vectorised: a mask of each window's maxima times the upsampled gradient; with
    ``share_ties`` the tied maxima share their window's gradient, else all of them get it."""
    up = lambda a: np.repeat(np.repeat(a, 2, axis=0), 2, axis=1)  # noqa: E731
    h, w = x.shape
    mask = (x == up(x.reshape(h // 2, 2, w // 2, 2).max(axis=(1, 3)))).astype(float)
    if share_ties:
        mask /= up(mask.reshape(h // 2, 2, w // 2, 2).sum(axis=(1, 3)))
    return mask * up(grad_out)


def _last_maximum(x, grad_out):
    """The gradient to the last of tied maxima (a loop with >=): right too."""
    flipped = _max_pool_backward_right(x[::-1, ::-1], grad_out[::-1, ::-1])
    return flipped[::-1, ::-1]


def test_check_max_pool_backward_accepts_loops_and_any_one_of_tied_maxima(capsys):
    checks.check_max_pool_backward(_max_pool_backward_right)
    checks.check_max_pool_backward(_last_maximum)
    checks.check_max_pool_backward(lambda x, g: _max_pool_backward_mask(x, g, share_ties=True))
    checks.check_max_pool_backward(lambda x, g: _max_pool_backward_right(x, g).astype(np.float32))
    assert capsys.readouterr().out.count("Correct") == 4


def test_check_max_pool_backward_rejects_a_gradient_spread_over_the_window():
    def average(x, g):
        return np.repeat(np.repeat(g, 2, axis=0), 2, axis=1) / 4

    with pytest.raises(AssertionError, match=r"evenly over its 4 positions: that is the backward pass of average pooling"):
        checks.check_max_pool_backward(average)
    with pytest.raises(AssertionError, match=r"copies each window's gradient to all 4[\s\S]*not the window's maximum"):
        checks.check_max_pool_backward(lambda x, g: average(x, g) * 4)


def test_check_max_pool_backward_rejects_every_tied_maximum_the_minimum_and_no_chain_rule():
    with pytest.raises(AssertionError, match=r"appears more than once, gives the window's gradient to every one[\s\S]*add up to"):
        checks.check_max_pool_backward(_max_pool_backward_mask)
    with pytest.raises(AssertionError, match="at the window's smallest value"):
        checks.check_max_pool_backward(lambda x, g: _max_pool_backward_right(-x, g))
    with pytest.raises(AssertionError, match=r"puts 1 at each window's maximum[\s\S]*chain rule"):
        checks.check_max_pool_backward(lambda x, g: _max_pool_backward_right(x, np.ones_like(g)))


def test_check_max_pool_backward_rejects_wrong_shapes():
    def pooled_gradient(x, g):
        return g.copy()

    with pytest.raises(AssertionError, match=r"the shape of grad_out; the gradient with respect to x is shaped like x"):
        checks.check_max_pool_backward(pooled_gradient)
    with pytest.raises(AssertionError, match=r"returned shape \(4, 3\); it must be shaped like x, \(4, 4\)"):
        checks.check_max_pool_backward(lambda x, g: _max_pool_backward_right(x, g)[:, :-1])
    with pytest.raises(AssertionError, match="differs from TensorFlow's gradient"):  # rows and columns swapped
        checks.check_max_pool_backward(lambda x, g: _max_pool_backward_right(x, g).T)


def test_check_max_pool_backward_rejects_a_zero_start_tensorflow_and_the_placeholder():
    def zero_start(x, g):  # the largest value found from 0 up: misses windows of negatives
        return _max_pool_backward_right(np.maximum(x, 0) + (x > 0) * 1e-9, g) * (x > 0)

    with pytest.raises(AssertionError, match="differs from TensorFlow's gradient; the first wrong value is at row 0, column 0"):
        checks.check_max_pool_backward(zero_start)

    def with_tape(x, g):
        from course_lib.session import import_tensorflow

        tf = import_tensorflow()
        inputs = tf.constant(x[None, :, :, None])
        with tf.GradientTape() as tape:
            tape.watch(inputs)
            y = tf.nn.max_pool2d(inputs, 2, 2, "VALID")
        return tape.gradient(y, inputs, output_gradients=g[None, :, :, None]).numpy()[0, :, :, 0]

    with pytest.raises(AssertionError, match=r"asks TensorFlow for the gradient \(tf.GradientTape\)"):
        checks.check_max_pool_backward(with_tape)
    with pytest.raises(AssertionError, match="not attempted yet"):
        checks.check_max_pool_backward(lambda x, g: (_ for _ in ()).throw(NotImplementedError))
    with pytest.raises(AssertionError, match="max_pool_backward returned None"):
        checks.check_max_pool_backward(lambda x, g: None)


def right_answers():
    """Check name -> the arguments of one right answer (tests/test_every_check.py uses them)."""
    return {
        "check_max_pool_2x2": (_max_pool_2x2_right,),
        "check_pooled_shape": (_pooled_shape_right,),
        "check_max_pool_backward": (_max_pool_backward_right,),
    }
