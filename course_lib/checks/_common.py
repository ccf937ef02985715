"""What the exercise checks of every notebook share: failing, passing, calling the learner's
code and reading its answers."""

import numpy as np


def _passed(message):
    print(f"Correct: {message}")


def _fail(problem, hint):
    raise AssertionError(f"{problem}\nHint: {hint}")


def _fail_with_known_mistakes(call, answer, expected, known, hint):
    """Fail a count: say what ``call`` returned and expected, naming every known mistake that
    gives ``answer`` (``known`` is a list of ``(value, "what that answer does")``)."""
    matches = [text for value, text in known if answer == value]
    _fail(
        f"{call} returned {answer:,}; expected {expected:,}"
        + (f": it {'; or it '.join(matches)}." if matches else "."),
        hint,
    )


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


def _call_array(function, args, name, hint, not_numbers, returned_none=None):
    """Call the learner's function as :func:`_call` does and return its answer as a float64 array.

    Args:
        not_numbers: the problem to fail with (and ``hint``) when NumPy cannot read the answer
            as numbers; ``{type}`` in it becomes the answer's type name.
        returned_none: ``(problem, hint)`` to fail with when the answer is None; without it a
            None goes on, as a NaN array, to the checks that follow.
    """
    answer = _call(function, args, name, hint)
    if answer is None and returned_none is not None:
        _fail(*returned_none)
    try:
        return np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError):
        _fail(not_numbers.replace("{type}", type(answer).__name__), hint)


def _whole_number(answer, name, hint):
    """Return ``answer`` as an int, or fail if it is not a whole number (bools are refused)."""
    if isinstance(answer, bool) or not isinstance(answer, (int, float, np.integer, np.floating)):
        _fail(f"{name} should be a number; received {answer!r}.", hint)
    if not np.isfinite(answer) or answer != int(answer):
        _fail(f"{name} is {answer!r}; a count is a whole number.", hint)
    return int(answer)


def _keras():
    """Import Keras quietly (TensorFlow's start-up lines go nowhere) and return it."""
    from course_lib.session import import_tensorflow

    import_tensorflow()
    import keras

    return keras


def _whole_count(answer, call, hint):
    """Return ``answer`` as an int, or fail saying what ``call`` returned instead."""
    if answer is None:
        _fail(f"{call} returned None.", "End the function with `return ...`. " + hint)
    if isinstance(answer, bool):
        _fail(f"{call} returned {answer!r}; expected a whole number.", hint)
    try:
        value = float(answer)
    except (TypeError, ValueError):
        _fail(f"{call} returned {answer!r}; expected a whole number.", hint)
    if value != int(value):
        _fail(f"{call} returned {value:g}; expected a whole number.", hint)
    return int(value)
