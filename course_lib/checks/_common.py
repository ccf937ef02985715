"""What the exercise checks of every notebook share: the two parts of a check, failing and
passing, calling the learner's code and reading its answers.

Every check is in two parts. *Collect* runs where the learner's code is: it calls the learner's
functions on the check's inputs, or reads the learner's values, and keeps only plain data (JSON
types and numeric NumPy arrays). *Verdict* is a pure function of that data and the check's
reference: it never calls learner code, so a grader can run it in a process of its own, from
what :func:`save_collected` wrote. A check's body (its *judge*) is written once, as if it called
the learner's function directly; :func:`exercise_check` runs it twice: collect runs it to learn
which calls it makes, handing it the learner's function behind a recorder; verdict runs it
again on the recorded answers, replayed in the same order.

What a failed check says comes in tiers (issue 13): an untouched answer is "not attempted yet"
and nothing more (:func:`_judge`, :func:`_run`); a wrong one gets a message that shows the
learner's own answer and the case's inputs and names the mistake in words, with a hint that
nudges, never the expected value nor the solution's code (:func:`_judge_cases`,
:func:`_same_array`, :func:`_shape_problem`). ``tests/test_every_check.py`` tries every check
on wrong answers made from its right one and fails on a message that gives the answer away.
"""

import contextvars
import functools
import inspect
import io
import json
import os
import stat
import sys
import types
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from course_lib.session import import_keras
from course_lib.validation import is_int


@dataclass(frozen=True)
class Verdict:
    """What a check decided: ``passed``, and the message the learner reads."""

    passed: bool
    message: str


@dataclass(frozen=True)
class CheckParts:
    """The two parts of one check (see the module docstring)."""

    collect: object
    verdict: object


# Check name -> its two parts, filled by @exercise_check as the notebooks' modules are imported.
REGISTRY = {}

#: Set by the grader in the learner's kernel: a folder where every check saves what it collected
#: (in ``<folder>/<check name>/``) instead of judging it, for the grader to judge in its own
#: process. Unset, a check judges at once and prints its verdict, as the learner sees it.
COLLECT_INTO_VARIABLE = "COURSE_CHECKS_COLLECT_INTO"

#: The most bytes :func:`load_collected` reads from one folder: collected data is a few arrays
#: of a check's inputs' size, and a grader must not be made to read a forged gigabyte.
MAX_COLLECTED_BYTES = 64 * 2**20


class CheckFailed(AssertionError):
    """A check's verdict against the learner's answer; an AssertionError, as nbval and nbgrader
    expect.

    IPython shows what ``_render_traceback_`` returns instead of a traceback: the learner reads
    the message, not the checks' code around it (which shows how the expected answer is made).
    """

    def _render_traceback_(self):
        return str(self).splitlines()


RETURNED_NONE_HINT = (
    "end the function with `return ...`: a function without a return statement gives None."
)


def _passed(message):
    """Pass the check that is running with ``message``."""
    _PASSED.get()(message)


def _fail(problem, hint):
    raise CheckFailed(f"{problem}\nHint: {hint}")


def _fail_not_attempted(name):
    """Fail an exercise whose code is still the placeholder, with no hint: a hint may give the
    answer away before the learner has tried."""
    raise CheckFailed(f"{name} is not attempted yet (it still raises NotImplementedError).")


def _show(value):
    """A learner's answer as a message shows it: whole numbers with thousands separators."""
    if _is_real(value) and float(value).is_integer() and abs(value) >= 1000:
        return f"{int(value):,}"
    if isinstance(value, (float, np.floating)):
        return f"{value:.6g}"
    return repr(value) if isinstance(value, str) else str(value)


def _equal(answer, right):
    """Whether a learner's ``answer`` equals ``right``: numbers to 1e-9 (relative), sequences
    and arrays element by element, with the same shape."""
    if _is_real(answer) and _is_real(right):
        return bool(np.isclose(float(answer), float(right), rtol=1e-9, atol=1e-12))
    try:
        a, b = np.asarray(answer, dtype=np.float64), np.asarray(right, dtype=np.float64)
    except (TypeError, ValueError):
        return answer == right
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-9, atol=1e-12))


def _direction(answer, right):
    """``"too large"``, ``"too small"`` or ``"not right"``: how a wrong ``answer`` is off, in words."""
    if _is_real(answer) and _is_real(right):
        return "too large" if answer > right else "too small"
    return "not right"


def _judge_cases(answers, expected, describe, mistakes, hint, same=_equal, direction=_direction, verb="returned",
                 pending=None):
    """Fail on the first case whose answer is wrong, naming a known mistake only when it gives
    the learner's answer in *every* case read (so a coincidence on one case names nothing where
    other cases tell the mistakes apart); then raise ``pending``, if any.

    A check reads the learner's answers case by case and keeps the :class:`CheckFailed` that
    stops it (a crash, ``None``, an answer of the wrong type) as ``pending``: the learner hears
    of the first problem in the cases' order, as if each case were judged as soon as it was read,
    while a mistake is named from all the answers read.

    Never says the expected value: the message shows the learner's own answer, the case's
    inputs and, for a named mistake, what the mistake is.

    Args:
        answers: the learner's answer per case (read already).
        expected: the right answer per case.
        describe: ``describe(i)``, the call or case ``i`` as the message names it
            (``"conv_params(3, 3, 32)"``).
        mistakes: ``[(predictions, text, hint or None), ...]``: what the mistake answers in
            each case (``None`` where it says nothing), what it does as a clause that follows
            "it" (``"leaves out the biases"``), and its own hint (``None``: ``hint``).
        hint: the hint when no mistake is named.
        same: ``same(answer, value)``, whether two answers agree.
        direction: ``direction(answer, right)``, how a wrong answer is off, in words.
        verb: what the case did with the answer, as the message says it (``"gave the field"``).
        pending: the failure that stopped the reading of the cases, or None.

    An answer that is the same in every case, while the right ones differ, is told so; a
    mistake that says nothing about some of the cases is not named for it, since it cannot be
    told from an answer that ignores the case.
    """
    expected = list(expected)[: len(answers)]
    wrong = [i for i, (answer, right) in enumerate(zip(answers, expected)) if not same(answer, right)]
    if not wrong:
        if pending is not None:
            raise pending
        return
    first = wrong[0]
    answer, call = answers[first], describe(first)
    constant = len(answers) > 1 and all(same(a, answers[0]) for a in answers[1:])
    constant = constant and not all(same(e, expected[0]) for e in expected[1:])
    named = [
        (text, mistake_hint)
        for predictions, text, mistake_hint in mistakes
        if predictions[first] is not None
        and all(value is None or same(a, value) for a, value in zip(answers, predictions))
        and not (constant and any(value is None for value in list(predictions)[: len(answers)]))
    ]
    if named:
        _fail(
            f"{call} {verb} {_show(answer)}: it {'; or it '.join(text for text, _ in named)}.",
            named[0][1] or hint,
        )
    if constant:
        _fail(
            f"{call} {verb} {_show(answer)}, and the same for every case tried, but the right "
            "answer depends on the case's numbers.",
            hint,
        )
    _fail(f"{call} {verb} {_show(answer)}, which is {direction(answer, expected[first])}.", hint)


def _shape_problem(shape, right):
    """What is wrong with an array's ``shape``, in words, without saying the ``right`` one."""
    shape, right = tuple(shape), tuple(right)
    if len(shape) != len(right):
        axes = f"{len(shape)} axis" if len(shape) == 1 else f"{len(shape)} axes"
        return f"it has {axes}, {'more' if len(shape) > len(right) else 'fewer'} than the result should have"
    if shape == right[::-1]:
        return "its axes are in the reverse order"
    axes = []
    for axis, (got, want) in enumerate(zip(shape, right)):
        if got != want:
            size = "one too long" if got == want + 1 else "one too short" if got == want - 1 else (
                "too long" if got > want else "too short")
            axes.append(f"axis {axis} is {size}")
    return ", ".join(axes)


def _read_shape(answer, call, hint, what="a tuple of ints"):
    """A learner's shape (a tuple, list or array of ints) as a tuple of ints; fail on anything
    else, with a word for sizes that are floats (a fraction of a pixel is no size)."""
    try:
        values = tuple(answer)
    except TypeError:
        _fail(f"{call} returned {answer!r}; expected {what}.", hint)
    if not all(is_int(v) for v in values):
        if values and all(_is_real(v) for v in values):
            fractions = [v for v in values if not float(v).is_integer()]
            problem = (
                f"{_show(fractions[0])} is not a whole number of pixels" if fractions
                else "its sizes are floats; a shape holds ints"
            )
            _fail(
                f"{call} returned {_show(values)}: {problem}.",
                "/ gives a float; floor division // gives an int and drops what does not fit, "
                "as the layers do.",
            )
        _fail(f"{call} returned {answer!r}; expected {what}.", hint)
    return tuple(int(v) for v in values)


def _same_array(answer, expected, name, hint, atol=1e-5):
    """Fail unless ``answer`` is an array with ``expected``'s shape and values (to ``atol``),
    saying what is wrong without showing the expected values."""
    try:
        answer = np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError):
        _fail(f"{name} should be a numeric array; received {type(answer).__name__}.", hint)
    if answer.shape != expected.shape:
        _fail(f"{name} has shape {answer.shape}: {_shape_problem(answer.shape, expected.shape)}.", hint)
    if not np.allclose(answer, expected, atol=atol, rtol=0):
        close = np.isclose(answer, expected, atol=atol, rtol=0)
        worst = np.unravel_index(np.argmax(np.abs(answer - expected)), expected.shape)
        size = "too large" if answer[worst] > expected[worst] else "too small"
        if not np.isfinite(answer[worst]):
            size = "not a finite number"
        where = f"at index {tuple(map(int, worst))}, where your {answer[worst]:.4g} is {size}"
        wrong = int(np.sum(~close))
        _fail(
            f"{name} differs from the right result "
            + (where if wrong == 1 else f"in {wrong} of {answer.size} values, the most {where}") + ".",
            hint,
        )


def _run(function, args, name, hint, probe=None):
    """Call the learner's ``function`` and return what it returns, None included; a crash or
    the placeholder fails the check.

    With ``probe``, return ``probe(function, *args)`` instead: a function of the check's that
    uses the learner's and returns plain data (what a block the learner's code builds computes,
    :func:`course_lib.checks._blocks.block_facts`). It runs where the learner's code is, and the
    verdict reads what it returned there.
    """
    if not callable(function):
        _fail(f"{name} should be a function; received {type(function).__name__}.", hint)
    try:
        if probe is not None:
            return function.probe(probe, *args)
        return function(*args)
    except NotImplementedError:
        _fail_not_attempted(name)
    except LearnerError as error:  # the learner's bug, reported as a failed check with a hint
        _fail(f"{name} raised {error.type_name}: {error.message}", hint)


def _call(function, args, name, hint):
    """Call the learner's ``function`` as :func:`_run` does, failing with the one standard
    message when it returns None."""
    answer = _run(function, args, name, hint)
    if answer is None:
        _fail(f"{name} returned None.", RETURNED_NONE_HINT)
    return answer


def _call_array(function, args, name, hint, not_numbers):
    """Call the learner's function as :func:`_call` does and return its answer as a float64 array.

    Args:
        not_numbers: the problem to fail with (and ``hint``) when NumPy cannot read the answer
            as numbers; ``{type}`` in it becomes the answer's type name.
    """
    answer = _call(function, args, name, hint)
    try:
        return np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError):
        _fail(not_numbers.replace("{type}", type(answer).__name__), hint)


def _is_real(value):
    """True for a real number a learner may answer with: a Python or NumPy int or float, not a bool."""
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


_EXPECTED = {"count": "a whole number", "int": "an int", "number": "a number", "pair": "a pair of numbers"}


def _read_answer(answer, kind, name, hint, returned=False, expected=None):
    """Return a learner's answer read as ``kind``, or fail with the one message for ``kind``.

    Every check reads numeric answers here, so the same wrong answer gets the same message.

    Args:
        kind: ``"count"``, a whole number (``3.0`` counts), returned as an ``int``; ``"int"``, an
            int type (a float is refused), returned as an ``int``; ``"number"``, any real number,
            returned as it is; ``"pair"``, two numbers, returned as a tuple of floats.
        name: the answer's name (``"macs"``) or, with ``returned``, the call that gave it
            (``"se_block_params(64, 16)"``); the message then says what the call returned.
        expected: what the message says was expected, instead of :data:`_EXPECTED`'s words.
    """
    expected = expected or _EXPECTED[kind]
    if kind == "pair":
        is_pair = isinstance(answer, (tuple, list, np.ndarray)) and np.ndim(answer) == 1 and len(answer) == 2
        numbers = tuple(answer) if is_pair else None
    else:
        numbers = (answer,)
    readable = numbers is not None and all(map(is_int if kind == "int" else _is_real, numbers))
    if not readable:
        if returned:
            _fail(f"{name} returned {answer!r}; expected {expected}.", hint)
        _fail(f"{name} should be {'a number' if kind == 'count' else expected}; received {answer!r}.", hint)
    if kind == "pair":
        return tuple(float(number) for number in numbers)
    if kind == "number":
        return answer
    value = float(answer)
    if not np.isfinite(value) or value != int(value):
        if returned:
            _fail(f"{name} returned {value:g}; expected {expected}.", hint)
        _fail(f"{name} is {answer!r}; a count is a whole number.", hint)
    return int(answer)


def _delegates_to(function, names):
    """True when the learner's ``function`` uses one of ``names``, the library functions that
    the exercise asks the learner to write (``{"conv2d_macs"}``): an answer that only calls
    them proves nothing.

    It reads the code, not what the code returns: a name in the function's own code
    (``conv2d_macs(...)`` or ``counting.conv2d_macs(...)``), in code nested in it (a lambda, an
    inner ``def``, a comprehension), or in a function of the learner's module that it calls by
    name; and a library function itself, under any name (``conv_macs = conv2d_macs``, an
    alias, a closure or a default argument); for a class of the learner's (a Keras layer), its
    bases and the code of its methods. Call it in a judge on the learner's function as
    the judge received it: collect reads the code and records the boolean beside the
    function's calls, as plain data, and the verdict replays it.

    Example:
        >>> def conv_macs(h_out, w_out, k, c_in, filters):
        ...     return conv2d_macs(h_out, w_out, k, c_in, filters)
        >>> _delegates_to(conv_macs, {"conv2d_macs"})
        True
        >>> _delegates_to(lambda h_out, w_out, k, c_in, f: h_out * w_out * k * k * c_in * f, {"conv2d_macs"})
        False
    """
    if isinstance(function, _Replayer):
        return function.next_fact()
    target = function._function if isinstance(function, _Recorder) else function
    found = _uses_names(target, set(names), getattr(target, "__module__", None), set())
    if isinstance(function, _Recorder):
        function.facts.append(found)
    return found


def _uses_names(value, names, module, seen):
    """True when ``value`` is one of the library's ``names``, or is a function of ``module``
    (the learner's) whose code reaches one (see :func:`_delegates_to`); ``seen`` holds the ids
    of the functions read already."""
    while isinstance(value, (functools.partial, types.MethodType, staticmethod, classmethod, property)):
        value = (value.func if isinstance(value, functools.partial)
                 else value.fget if isinstance(value, property) else value.__func__)
    own_module = getattr(value, "__module__", None) or ""
    if own_module.startswith("course_lib.") and getattr(value, "__name__", None) in names:
        return True
    if isinstance(value, type) and own_module == module and id(value) not in seen:
        # A class of the learner's (a Keras layer): its bases, and the code of its methods.
        seen.add(id(value))
        members = [member for base in value.__mro__[:-1] if base.__module__ == module
                   for member in vars(base).values()]
        return any(_uses_names(v, names, module, seen) for v in list(value.__mro__[1:]) + members)
    if not isinstance(value, types.FunctionType) or own_module != module or id(value) in seen:
        return False
    seen.add(id(value))
    codes, used = [value.__code__], set()
    while codes:  # the function's code and every code object nested in it
        code = codes.pop()
        used.update(code.co_names)
        codes.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
    if used & names:
        return True
    reached = [value.__globals__[name] for name in used if name in value.__globals__]
    reached += [cell.cell_contents for cell in value.__closure__ or () if _cell_is_set(cell)]
    reached += list(value.__defaults__ or ())
    return any(_uses_names(v, names, module, seen) for v in reached)


def _cell_is_set(cell):
    try:
        cell.cell_contents
    except ValueError:  # a closure variable not assigned yet
        return False
    return True


# --------------------------------------------------------------------------- the two parts

# Where _passed sends its message: the verdict that is running sets it.
_PASSED = contextvars.ContextVar("_PASSED")


class LearnerError(Exception):
    """What the learner's function raised, as the verdict sees it: the error's type name and
    message, never the error object itself."""

    def __init__(self, type_name, message):
        super().__init__(f"{type_name}: {message}")
        self.type_name, self.message = type_name, message


class _Opaque:
    """Stands, in the verdict, for a learner's value that is not plain data: it has the value's
    type name and repr and, for an array-like value (a tensor), its numbers."""

    def __repr__(self):
        return self._repr


def _keras_model_class():
    """``keras.Model`` if Keras is imported already (a model can exist only then), else None."""
    keras = sys.modules.get("keras")
    return getattr(keras, "Model", None)


def _is_keras_model(value):
    model_class = _keras_model_class()
    return model_class is not None and isinstance(value, model_class)


def _is_early_stopping(value):
    """True for a ``keras.callbacks.EarlyStopping`` itself (a subclass may run code of its own)."""
    keras = sys.modules.get("keras")
    early_stopping = getattr(getattr(keras, "callbacks", None), "EarlyStopping", None)
    return early_stopping is not None and type(value) is early_stopping


#: What decides when an ``EarlyStopping`` stops and which weights it leaves: collect keeps these
#: settings, and the verdict builds a fresh, equal callback from them (``verbose`` is left out, so
#: that the verdict's copy prints nothing).
_EARLY_STOPPING_SETTINGS = (
    "monitor", "mode", "patience", "min_delta", "baseline", "restore_best_weights", "start_from_epoch",
)


def _numbers(value):
    """``value`` as a numeric or boolean NumPy array, or None when it does not read as one."""
    try:
        array = np.asarray(value)
    except Exception:  # noqa: BLE001 - any object may come back; not reading as numbers is an answer
        return None
    return array if array.dtype.kind in "biuf" else None


def _encode(value):
    """A learner's ``value`` as plain data: JSON types and numeric arrays, each tagged with the
    Python type it had, so that :func:`_decode` gives the verdict a value of the same kind.

    A Keras model is kept as its JSON configuration and a ``keras.callbacks.EarlyStopping`` as
    its settings (:data:`_EARLY_STOPPING_SETTINGS`); any other object as its type name, its repr
    and, where it reads as one, its numeric array."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return {"python": value}
    if value is Ellipsis:  # the learners' edition's placeholder of a value answer
        return {"ellipsis": None}
    if isinstance(value, (list, tuple)):
        return {type(value).__name__: [_encode(item) for item in value]}
    if isinstance(value, dict):
        return {"dict": [[_encode(key), _encode(item)] for key, item in value.items()]}
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        return {"ndarray": value.copy()}
    if isinstance(value, np.generic) and value.dtype.kind in "biuf":
        return {"numpy_scalar": value.dtype.str, "value": value.item()}
    if _is_keras_model(value):
        return {"keras_model": value.to_json()}
    if _is_early_stopping(value):
        settings = {name: getattr(value, name) for name in _EARLY_STOPPING_SETTINGS}
        settings["min_delta"] = abs(settings["min_delta"])  # Keras negates it once it knows the mode
        return {"keras_early_stopping": {name: _encode(item) for name, item in settings.items()}}
    return {"object": type(value).__name__, "repr": repr(value), "numbers": _numbers(value)}


def _decode(data):
    """The value :func:`_encode` described, made here from plain data only."""
    ((kind, content),) = [(k, v) for k, v in data.items() if k not in ("value", "repr", "numbers")]
    if kind == "python":
        return content
    if kind == "ellipsis":
        return Ellipsis
    if kind in ("list", "tuple"):
        items = [_decode(item) for item in content]
        return items if kind == "list" else tuple(items)
    if kind == "dict":
        return {_decode(key): _decode(item) for key, item in content}
    if kind == "ndarray":
        return np.array(content)
    if kind == "numpy_scalar":
        return np.dtype(content).type(data["value"])
    if kind == "keras_model":
        # Keras rebuilds the model from its config in safe mode: no code from the learner runs.
        return import_keras().models.model_from_json(content)
    if kind == "keras_early_stopping":
        # Only the named settings, as plain data, reach the constructor: no code of the learner's.
        settings = {name: _decode(content[name]) for name in _EARLY_STOPPING_SETTINGS}
        return import_keras().callbacks.EarlyStopping(**settings)
    return _opaque(content, data["repr"], data["numbers"])


def _opaque(type_name, text, numbers):
    """An :class:`_Opaque` named ``type_name`` that reads as ``numbers`` where it has them."""
    members = {"_repr": text}
    if numbers is not None:
        members["__array__"] = lambda self, dtype=None, copy=None: numbers.astype(dtype or numbers.dtype)
        members["__len__"] = lambda self: len(numbers)
        members["__iter__"] = lambda self: iter(numbers)
        if numbers.size == 1:
            members["__float__"] = lambda self: float(numbers.reshape(-1)[0])
            members["__int__"] = lambda self: int(numbers.reshape(-1)[0])
    return type(type_name, (_Opaque,), members)()


def _arguments_after(args, before):
    """What the learner's call left in its arguments: a changed array, a Keras model's
    ``trainable`` flags (the exercises that change their argument in place)."""
    after = {}
    for index, (argument, copy) in enumerate(zip(args, before)):
        if isinstance(argument, np.ndarray) and not np.array_equal(argument, copy, equal_nan=True):
            after[str(index)] = {"array": argument.copy()}
        elif _is_keras_model(argument):
            flags = [argument.trainable] + [layer.trainable for layer in argument.layers]
            after[str(index)] = {"trainable": flags}
    return after


def _restore_arguments(args, after):
    """Leave in the verdict's own ``args`` what the learner's call left in the collected ones."""
    for index, state in after.items():
        argument = args[int(index)]
        if "array" in state:
            argument[...] = state["array"]
        else:
            argument.trainable = state["trainable"][0]  # first: it sets every layer's flag
            for layer, flag in zip(argument.layers, state["trainable"][1:]):
                layer.trainable = flag


def _settle(outcome):
    """Return what the recorded call returned, or raise what it raised."""
    if outcome["status"] == "not_attempted":
        raise NotImplementedError
    if outcome["status"] == "raised":
        raise LearnerError(outcome["error"], outcome["message"])
    return _decode(outcome["value"])


class _Recorder:
    """The learner's function as collect hands it to a judge: each call's outcome is kept as
    plain data, and the judge sees the decoded outcome, just as the verdict will."""

    def __init__(self, function):
        self._function = function
        self.calls = []
        self.facts = []  # what _delegates_to found in the function's code, in order

    def __call__(self, *args, **kwargs):
        return self._record(self._function, args, kwargs)

    def probe(self, probe, *args):
        """Record ``probe(learner's function, *args)`` as if it were a call (see :func:`_run`)."""
        return self._record(functools.partial(probe, self._function), args, {})

    def _record(self, function, args, kwargs):
        before = [np.copy(a) if isinstance(a, np.ndarray) else None for a in args]
        try:
            outcome = {"status": "returned", "value": _encode(function(*args, **kwargs))}
        except NotImplementedError:
            outcome = {"status": "not_attempted"}
        except Exception as error:  # noqa: BLE001 - the learner's bug is data for the verdict
            outcome = {"status": "raised", "error": type(error).__name__, "message": str(error)}
        outcome["arguments_after"] = _arguments_after(args, before)
        self.calls.append(outcome)
        return _settle(outcome)


class _Replayer:
    """The learner's function as the verdict hands it to a judge: each call gives back the next
    recorded outcome. The judge is deterministic, so it makes the calls collect recorded."""

    def __init__(self, calls, facts=()):
        self._calls = iter(calls)
        self._facts = iter(facts)

    def next_fact(self):
        """The next boolean that collect's :func:`_delegates_to` recorded."""
        fact = next(self._facts, None)
        if not isinstance(fact, bool):
            raise RuntimeError("the check reads more facts than the collected data records")
        return fact

    def probe(self, probe, *args):
        """The next recorded outcome, as :meth:`_Recorder.probe` recorded it."""
        return self(*args)

    def __call__(self, *args, **kwargs):
        outcome = next(self._calls, None)
        if outcome is None:
            raise RuntimeError("the check makes more calls than the collected data records")
        _restore_arguments(args, outcome["arguments_after"])
        return _settle(outcome)


def _judge(judge, answers, options):
    """Run ``judge`` on ``answers`` and return its :class:`Verdict`.

    An answer still ``...`` (the placeholder of a value answer) is "not attempted yet", and so is
    a function that still raises ``NotImplementedError``: nothing more is said, since a hint may
    give the answer away before the learner has tried.
    """
    names = list(inspect.signature(judge).parameters)
    untouched = [name for name, answer in zip(names, answers) if answer is Ellipsis]
    if untouched:
        return Verdict(False, f"{' and '.join(untouched)} {'is' if len(untouched) == 1 else 'are'} not attempted yet: "
                       "replace ... with your answer.")
    messages = []
    token = _PASSED.set(messages.append)
    try:
        judge(*answers, **options)
    except CheckFailed as failure:
        return Verdict(False, str(failure))
    except NotImplementedError:  # a function of the learner's, called outside _run
        functions = " or ".join(name for name, answer in zip(names, answers) if callable(answer)) or names[0]
        return Verdict(False, f"{functions} is not attempted yet (it still raises NotImplementedError).")
    except LearnerError as error:  # the learner's function was called outside _run
        return Verdict(False, f"{judge.__name__} got an error from your code: {error}")
    finally:
        _PASSED.reset(token)
    if len(messages) != 1:
        raise RuntimeError(f"{judge.__name__} ended with {len(messages)} verdicts; expected one")
    return Verdict(True, messages[0])


def exercise_check(judge):
    """Declare a check: register ``judge``'s collect and verdict parts, and return the check
    the notebooks call.

    ``judge(*answers, **options)`` is the check's body: its parameters without a default are
    the learner's answers (a function, or a value), those with one are the check's options,
    set by the notebook. It fails with :func:`_fail` or passes with :func:`_passed`.
    """
    name = judge.__name__

    def collect(*answers, **options):
        """Run the learner's side of the check; return plain data only."""
        recorders = [_Recorder(a) if callable(a) else None for a in answers]
        given = [r or _decode(_encode(a)) for r, a in zip(recorders, answers)]
        _judge(judge, given, {key: _decode(_encode(v)) for key, v in options.items()})
        return {
            "check": name,
            "answers": [
                ({"calls": r.calls, "facts": r.facts} if r.facts else {"calls": r.calls})
                if r
                else {"value": _encode(a)}
                for r, a in zip(recorders, answers)
            ],
            "options": {key: _encode(value) for key, value in options.items()},
        }

    def verdict(collected):
        """Judge ``collected`` (what collect returned, or load_collected read) without the
        learner's code."""
        if collected["check"] != name:
            raise ValueError(f"collected data of {collected['check']!r} given to {name!r}")
        answers = [
            _Replayer(a["calls"], a.get("facts", ())) if "calls" in a else _decode(a["value"])
            for a in collected["answers"]
        ]
        options = {key: _decode(value) for key, value in collected["options"].items()}
        return _judge(judge, answers, options)

    REGISTRY[name] = CheckParts(collect, verdict)

    @functools.wraps(judge)
    def check(*answers, **options):
        collected = collect(*answers, **options)
        grader_folder = os.environ.get(COLLECT_INTO_VARIABLE)
        if grader_folder:
            save_collected(collected, Path(grader_folder) / name)
            print(f"Collected for grading: {name}.")
            return
        result = verdict(collected)
        if not result.passed:
            raise CheckFailed(result.message)
        print(f"Correct: {result.message}")

    return check


def save_collected(collected, folder):
    """Write ``collected`` to ``folder``: ``collected.json``, with each array in a ``.npy`` file
    of its own, so that nothing needs pickle to be read back."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("array_*.npy"):  # a check called again replaces what it saved
        stale.unlink()

    def plain(value):
        if isinstance(value, np.ndarray):
            file_name = f"array_{len(list(folder.glob('array_*.npy')))}.npy"
            np.save(folder / file_name, value, allow_pickle=False)
            return {"npy": file_name}
        if isinstance(value, dict):
            return {key: plain(item) for key, item in value.items()}
        if isinstance(value, list):
            return [plain(item) for item in value]
        return value

    (folder / "collected.json").write_text(json.dumps(plain(collected)))


def load_collected(folder, max_bytes=MAX_COLLECTED_BYTES):
    """Read back what :func:`save_collected` wrote to ``folder``.

    The folder may come from a hand-in that wrote it itself, so only regular files directly in
    it are read (a link, a pipe or a device is refused), ``max_bytes`` at most in all, and
    arrays are read without pickle.

    Args:
        folder: the folder :func:`save_collected` wrote.
        max_bytes: the most bytes read from the folder's files together.

    Returns:
        The collected data: JSON types, with NumPy arrays where ``.npy`` files were named.

    Raises:
        FileNotFoundError: nothing was collected there.
        ValueError: a file is not a plain file, is too large, or is not JSON / ``.npy``.
    """
    folder = Path(folder)
    budget = [max_bytes]

    def read(file_name):
        data = _read_regular_file(folder / file_name, budget[0])
        budget[0] -= len(data)
        return data

    def arrays(value):
        if isinstance(value, dict) and set(value) == {"npy"}:
            return np.load(io.BytesIO(read(Path(str(value["npy"])).name)), allow_pickle=False)
        if isinstance(value, dict):
            return {key: arrays(item) for key, item in value.items()}
        if isinstance(value, list):
            return [arrays(item) for item in value]
        return value

    return arrays(json.loads(read("collected.json")))


def _read_regular_file(path, max_bytes):
    """The bytes of ``path`` if it is a regular file (not a link) of at most ``max_bytes``."""
    if os.path.islink(path.parent):
        raise ValueError(f"{path.parent} is a link; collected data is read from a plain folder only")
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as error:
        if isinstance(error, FileNotFoundError):
            raise
        raise ValueError(f"{path} cannot be opened as a plain file ({error.strerror})") from None
    with os.fdopen(descriptor, "rb") as file:
        status = os.fstat(file.fileno())
        if not stat.S_ISREG(status.st_mode):
            raise ValueError(f"{path} is not a regular file")
        if status.st_size > max_bytes:
            raise ValueError(f"{path} has {status.st_size:,} bytes; at most {max_bytes:,} are read")
        return file.read(max_bytes)
