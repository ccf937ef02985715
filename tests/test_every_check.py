"""Every exercise check, across the modules of ``course_lib.checks``, can fail, and says why
without giving the answer away.

A check that cannot fail proves nothing, so each public check must be named in a
``pytest.raises(AssertionError)`` test of some ``tests/test_checks_NN_name.py``. Each check is
also tried on wrong answers made from its right one: it must reject them, and no message may
show a number the right answer produced or a line of the notebook's solution.
"""

import functools
import inspect
import pkgutil
import re
from importlib import import_module
from pathlib import Path

import numpy as np
import pytest

from course_lib import checks

# The number of public checks in the package: a move that loses a module, or a filter that
# finds none, changes it.
CHECK_COUNT = 53


def _public_checks():
    """Every public ``check_`` function defined in a module of ``course_lib.checks``."""
    found = {}
    for info in pkgutil.iter_modules(checks.__path__):
        module = import_module(f"{checks.__name__}.{info.name}")
        for name, obj in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("check_") and obj.__module__ == module.__name__:
                found[name] = module.__name__
    return found


def test_every_check_is_re_exported_and_counted():
    found = _public_checks()
    assert len(found) == CHECK_COUNT, sorted(found)
    assert sorted(checks.REGISTRY) == sorted(found)
    assert set(found) <= set(checks.__all__)
    assert all(getattr(checks, name).__module__ == module for name, module in found.items())


def test_every_check_is_tested():
    source = "".join(p.read_text() for p in Path(__file__).parent.glob("test_checks_*.py"))
    rejected = set(re.findall(r"pytest\.raises\(AssertionError[^\n]*\n\s+checks\.(\w+)\(", source))
    missing = sorted(set(_public_checks()) - rejected)
    assert not missing, f"checks without a test that they reject a wrong answer: {missing}"


# --------------------------------------------------------------------------- two parts


@functools.cache  # the answers build Keras layers: once per process, not once per test
def _right_answers():
    """Check name -> a right answer, from ``right_answers()`` of every checks test module."""
    answers = {}
    for path in sorted(Path(__file__).parent.glob("test_checks_*.py")):
        answers.update(import_module(path.stem).right_answers())
    return answers


def _not_attempted(*args, **kwargs):
    raise NotImplementedError


def _leaves(data):
    """Every value inside ``data`` that is not a dict or a list."""
    if isinstance(data, dict):
        assert all(isinstance(key, str) for key in data), data.keys()
        return [leaf for item in data.values() for leaf in _leaves(item)]
    if isinstance(data, list):
        return [leaf for item in data for leaf in _leaves(item)]
    return [data]


def test_every_check_has_a_right_answer():
    assert sorted(_right_answers()) == sorted(checks.REGISTRY)


@pytest.mark.parametrize("name", sorted(_public_checks()))
def test_verdict_judges_plain_data_that_survives_json_and_npy(name, tmp_path):
    parts = checks.REGISTRY[name]
    answer = _right_answers()[name]
    # A function answer that is still the placeholder, and the right answer.
    attempts = [answer]
    if any(callable(a) for a in answer):
        attempts.append(tuple(_not_attempted if callable(a) else a for a in answer))
    verdicts = []  # collecting builds the learner's blocks: once per attempt
    for number, attempt in enumerate(attempts):
        collected = parts.collect(*attempt)
        # (b) Plain data only: nothing from the learner's process that the verdict could call.
        for leaf in _leaves(collected):
            assert leaf is None or isinstance(leaf, (bool, int, float, str, np.ndarray)), leaf
            assert not isinstance(leaf, np.ndarray) or leaf.dtype.kind in "biuf", leaf.dtype
        # (a) The same verdict from what a grader reads back.
        folder = tmp_path / str(number)
        checks.save_collected(collected, folder)
        verdicts.append(parts.verdict(collected))
        assert parts.verdict(checks.load_collected(folder)) == verdicts[-1]
    assert verdicts[0].passed
    if len(attempts) == 2:
        failed = verdicts[1]
        assert not failed.passed and "not attempted yet" in failed.message
        assert "Hint" not in failed.message


def test_a_failed_check_shows_ipython_its_message_only():
    with pytest.raises(checks.CheckFailed) as failure:
        checks.check_out_size(lambda n, k, s, p: None)
    lines = failure.value._render_traceback_()
    assert lines == ["out_size returned None.", "Hint: " + checks._common.RETURNED_NONE_HINT]


# --------------------------------------------------------------------------- layout (CONTRIBUTING.md)


def test_every_check_names_its_notebook_and_exercise():
    for name, module in _public_checks().items():
        number = module.rsplit(".", 1)[1][2:4]
        doc = getattr(checks, name).__doc__
        assert re.match(rf"Notebook {number}, exercise \d+: ", doc), (name, doc[:60])


def test_every_notebook_has_its_checks_module_and_test_file():
    root = Path(__file__).parent.parent
    notebooks = {path.stem for path in (root / "notebooks").glob("[0-9][0-9]_*.ipynb")}
    modules = {
        info.name[2:] for info in pkgutil.iter_modules(checks.__path__) if not info.name.startswith("_")
    }
    test_files = {path.stem.removeprefix("test_checks_") for path in root.glob("tests/test_checks_*.py")}
    assert modules == notebooks, "course_lib/checks/nbNN_name.py for each notebooks/NN_name.ipynb"
    assert test_files == notebooks, "tests/test_checks_NN_name.py for each notebooks/NN_name.ipynb"


# --------------------------------------------------------------------------- hints in tiers
#
# A wrong answer gets a message that names what is wrong with it, never the expected value and
# never the code of the solution (issue 13, point 4). Every check is tried on wrong answers made
# automatically from its right answer; none of their messages may hold a number the right answer
# produced, nor a line of the notebook's solution.

_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?%?")


def _numbers_of(value, found=None):
    """Every number in ``value`` (numbers, arrays, containers; a Keras model's layer sizes)."""
    found = [] if found is None else found
    if value is None or isinstance(value, (bool, np.bool_, str)):
        return found
    if isinstance(value, (int, float, np.integer, np.floating)):
        found.append(float(value))
    elif isinstance(value, np.ndarray):
        if value.dtype.kind in "iuf":
            found.extend(np.asarray(value, dtype=np.float64).reshape(-1).tolist())
        found.extend(float(side) for side in value.shape)
    elif isinstance(value, dict):
        for item in value.values():
            _numbers_of(item, found)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _numbers_of(item, found)
    elif type(value).__name__ in ("Sequential", "Functional", "Model"):
        for layer in value.layers:
            found.append(float(layer.count_params()))
            found.extend(float(side) for side in layer.output.shape[1:] if side is not None)
        found.append(float(value.count_params()))
    return found


def _significant_digits(token):
    digits = token.rstrip("%").replace(",", "")
    if "." in digits:
        return len(digits.replace(".", "").lstrip("0").rstrip("0"))
    return len(digits.lstrip("0"))


def _matches(token, numbers):
    """Whether ``token`` (as the message writes it) renders one of ``numbers``."""
    text = token.rstrip("%").replace(",", "")
    value = float(text)
    decimals = len(text.split(".")[1]) if "." in text else 0
    if token.endswith("%"):
        value, decimals = value / 100, decimals + 2
    numbers = np.abs(np.asarray(numbers, dtype=np.float64))
    return bool(np.any(np.round(numbers, decimals) == round(value, decimals)))


# "expected 5", "Keras gives (14, 14, 32)", "instead of 0.25": a value the learner should find
# (numbers of one digit included, which leaked_numbers leaves to this pattern).
_EXPECTED_VALUE = re.compile(r"\b(?:expected|instead of|Keras gives|Keras counts|should be)\s+(?:about\s+)?[(\[]?\s*-?\d")


def leaked_numbers(message, right, allowed):
    """The numbers of ``message`` that render one of ``right`` and none of ``allowed``."""
    return [
        token
        for token in _NUMBER.findall(message)
        if _significant_digits(token) >= 2 and _matches(token, right) and not _matches(token, allowed)
    ]


def _code_lines(region):
    """The lines of a solution region a message must not quote: stripped, without a leading
    ``return`` or assignment, at least 12 characters."""
    lines = set()
    for line in region:
        line = line.strip().removeprefix("return ")
        lines.add(line)
        if re.match(r"^[\w\[\], ]+ [+*/-]?= ", line):
            lines.add(line.split("= ", 1)[1])
    return {line.rstrip(",") for line in lines if len(line.rstrip(",")) >= 12}


@functools.cache
def _solution_lines():
    """Check name -> the code lines of its exercise's solution region, from notebooks/*.ipynb."""
    import json

    from course_lib.exercises import BEGIN, END, find_exercises
    from course_lib.notebook_files import cell_source

    found = {}
    for path in sorted((Path(__file__).parent.parent / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        notebook = json.loads(path.read_text())
        for answer, check in find_exercises(notebook):
            lines = cell_source(notebook["cells"][answer]).splitlines()
            region, inside = [], False
            for line in lines:
                if line.strip() in (BEGIN, END):
                    inside = line.strip() == BEGIN
                elif inside:
                    region.append(line)
            for name in re.findall(r"\bchecks\.(check_\w+)\(", cell_source(notebook["cells"][check])):
                found.setdefault(name, set()).update(_code_lines(region))
    return found


def _is_number(value):
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


def _number_mutations(value):
    kind = type(value)
    return [("+1", kind(value + 1)), ("-1", kind(value - 1)), ("x2", kind(value * 2)), ("0", kind(0))]


def _mutations(value):
    """``[(name, wrong value)]``: near misses of a right ``value`` (numbers +1, -1, x2, 0;
    sequences each element +1, one element +1, reversed; arrays +0.5 at one place, transposed)."""
    if _is_number(value):
        found = _number_mutations(value)
    elif isinstance(value, np.ndarray) and value.dtype.kind in "iuf" and value.size:
        bumped = value.astype(np.float64)
        bumped.flat[bumped.size // 2] += 0.5
        found = [("+0.5 at one place", bumped.astype(value.dtype) if value.dtype.kind == "f" else bumped)]
        if value.ndim >= 2:
            found.append(("transposed", value.T.copy()))
        if value.ndim == 0:
            found += _number_mutations(value.item())
    elif isinstance(value, (list, tuple)) and value:
        kind = type(value)
        if all(_is_number(item) for item in value):
            found = [("each +1", kind(type(item)(item + 1) for item in value))]
            found += [(f"element {i} +1", kind(type(v)(v + 1) if j == i else v for j, v in enumerate(value)))
                      for i in range(min(len(value), 3))]
        elif all(isinstance(item, (list, tuple)) for item in value):
            found = [("each +1", kind(_mutations(item)[0][1] for item in value))]
        elif all(isinstance(item, str) for item in value):
            found = [("one dropped", kind(value[1:])), ("one added", kind(list(value) + ["stride"]))]
        else:
            found = []
        found.append(("reversed", kind(reversed(value))))
    elif isinstance(value, str):
        found = [("changed", value + "s")]
    else:
        found = []
    return [(name, wrong) for name, wrong in found if not _same(wrong, value)]


def _same(a, b):
    try:
        return type(a) is type(b) and np.array_equal(np.asarray(a, dtype=object), np.asarray(b, dtype=object))
    except Exception:  # noqa: BLE001 - different shapes
        return False


class _Tap:
    """A learner's function that records every call's arguments and result."""

    def __init__(self, function):
        self.function, self.calls = function, []

    def __call__(self, *args, **kwargs):
        result = self.function(*args, **kwargs)
        self.calls.append((args, kwargs, result))
        return result


def _perturbed(right, mutation_index):
    """The right function with its result changed by its ``mutation_index``-th mutation."""

    def wrong(*args, **kwargs):
        result = right(*args, **kwargs)
        mutations = _mutations(result)
        return mutations[mutation_index][1] if mutation_index < len(mutations) else result

    return wrong


def _ignores_its_arguments(right):
    first = []

    def wrong(*args, **kwargs):
        if not first:
            first.append(right(*args, **kwargs))
        return first[0]

    return wrong


@functools.cache
def _wrong_models():
    """Wrong answers of the checks whose answers return a model or build one, or change one in
    place: the near misses that ``wrong_answers()`` of a checks test module lists, and these."""
    import keras

    from test_checks_08_first_cnn_in_keras import _small_cnn_layers
    from test_checks_18_comparing_architectures import _last_n_by_slice, _negative_slice, _unfreeze_right

    def model(**kwargs):
        _, layers = _small_cnn_layers(**kwargs)
        return lambda: keras.Sequential(layers)

    def keeps_batch_norm(base, n):
        base.trainable = True
        for layer in base.layers[:-n]:
            layer.trainable = False

    wrong = {}
    for path in sorted(Path(__file__).parent.glob("test_checks_*.py")):  # the blocks' near misses
        wrong.update(getattr(import_module(path.stem), "wrong_answers", dict)())
    return wrong | {
        "check_small_cnn": [
            ("valid padding", (model(first_padding="valid"),)),
            ("32 filters", (model(filters=32),)),
            ("3x3 kernel", (model(kernel_size=3),)),
            ("no softmax", (model(softmax=False),)),
            ("no flatten", (model(flatten=False),)),
        ],
        "check_unfreeze_top": [
            ("one layer too many", (lambda base, n: _unfreeze_right(base, n + 1),)),
            ("one layer too few", (lambda base, n: _unfreeze_right(base, max(n - 1, 0)),)),
            ("base.layers[:-n]", (_negative_slice,)),
            ("base.layers[-n:]", (_last_n_by_slice,)),
            ("batch norm trainable", (keeps_batch_norm,)),
        ],
    }


# Mutations that are right answers too: a filter twice as strong still finds the same edges,
# and the glossary search's order does not matter.
_VALID_ALTERNATIVES = {
    ("check_horizontal_edge_filter", "x2"),
    ("check_glossary_search", "reversed"),
}


def _wrong_answers(name, answer):
    """``[(description, answer tuple)]`` made from the right ``answer`` of check ``name``."""
    models = _wrong_models()
    wrong = list(models.get(name, []))
    for position, part in enumerate(answer):
        def replace(new):
            return tuple(new if i == position else a for i, a in enumerate(answer))

        if callable(part):
            if name in models:  # its answer's results are models or tensors: no numbers to change
                continue
            tap = _Tap(part)
            checks.REGISTRY[name].collect(*replace(tap))
            results = [result for _, _, result in tap.calls]
            count = max((len(_mutations(result)) for result in results), default=0)
            for index in range(count):
                names = {_mutations(r)[index][0] for r in results if index < len(_mutations(r))}
                wrong.append((f"result {'/'.join(sorted(names))}", replace(_perturbed(part, index))))
            if len(tap.calls) > 1:
                wrong.append(("ignores its arguments", replace(_ignores_its_arguments(part))))
        else:
            for mutation, value in _mutations(part):
                if (name, mutation) not in _VALID_ALTERNATIVES:
                    wrong.append((f"answer {position + 1} {mutation}", replace(value)))
    return wrong


def _produced(name, answer):
    """``(numbers the answer produced, numbers of the cases' inputs, what check name collected)``."""
    produced, inputs = [], []
    taps = [_Tap(part) if callable(part) else part for part in answer]
    collected = checks.REGISTRY[name].collect(*taps)
    for part in taps:
        if isinstance(part, _Tap):
            for args, kwargs, result in part.calls:
                _numbers_of(result, produced)
                _numbers_of(list(args) + list(kwargs.values()), inputs)
                for arg in args:  # a model changed in place: the flags it was left with
                    _numbers_of(arg, inputs)
        else:
            _numbers_of(part, produced)
    return produced, inputs, collected


def _leaks(name):
    """``[(wrong answer, what its message gives away)]`` for check ``name``; asserts each fails."""
    answer = _right_answers()[name]
    right, _, collected = _produced(name, answer)
    assert checks.REGISTRY[name].verdict(collected).passed, "the taps must not change what a check judges"
    solution = _solution_lines().get(name, set())
    found = []
    for description, wrong in _wrong_answers(name, answer):
        learner, inputs, collected = _produced(name, wrong)  # collected once, through the taps
        verdict = checks.REGISTRY[name].verdict(collected)
        assert not verdict.passed, f"{name} accepts a wrong answer ({description})"
        numbers = leaked_numbers(verdict.message, right, learner + inputs)
        lines = [line for line in solution if line in verdict.message]
        said = _EXPECTED_VALUE.findall(verdict.message)
        if numbers or lines or said:
            found.append((description, numbers + lines + said, verdict.message))
    return found


def test_leaked_numbers_reads_separators_decimals_and_percentages():
    assert leaked_numbers("returned 894; expected 73,856.", [73856.0], [894.0]) == ["73,856"]
    assert leaked_numbers("returned 894; expected 73856.", [73856.0], [73856.0]) == []
    assert leaked_numbers("loss 0.6931 instead", [0.693147], []) == ["0.6931"]
    assert leaked_numbers("about 25%", [0.25], []) == ["25%"]
    assert leaked_numbers("shape (5, 7) at 3", [5.0, 7.0, 3.0], []) == []  # one digit: too common
    assert _EXPECTED_VALUE.findall("returned 4; expected 5.") and _EXPECTED_VALUE.findall("Keras gives (14, 14, 32)")
    assert not _EXPECTED_VALUE.findall("expected a whole number; expected one per block, 3")


def test_a_mistake_is_named_only_when_it_gives_every_answer():
    from course_lib.checks._common import _judge_cases

    def judge(answers, mistakes):
        with pytest.raises(checks.CheckFailed) as failure:
            _judge_cases(answers, [10, 20, 30], lambda i: f"f({i})", mistakes, "a hint")
        return str(failure.value)

    halves = ([5, 10, 15], "halves it", None)
    assert "it halves it" in judge([5, 10, 15], [halves])
    # It gives two of the answers but not the third: nothing is named.
    assert "which is too small" in judge([5, 11, 15], [halves])
    # A mistake that says nothing about some cases is not named for an answer that ignores the case.
    zero_on_first = ([0, None, None], "gives zero", None)
    assert "the same for every case tried" in judge([0, 0, 0], [zero_on_first])
    assert "it gives zero" in judge([0, 20, 30], [zero_on_first])


def test_a_failure_while_reading_waits_for_the_cases_before_it():
    from course_lib.checks._common import _judge_cases

    pending = checks.CheckFailed("f(2) returned None.")
    with pytest.raises(checks.CheckFailed, match=r"f\(0\) returned 9, which is too small"):
        _judge_cases([9, 20], [10, 20, 30], lambda i: f"f({i})", [], "a hint", pending=pending)
    with pytest.raises(checks.CheckFailed, match=r"f\(2\) returned None"):
        _judge_cases([10, 20], [10, 20, 30], lambda i: f"f({i})", [], "a hint", pending=pending)


@pytest.mark.parametrize("name", sorted(_public_checks()))
def test_a_wrong_answer_fails_without_the_expected_value_or_the_solution(name):
    leaks = _leaks(name)
    assert not leaks, "\n\n".join(f"{what}: {given}\n{message}" for what, given, message in leaks)
