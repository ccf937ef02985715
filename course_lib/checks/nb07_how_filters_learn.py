"""Checks for the exercises of notebook 07, ``notebooks/07_how_filters_learn.ipynb``."""

import numpy as np

from course_lib.checks._common import exercise_check, _call, _call_array, _fail, _passed, _same_array


def _kernel_gradient_cases():
    """``(x, grad_output, kernel_size)`` for valid, stride-1 convolutions of several shapes, seeded."""
    rng = np.random.default_rng(7)
    cases = []
    for (h, w), (kh, kw) in [((5, 5), (3, 3)), ((6, 8), (2, 4)), ((7, 4), (3, 1)), ((4, 4), (4, 4))]:
        x = rng.integers(-3, 4, (h, w)).astype(float)
        grad_output = rng.integers(-2, 3, (h - kh + 1, w - kw + 1)).astype(float)
        cases.append((x, grad_output, (kh, kw)))
    return cases


@exercise_check
def check_kernel_gradient(kernel_gradient):
    """Notebook 07, exercise 1: check a learner's ``kernel_gradient(x, grad_output, kernel_size)``: dLoss/dkernel of a 2-D conv.

    ``x`` is ``(H, W)``, ``grad_output`` is dLoss/dy for ``y = conv2d(x, kernel)`` (valid, stride 1),
    shaped ``(H - kh + 1, W - kw + 1)``, and ``kernel_size = (kh, kw)``. The expected answer comes
    from :func:`course_lib.conv.conv2d_backward`.
    """
    from course_lib.conv import conv2d_backward

    hint = (
        "Each weight meets one window of the input per output position: kernel[a, b] multiplies "
        "x[i + a, j + b] to make output (i, j), so grad[a, b] = sum over i, j of "
        "x[i + a, j + b] * grad_output[i, j]. Loop over output positions and add "
        "grad_output[i, j] * x[i:i + kh, j:j + kw] to a (kh, kw) array of zeros."
    )
    for x, grad_output, kernel_size in _kernel_gradient_cases():
        expected = conv2d_backward(x, np.zeros(kernel_size), grad_output)[1]
        where = f"for x of shape {x.shape} and kernel_size={kernel_size}"
        answer = _call_array(
            kernel_gradient, (x.copy(), grad_output.copy(), kernel_size), "kernel_gradient", hint,
            not_numbers="kernel_gradient returned a {type}, not an array.",
        )
        if answer.shape == x.shape != expected.shape:
            _fail(
                f"the result has the shape of x, {x.shape}, {where}: that is the input gradient.",
                "The kernel gradient has one value per weight: shape kernel_size = (kh, kw). " + hint,
            )
        if answer.shape == expected.shape and not np.allclose(answer, expected):
            if np.allclose(answer, expected[::-1, ::-1]):
                _fail(
                    f"the result is the right gradient flipped upside down and left to right, {where}.",
                    "conv2d is a cross-correlation, with no flip: weight (a, b) meets x[i + a, j + b].",
                )
            if np.allclose(answer, expected / grad_output.size):
                _fail(
                    f"the result is the right gradient divided by the number of outputs, {where}.",
                    "Sum over the output positions; do not average. The loss's own averaging is "
                    "already inside grad_output.",
                )
        _same_array(answer, expected, f"kernel_gradient {where}", hint)
    _passed("kernel_gradient equals conv2d_backward's kernel gradient on every shape tried.")


def _softmax_cross_entropy_cases():
    """``(logits, label)`` pairs: random scores for 2 to 10 classes, then very large logits."""
    rng = np.random.default_rng(11)
    cases = [(rng.normal(0, 3, classes), int(rng.integers(classes))) for classes in (2, 3, 5, 10)]
    cases.append((np.array([2.0, 2.0, 2.0, 2.0]), 1))  # equal scores: log(4)
    cases.append((np.array([1000.0, 0.0, -1000.0]), 0))  # sure and right: loss 0
    cases.append((np.array([1000.0, 0.0, -1000.0]), 2))  # sure and wrong: exp overflows, softmax underflows
    return cases


@exercise_check
def check_softmax_cross_entropy(softmax_cross_entropy):
    """Notebook 07, exercise 2: check a learner's ``softmax_cross_entropy(logits, label)``: ``-log softmax(logits)[label]``.

    ``logits`` is a 1-D array of class scores and ``label`` the index of the correct class; the
    answer must be one number. The expected value comes from Keras's
    ``SparseCategoricalCrossentropy(from_logits=True)``; the cases include logits of +-1000,
    where computing ``exp`` directly overflows.
    """
    from course_lib.session import import_tensorflow

    import_tensorflow()  # quietly, before Keras imports it
    import keras

    keras_loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    hint = (
        "subtract the largest logit m first (it cancels out), then "
        "loss = log(sum(exp(logits - m))) - (logits[label] - m)."
    )
    for logits, label in _softmax_cross_entropy_cases():
        expected = float(keras_loss(np.array([label]), logits[None].astype(np.float32)))
        where = f"for logits {np.array2string(logits, precision=2)} and label {label}"
        with np.errstate(all="ignore"):  # overflow is the learner's to see in the result
            answer = _call(
                softmax_cross_entropy, (logits.copy(), label), "softmax_cross_entropy", hint
            )
        if np.ndim(answer) != 0 and np.size(answer) != 1:
            _fail(
                f"softmax_cross_entropy returned {np.size(answer)} values {where}; expected one number.",
                "Pick the probability of the correct class only: -log p[label]. " + hint,
            )
        try:
            answer = float(np.asarray(answer, dtype=float).reshape(()))
        except (TypeError, ValueError):
            _fail(f"softmax_cross_entropy returned a {type(answer).__name__}, not a number.", hint)
        if not np.isfinite(answer):
            _fail(
                f"softmax_cross_entropy returned {answer} {where}.",
                "exp(1000) overflows and exp(-2000) rounds to 0, so softmax then log loses "
                "everything. Stay in the log domain: " + hint,
            )
        if np.isclose(answer, -expected, atol=1e-4) and expected > 1e-4:
            _fail(
                f"softmax_cross_entropy returned {answer:.4f} {where}; expected {expected:.4f}.",
                "The sign is wrong: the loss is MINUS the log-probability, never negative.",
            )
        probabilities = np.exp(logits - logits.max())
        probabilities /= probabilities.sum()
        if np.isclose(answer, probabilities[label], atol=1e-4) and not np.isclose(
            answer, expected, atol=1e-4
        ):
            _fail(
                f"softmax_cross_entropy returned {answer:.4f} {where}: the probability of the "
                "correct class, not the loss.",
                "Take minus its logarithm. " + hint,
            )
        if np.isclose(answer, expected / np.log(10), atol=1e-4) and expected > 1e-4:
            _fail(
                f"softmax_cross_entropy returned {answer:.4f} {where}; expected {expected:.4f}.",
                "Use the natural logarithm (np.log), as Keras does, not log10.",
            )
        if not np.isclose(answer, expected, atol=1e-4, rtol=1e-5):
            _fail(
                f"softmax_cross_entropy returned {answer:.4f} {where}; Keras gives {expected:.4f}.",
                hint,
            )
    _passed(
        "softmax_cross_entropy agrees with Keras's SparseCategoricalCrossentropy, "
        "also for logits of +-1000."
    )
