"""Checks for the exercises: each raises ``AssertionError`` with a hint, or prints one line.

Convention (shared by every notebook): an exercise cell holds the learner's code between
``# BEGIN SOLUTION`` and ``# END SOLUTION`` lines; the next cell calls one function from this
module with the learner's answer. A check never trusts the answer's own claims: it recomputes
the expected value from the course's reference code and compares.

Sections follow the notebooks. ``tests/test_checks.py`` proves that every public function here
accepts a right answer and rejects at least one wrong one.
"""

import numpy as np


def _passed(message):
    print(f"Correct: {message}")


def _fail(problem, hint):
    raise AssertionError(f"{problem}\nHint: {hint}")


def _same_array(answer, expected, name, hint, atol=1e-5):
    """Fail unless ``answer`` is an array with ``expected``'s shape and values (to ``atol``)."""
    try:
        answer = np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError):
        _fail(f"{name} should be a numeric array; received {type(answer).__name__}.", hint)
    if answer.shape != expected.shape:
        _fail(f"{name} has shape {answer.shape}; expected {expected.shape}.", hint)
    if not np.allclose(answer, expected, atol=atol, rtol=0):
        worst = np.unravel_index(np.argmax(np.abs(answer - expected)), expected.shape)
        _fail(
            f"{name} differs from the expected values, most at index {tuple(map(int, worst))}: "
            f"{answer[worst]:.4g} instead of {expected[worst]:.4g}.",
            hint,
        )


def _call(function, args, name, hint):
    """Call the learner's function, turning a crash into a failed check with a hint."""
    if not callable(function):
        _fail(f"{name} should be a function; received {type(function).__name__}.", hint)
    try:
        return function(*args)
    except NotImplementedError:
        _fail(f"{name} is not written yet (it raises NotImplementedError).", hint)
    except Exception as error:  # the learner's bug, reported as a failed check with a hint
        _fail(f"{name} raised {type(error).__name__}: {error}", hint)


# --------------------------------------------------------------------------- 00 welcome


# --------------------------------------------------------------------------- 01 images and dense layers


# --------------------------------------------------------------------------- 02 convolution
