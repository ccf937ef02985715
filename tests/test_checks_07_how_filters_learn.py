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


def _learn_kernel(sign=1.0, average_over="batch", two=2.0, extra_steps=0, restart=False):
    """A descent like the learner's, right with the defaults, else with one known mistake."""
    from course_lib.conv import conv2d

    def learn_kernel(images, targets, steps, learning_rate):
        kernel = np.zeros((3, 3))
        for _ in range(steps + extra_steps):
            if restart:
                kernel = np.zeros((3, 3))
            grad = np.zeros((3, 3))
            for image, target in zip(images, targets):
                error = conv2d(image, kernel) - target
                outputs = {"batch": targets.size, "image": target.size, "nothing": 1}[average_over]
                grad += conv2d(image, two * error / outputs)
            kernel = kernel - sign * learning_rate * grad
        return kernel

    return learn_kernel


def test_check_learn_kernel_accepts_loops_a_batch_and_float32(capsys):
    from course_lib.conv import conv2d, conv2d_backward

    def with_the_library(images, targets, steps, learning_rate):  # NHWC, conv2d_backward
        x, kernel = images[..., None].astype(np.float32), np.zeros((3, 3, 1, 1), np.float32)
        for _ in range(steps):
            error = conv2d(x, kernel) - targets[..., None]
            kernel -= learning_rate * conv2d_backward(x, kernel, 2 * error / error.size)[1]
        return kernel

    checks.check_learn_kernel(_learn_kernel())
    checks.check_learn_kernel(with_the_library)
    assert capsys.readouterr().out.count("Correct") == 2


def test_check_learn_kernel_recovers_sobel_x_in_its_long_run():
    from course_lib.checks import nb07_how_filters_learn as nb07

    seed, n, h, w, steps, rate = nb07._DESCENTS[-1]
    images, targets = nb07._descent_problem(seed, n, h, w)
    assert np.abs(nb07._descent(images, targets, steps, rate)[-1] - nb07._SOBEL_X).max() < 1e-6
    # and the short run stops far enough from it that one step more or less shows
    seed, n, h, w, steps, rate = nb07._DESCENTS[0]
    kernels = nb07._descent(*nb07._descent_problem(seed, n, h, w), 2 * steps + 2, rate)
    assert min(np.abs(a - b).max() for a, b in zip(kernels, kernels[1:])) > 1e-2


def test_check_learn_kernel_rejects_a_step_uphill():
    with pytest.raises(AssertionError, match="stepped uphill[\\s\\S]*against it"):
        checks.check_learn_kernel(_learn_kernel(sign=-1.0))


def test_check_learn_kernel_rejects_a_gradient_not_averaged():
    with pytest.raises(AssertionError, match="summed over the outputs, not averaged, so the steps"):
        checks.check_learn_kernel(_learn_kernel(average_over="nothing"))
    with pytest.raises(AssertionError, match="not averaged, and lacks the 2"):
        checks.check_learn_kernel(_learn_kernel(average_over="nothing", two=1.0))
    with pytest.raises(AssertionError, match="averaged over each image's outputs, then added up over the 3"):
        checks.check_learn_kernel(_learn_kernel(average_over="image"))
    with pytest.raises(AssertionError, match="half the right one"):
        checks.check_learn_kernel(_learn_kernel(two=1.0))


def test_check_learn_kernel_rejects_a_kernel_never_updated():
    def update_dropped(images, targets, steps, learning_rate):
        kernel = np.zeros((3, 3))
        for _ in range(steps):
            kernel - learning_rate * np.ones((3, 3))  # computed, never kept
        return kernel

    with pytest.raises(AssertionError, match="the starting kernel, all zeros"):
        checks.check_learn_kernel(update_dropped)
    with pytest.raises(AssertionError, match="one single step from zeros, not of 4 steps"):
        checks.check_learn_kernel(_learn_kernel(restart=True))


def test_check_learn_kernel_rejects_a_wrong_number_of_steps():
    with pytest.raises(AssertionError, match="took 5 steps, not 4"):
        checks.check_learn_kernel(_learn_kernel(extra_steps=1))
    with pytest.raises(AssertionError, match="took 3 steps, not 4"):
        checks.check_learn_kernel(_learn_kernel(extra_steps=-1))


def test_check_learn_kernel_rejects_divergence_shapes_and_other_kernels():
    with pytest.raises(AssertionError, match="returned inf or nan: the descent blew up"):
        checks.check_learn_kernel(lambda images, targets, steps, rate: np.full((3, 3), np.inf))
    with pytest.raises(AssertionError, match=r"shape \(9,\); expected a 3x3 kernel"):
        checks.check_learn_kernel(lambda *args: _learn_kernel()(*args).ravel())
    with pytest.raises(AssertionError, match=r"another kernel than the descent gives, most different at index[\s\S]*higher than that of the zero kernel"):
        checks.check_learn_kernel(lambda *args: np.ones((3, 3)))
    with pytest.raises(AssertionError, match="not attempted yet"):
        checks.check_learn_kernel(lambda *args: (_ for _ in ()).throw(NotImplementedError))
    with pytest.raises(AssertionError, match="returned None"):
        checks.check_learn_kernel(lambda *args: None)


def right_answers():
    """Check name -> the arguments of one right answer (tests/test_every_check.py uses them)."""
    return {
        "check_kernel_gradient": (_kernel_gradient_right,),
        "check_softmax_cross_entropy": (_softmax_cross_entropy_right,),
        "check_learn_kernel": (_learn_kernel(),),
    }
