"""The checks of notebook 07, ``course_lib.checks.nb07_how_filters_learn``, accept right answers and
reject wrong ones."""

import numpy as np
import pytest

from course_lib import checks


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
    with pytest.raises(AssertionError, match="not attempted yet"):
        checks.check_kernel_gradient(lambda *args: (_ for _ in ()).throw(NotImplementedError))
    with pytest.raises(AssertionError, match="returned None"):
        checks.check_kernel_gradient(lambda *args: None)


def test_check_kernel_gradient_rejects_one_window_only():
    # Forgetting to accumulate: only the last output position is kept.
    def last_only(x, grad_output, kernel_size):
        kh, kw = kernel_size
        i, j = grad_output.shape[0] - 1, grad_output.shape[1] - 1
        return grad_output[i, j] * x[i : i + kh, j : j + kw]

    with pytest.raises(AssertionError, match=r"differs from the right result[\s\S]*each weight of the kernel meets one input value"):
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

    with pytest.raises(AssertionError, match=r"returned inf[\s\S]*shift every logit by the largest one"):
        checks.check_softmax_cross_entropy(shifted_softmax_then_log)


def test_check_softmax_cross_entropy_rejects_sign_probability_log10_and_vectors():
    with pytest.raises(AssertionError, match="it has the wrong sign"):
        checks.check_softmax_cross_entropy(lambda z, y: -_softmax_cross_entropy_right(z, y))
    with pytest.raises(AssertionError, match="probability of the correct class, not the loss"):
        checks.check_softmax_cross_entropy(
            lambda z, y: np.exp(-_softmax_cross_entropy_right(z, y))
        )
    with pytest.raises(AssertionError, match=r"it uses log10[\s\S]*natural logarithm"):
        checks.check_softmax_cross_entropy(
            lambda z, y: _softmax_cross_entropy_right(z, y) / np.log(10)
        )
    with pytest.raises(AssertionError, match="expected one number"):
        checks.check_softmax_cross_entropy(
            lambda z, y: [_softmax_cross_entropy_right(z, k) for k in range(len(z))]
        )


def test_check_softmax_cross_entropy_rejects_the_wrong_class_and_a_crash():
    with pytest.raises(AssertionError, match=r"and label 1 returned 3.99524, which is too large"):
        checks.check_softmax_cross_entropy(
            lambda z, y: _softmax_cross_entropy_right(z, (y + 1) % len(z))
        )
    with pytest.raises(AssertionError, match="raised IndexError"):
        checks.check_softmax_cross_entropy(lambda z, y: z[len(z)])


def right_answers():
    """Check name -> the arguments of one right answer (tests/test_every_check.py uses them)."""
    return {
        "check_kernel_gradient": (_kernel_gradient_right,),
        "check_softmax_cross_entropy": (_softmax_cross_entropy_right,),
    }
