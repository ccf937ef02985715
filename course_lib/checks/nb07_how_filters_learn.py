"""Checks for the exercises of notebook 07, ``notebooks/07_how_filters_learn.ipynb``."""

import numpy as np

from course_lib.checks._common import (
    CheckFailed, exercise_check, _call, _call_array, _fail, _judge_cases, _passed, _same_array,
)


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
        "each weight of the kernel meets one input value at every output position, and the loss "
        "reaches it through every one of them: its gradient adds up, over all output positions, "
        "the input value it met times that output's gradient."
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
                "The kernel gradient has one value per weight, the kernel's shape. " + hint,
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
        "the loss is minus the natural log of the softmax probability of the correct class. Keep "
        "exp from overflowing: shift every logit by the largest one first (the shift cancels out), "
        "and take the log of the sum of exponentials rather than the log of a tiny probability."
    )
    cases = _softmax_cross_entropy_cases()
    answers, expected = [], []
    pending = None
    try:
        for logits, label in cases:
            expected.append(float(keras_loss(np.array([label]), logits[None].astype(np.float32))))
            where = f"for logits {np.array2string(logits, precision=2)} and label {label}"
            with np.errstate(all="ignore"):  # overflow is the learner's to see in the result
                answer = _call(
                    softmax_cross_entropy, (logits.copy(), label), "softmax_cross_entropy", hint
                )
            if np.ndim(answer) != 0 and np.size(answer) != 1:
                _fail(
                    f"softmax_cross_entropy returned {np.size(answer)} values {where}; expected one number.",
                    "Pick the probability of the correct class only. " + hint,
                )
            try:
                value = float(np.asarray(answer, dtype=float).reshape(()))
            except (TypeError, ValueError):
                _fail(f"softmax_cross_entropy returned a {type(answer).__name__}, not a number.", hint)
            if not np.isfinite(value):
                _fail(
                    f"softmax_cross_entropy returned {value} {where}.",
                    "exp(1000) overflows and exp(-2000) rounds to 0, so softmax then log loses "
                    "everything. Stay in the log domain: " + hint,
                )
            answers.append(value)
    except CheckFailed as failure:  # judged after the cases before it
        pending = failure

    def where(i):
        logits, label = cases[i]
        return f"softmax_cross_entropy for logits {np.array2string(logits, precision=2)} and label {label}"

    def probability(logits, label):
        p = np.exp(logits - logits.max())
        return float(p[label] / p.sum())

    def close(answer, value):
        return bool(np.isclose(answer, value, atol=1e-4, rtol=1e-5))

    mistakes = [
        ([-e for e in expected], "has the wrong sign", "the loss is MINUS the log-probability, never negative."),
        ([probability(z, y) for z, y in cases], "is the probability of the correct class, not the loss",
         "take minus its logarithm. " + hint),
        ([e / np.log(10) for e in expected], "uses log10", "use the natural logarithm (np.log), as Keras does."),
    ]
    _judge_cases(
        answers, expected, where, mistakes, hint, same=close,
        direction=lambda answer, right: "too large" if answer > right else "too small",
        pending=pending,
    )
    _passed(
        "softmax_cross_entropy agrees with Keras's SparseCategoricalCrossentropy, "
        "also for logits of +-1000."
    )
