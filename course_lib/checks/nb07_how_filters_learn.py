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


# The Sobel x filter of notebook 02: the kernel that made the targets, and the one the descent
# should find.
_SOBEL_X = np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])

# (seed, images, height, width, steps, learning_rate): a few steps, where one step more or less
# shows, and a longer run that ends at Sobel x. Standard normal pixels make the loss a round bowl
# (curvature about 2 in every direction), so 0.1 and 0.2 are well below the stable limit of 1.
_DESCENTS = [(21, 3, 10, 12, 4, 0.1), (22, 2, 9, 11, 60, 0.2)]


def _descent_problem(seed, n, h, w):
    """``(images, targets)``: ``n`` seeded ``(h, w)`` images and their Sobel x responses."""
    from course_lib.conv import conv2d

    images = np.random.default_rng(seed).normal(size=(n, h, w))
    return images, np.stack([conv2d(image, _SOBEL_X) for image in images])


def _descent(images, targets, steps, learning_rate, scale=1.0):
    """The kernels of plain gradient descent on the MSE from zeros, after 0, 1, ..., ``steps``
    steps; ``scale`` multiplies the gradient (a known mistake when it is not 1)."""
    from course_lib.conv import conv2d

    kernel, kernels = np.zeros((3, 3)), [np.zeros((3, 3))]
    with np.errstate(all="ignore"):  # a mistaken scale may diverge
        for _ in range(steps):
            error = np.stack([conv2d(image, kernel) for image in images]) - targets
            grad_output = 2 * error / error.size
            grad = sum(conv2d(image, g) for image, g in zip(images, grad_output))
            kernel = kernel - learning_rate * scale * grad
            kernels.append(kernel)
    return kernels


def _mse(images, targets, kernel):
    from course_lib.conv import conv2d

    with np.errstate(all="ignore"):
        return float(np.mean((np.stack([conv2d(image, kernel) for image in images]) - targets) ** 2))


def _same_kernel(answer, expected):
    """True when ``answer`` is ``expected`` up to float32 rounding."""
    return bool(np.allclose(answer, expected, rtol=1e-4, atol=1e-6))


def _gradient_slips(n, outputs):
    """``(scale, mistake, hint)``: a gradient ``scale`` times the right one, for ``n`` images
    with ``outputs`` outputs in all, and what that mistake is."""
    mean = (
        "The loss is one mean over all outputs of all images together, so the output gradient is "
        "divided by their number, the whole batch's."
    )
    return [
        (outputs, "Its gradient is summed over the outputs, not averaged, so the steps are far "
                  "too long", mean),
        (outputs / 2, "Its gradient is summed over the outputs, not averaged, and lacks the 2 of "
                      "the square's derivative", mean),
        (n, f"Its gradient is averaged over each image's outputs, then added up over the {n} images",
         mean),
        (0.5, "Its gradient is half the right one, without the 2 of the square's derivative",
         "The derivative of a squared error with respect to the prediction is twice the error, "
         "not the error itself."),
    ]


@exercise_check
def check_learn_kernel(learn_kernel):
    """Notebook 07, exercise 3: check ``learn_kernel(images, targets, steps, learning_rate)``: plain gradient descent on a 3x3 kernel from zeros.

    ``images`` is ``(N, H, W)``, ``targets`` is ``(N, H - 2, W - 2)``, made with Sobel x; the
    answer, the ``(3, 3)`` kernel after ``steps`` steps ``K -= learning_rate * dL/dK`` on the mean
    squared error, is compared with the same descent computed here with
    :func:`course_lib.conv.conv2d`, after a few steps and after enough to reach Sobel x.
    """
    hint = (
        "each step predicts every image with the current kernel; the mean squared error's "
        "gradient at each output is twice that output's error, divided by the number of outputs "
        "of all the images together; the kernel's gradient adds up, over the images, each image's "
        "kernel gradient for its output gradient (exercise 1); then the step goes against it, "
        "scaled by the learning rate."
    )
    for seed, n, h, w, steps, rate in _DESCENTS:
        images, targets = _descent_problem(seed, n, h, w)
        call = f"learn_kernel(images, targets, steps={steps}, learning_rate={rate}) on {n} images of {h}x{w}"
        with np.errstate(all="ignore"):  # a diverging descent is the learner's to see
            answer = _call_array(
                learn_kernel, (images.copy(), targets.copy(), steps, rate), "learn_kernel", hint,
                not_numbers="learn_kernel returned a {type}, not an array.",
            )
        if answer.size == 9 and answer.squeeze().shape == (3, 3):
            answer = answer.reshape(3, 3)  # a (3, 3, 1, 1) kernel is the same kernel
        if answer.shape != (3, 3):
            _fail(f"{call} returned an array of shape {answer.shape}; expected a 3x3 kernel, (3, 3).", hint)
        kernels = _descent(images, targets, 2 * steps + 2, rate)
        if _same_kernel(answer, kernels[steps]):
            continue
        if not np.all(np.isfinite(answer)):
            _fail(
                f"{call} returned inf or nan: the descent blew up, each step overshooting further.",
                "At this learning rate the right steps are stable. Check that the output gradient "
                "is divided by the number of outputs and that each step goes against the gradient.",
            )
        if np.allclose(answer, 0):
            _fail(
                f"{call} returned the starting kernel, all zeros: the steps never changed it.",
                "keep each step's result: the kernel must itself become the stepped kernel, in "
                "place or by assigning the new array back; computing the step alone changes nothing.",
            )
        if _same_kernel(answer, _descent(images, targets, steps, -rate)[-1]):
            _fail(
                f"{call} stepped uphill: each step adds the gradient, so the loss grows instead of falling.",
                "The gradient points to where the loss grows fastest; step against it.",
            )
        for scale, slip, slip_hint in _gradient_slips(n, targets.size):
            if _same_kernel(answer, _descent(images, targets, steps, rate, scale)[-1]):
                _fail(f"{call} gives another kernel than the descent asked for. {slip}.", slip_hint)
        taken = [k for k in range(1, len(kernels)) if _same_kernel(answer, kernels[k])]
        if taken and taken[0] == 1 < steps:
            _fail(
                f"{call} returned the kernel of one single step from zeros, not of {steps} steps: "
                "the steps do not build on each other.",
                "Each step starts from the kernel the previous step left: do not set it back to "
                "zeros inside the loop, and keep each update.",
            )
        if taken:
            _fail(f"{call} took {taken[0]} steps, not {steps}.", "Take exactly `steps` steps.")
        worst = np.unravel_index(np.argmax(np.abs(answer - kernels[steps])), (3, 3))
        loss, start_loss = _mse(images, targets, answer), _mse(images, targets, np.zeros((3, 3)))
        _fail(
            f"{call} returned another kernel than the descent gives, most different at index "
            f"{tuple(map(int, worst))}."
            + (" Its loss is even higher than that of the zero kernel it started from." if loss > start_loss else ""),
            hint,
        )
    _passed(
        "learn_kernel takes the same steps as plain gradient descent, and recovers Sobel x from "
        f"{_DESCENTS[-1][1]} images in {_DESCENTS[-1][4]} steps."
    )
