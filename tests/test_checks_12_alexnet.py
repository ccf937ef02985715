"""The checks of notebook 12, ``course_lib.checks.nb12_alexnet``, accept right answers and
reject wrong ones."""

import numpy as np
import pytest

from course_lib import checks


def _lrn_loop(a, n=5, k=2.0, alpha=1e-4, beta=0.75, divide_alpha=False, radius=None):
    a = np.asarray(a, dtype=np.float64)
    maps = a.shape[-1]
    r = n // 2 if radius is None else radius
    out = np.empty_like(a)
    for i in range(maps):
        lo, hi = max(0, i - r), min(maps - 1, i + r)
        total = (a[..., lo : hi + 1] ** 2).sum(axis=-1)
        out[..., i] = a[..., i] / (k + (alpha / n if divide_alpha else alpha) * total) ** beta
    return out


def test_check_lrn_accepts_a_loop_over_maps(passes):
    passes(checks.check_lrn, _lrn_loop)


def test_check_lrn_rejects_common_mistakes():
    with pytest.raises(AssertionError, match="alpha is divided by n"):
        checks.check_lrn(lambda a, n, k, alpha, beta: _lrn_loop(a, n, k, alpha, beta, divide_alpha=True))
    with pytest.raises(AssertionError, match="reaches n maps on each side; it holds n maps in all"):
        checks.check_lrn(lambda a, n, k, alpha, beta: _lrn_loop(a, n, k, alpha, beta, radius=n))
    with pytest.raises(AssertionError, match="only the map itself"):
        checks.check_lrn(lambda a, n, k, alpha, beta: a / (k + alpha * np.asarray(a, float) ** 2) ** beta)
    with pytest.raises(AssertionError, match="returned None"):
        checks.check_lrn(lambda a, n, k, alpha, beta: None)
    with pytest.raises(AssertionError, match="differs from the right result"):
        checks.check_lrn(lambda a, n, k, alpha, beta: _lrn_loop(a, n, k, alpha, 1.0))


def _inverted_dropout(x, rate, rng):
    keep = rng.random(x.shape) >= rate
    return np.where(keep, x / (1 - rate), 0.0)


def test_check_dropout_accepts_inverted_dropout(capsys):
    checks.check_dropout(_inverted_dropout)
    checks.check_dropout(lambda x, rate, rng: x * (rng.uniform(size=x.shape) > rate) / (1 - rate))
    assert capsys.readouterr().out.count("Correct") == 2


def test_check_dropout_rejects_common_mistakes():
    with pytest.raises(AssertionError, match="keeps the surviving values unchanged"):
        checks.check_dropout(lambda x, rate, rng: x * (rng.random(x.shape) >= rate))
    with pytest.raises(AssertionError, match="multiplies the survivors by 1 - rate"):
        checks.check_dropout(lambda x, rate, rng: x * (rng.random(x.shape) >= rate) * (1 - rate))
    with pytest.raises(AssertionError, match="probability of dropping"):
        checks.check_dropout(lambda x, rate, rng: _inverted_dropout(x, 1 - rate, rng) if rate else x)
    with pytest.raises(AssertionError, match="different mask with the same seed"):
        checks.check_dropout(lambda x, rate, rng: _inverted_dropout(x, rate, np.random.default_rng()))
    with pytest.raises(AssertionError, match="has shape"):
        checks.check_dropout(lambda x, rate, rng: _inverted_dropout(x, rate, rng).ravel())


def test_check_dropout_tells_an_ignored_rate_from_an_inverted_one():
    # Half of the values dropped whatever the rate: right at 0.5, wrong at 0.2 and 0.0, and not
    # an inverted rate (which would drop 80 % at 0.2).
    def half(x, rate, rng):
        return np.where(rng.random(x.shape) >= 0.5, x / (1 - rate), 0.0)

    with pytest.raises(AssertionError) as failure:
        checks.check_dropout(half)
    assert "it ignores rate" in str(failure.value)
    assert "probability of dropping" not in str(failure.value)
    with pytest.raises(AssertionError, match=r"rate=0.2, rng\) zeroes 80.\d% of the values: at every rate it drops a share 1 - rate"):
        checks.check_dropout(lambda x, rate, rng: np.where(rng.random(x.shape) < rate, x / (1 - rate), 0.0))


def right_answers():
    """Check name -> the arguments of one right answer (tests/test_every_check.py uses them)."""
    return {"check_lrn": (_lrn_loop,), "check_dropout": (_inverted_dropout,)}
