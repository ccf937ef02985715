"""Checks for the exercises of notebook 12, ``notebooks/12_alexnet.ipynb``."""

import numpy as np

from course_lib.checks._common import exercise_check, _call_array, _fail, _passed, _same_array


def _lrn_cases():
    """``(a, n, k, alpha, beta)``: maps on the last axis, large enough that alpha matters."""
    rng = np.random.default_rng(12)
    return [
        (np.abs(rng.normal(scale=60, size=(2, 3, 4, 8))).astype(np.float32), 5, 2.0, 1e-4, 0.75),
        (np.abs(rng.normal(scale=30, size=(5, 7))).astype(np.float32), 3, 1.0, 1e-3, 0.5),
        (rng.normal(scale=100, size=(6,)).astype(np.float32), 5, 2.0, 1e-4, 0.75),
        (np.ones((1, 1, 1, 5), np.float32), 5, 2.0, 1e-4, 0.75),
    ]


def _lrn_reference(a, n, k, alpha, beta, tf):
    """The paper's formula through ``tf.nn.local_response_normalization`` (maps on the last axis)."""
    x = a.reshape((-1, 1, 1, a.shape[-1]))
    y = tf.nn.local_response_normalization(x, depth_radius=n // 2, bias=k, alpha=alpha, beta=beta)
    return y.numpy().reshape(a.shape).astype(np.float64)


@exercise_check
def check_lrn(lrn):
    """Notebook 12, exercise 1: check a learner's ``lrn(a, n=5, k=2.0, alpha=1e-4, beta=0.75)``: AlexNet's local response normalisation.

    ``a`` holds maps on its last axis; the expected values come from
    ``tf.nn.local_response_normalization`` with ``depth_radius = n // 2``.
    """
    from course_lib.session import import_tensorflow

    tf = import_tensorflow()
    hint = (
        "for each map i, add up the squares of the maps in a window of n maps centred on i (cut "
        "at the first and the last map), then divide map i by k plus alpha times that sum, raised "
        "to the power beta. The maps are on the last axis, whatever axes come before it."
    )
    for a, n, k, alpha, beta in _lrn_cases():
        expected = _lrn_reference(a, n, k, alpha, beta, tf)
        case = f"lrn(a of shape {a.shape}, n={n}, k={k}, alpha={alpha}, beta={beta})"
        values = _call_array(
            lrn, (a.copy(), n, k, alpha, beta), "lrn", hint,
            not_numbers=case + " should be a numeric array; received {type}.",
        )
        if values.shape == expected.shape and not np.allclose(values, expected, rtol=1e-4):
            mistakes = [
                (_lrn_reference(a, n, k, alpha / n, beta, tf),
                 ("alpha is divided by n (as Caffe and PyTorch do); in the paper and in TensorFlow "
                  "it multiplies the sum directly")),
                (_lrn_reference(a, 2 * n + 1, k, alpha, beta, tf),
                 "the window reaches n maps on each side; it holds n maps in all, the map itself in the middle"),
                (a / (k + alpha * a.astype(np.float64) ** 2) ** beta,
                 "only the map itself is in the sum; it should add up its neighbours too"),
            ]
            for wrong, text in mistakes:
                if np.allclose(values, wrong, rtol=1e-4):
                    _fail(f"{case}: {text}.", hint)
        _same_array(values, expected, case, hint, atol=1e-4 * max(1.0, float(np.abs(expected).max())))
    _passed("lrn agrees with tf.nn.local_response_normalization, window edges and all.")


@exercise_check
def check_dropout(dropout):
    """Notebook 12, exercise 2: check a learner's ``dropout(x, rate, rng)``: inverted dropout as Keras applies it during training.

    Each value is zeroed with probability ``rate`` and the others are divided by ``1 - rate``, so
    the expected sum is unchanged. The random draws must come from ``rng`` (a NumPy
    ``Generator``), so the same seed gives the same mask.
    """
    hint = (
        "draw one uniform random number per value from rng; drop a value (make it 0) with "
        "probability rate, and scale the survivors up so that the expected output equals x."
    )
    x = np.random.default_rng(0).normal(size=(400, 500)) + 3.0  # no zeros in x itself
    rates = (0.5, 0.2, 0.0)
    results = []
    for rate in rates:
        case = f"dropout(x, rate={rate}, rng)"
        values = _call_array(
            dropout, (x.copy(), rate, np.random.default_rng(1)), "dropout", hint,
            not_numbers=case + " returned {type}; expected an array like x.",
        )
        if values.shape != x.shape:
            _fail(f"{case} has shape {values.shape}, not x's shape {x.shape}.", hint)
        again = _call_array(
            dropout, (x.copy(), rate, np.random.default_rng(1)), "dropout", hint,
            not_numbers=case + " returned {type}; expected an array like x.",
        )
        if not np.array_equal(again, values):
            _fail(
                f"{case} gives a different mask with the same seed.",
                "Draw the random numbers from the rng argument (rng.random(...)), not from "
                "np.random, so a seed reproduces the mask. " + hint,
            )
        results.append(values)
    shares = [float(np.mean(values == 0)) for values in results]
    for rate, share in zip(rates, shares):
        if abs(share - rate) <= 0.01:
            continue
        case = f"dropout(x, rate={rate}, rng)"
        if all(abs(s - (1 - r)) <= 0.01 for r, s in zip(rates, shares) if r):
            _fail(
                f"{case} zeroes {share:.1%} of the values: at every rate it drops a share 1 - rate.",
                "rate is the probability of dropping a value, not of keeping it. " + hint,
            )
        if all(abs(s - shares[0]) <= 0.01 for s in shares):
            _fail(
                f"{case} zeroes {share:.1%} of the values, about the same share at every rate tried: "
                "it ignores rate.",
                hint,
            )
        _fail(f"{case} zeroes {share:.1%} of the values; the share of zeros should be about rate.", hint)
    for rate, values in zip(rates, results):
        case = f"dropout(x, rate={rate}, rng)"
        kept = values != 0
        if rate and np.allclose(values[kept], x[kept]):
            _fail(
                f"{case} keeps the surviving values unchanged.",
                "Without scaling, the layer's output shrinks by (1 - rate) on average during "
                "training but not at test time. " + hint,
            )
        if rate and np.allclose(values[kept], x[kept] * (1 - rate)):
            _fail(f"{case} multiplies the survivors by 1 - rate; they must grow, not shrink.", hint)
        if not np.allclose(values[kept], x[kept] / (1 - rate)):
            _fail(f"{case}: the surviving values are not x, scaled so that the expected output equals x.", hint)
    _passed("dropout zeroes the right share of values, scales the rest by 1 / (1 - rate) and uses rng.")
