"""Every exercise check, across the modules of ``course_lib.checks``, can fail.

A check that cannot fail proves nothing, so each public check must be named in a
``pytest.raises(AssertionError)`` test of some ``tests/test_checks_NN_name.py``.
"""

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
CHECK_COUNT = 51


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
    for number, attempt in enumerate(attempts):
        collected = parts.collect(*attempt)
        # (b) Plain data only: nothing from the learner's process that the verdict could call.
        for leaf in _leaves(collected):
            assert leaf is None or isinstance(leaf, (bool, int, float, str, np.ndarray)), leaf
            assert not isinstance(leaf, np.ndarray) or leaf.dtype.kind in "biuf", leaf.dtype
        # (a) The same verdict from what a grader reads back.
        folder = tmp_path / str(number)
        checks.save_collected(collected, folder)
        assert parts.verdict(checks.load_collected(folder)) == parts.verdict(collected)
    assert parts.verdict(parts.collect(*answer)).passed
    if len(attempts) == 2:
        failed = parts.verdict(parts.collect(*attempts[1]))
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
        info.name[2:] for info in pkgutil.iter_modules(checks.__path__) if info.name != "_common"
    }
    test_files = {path.stem.removeprefix("test_checks_") for path in root.glob("tests/test_checks_*.py")}
    assert modules == notebooks, "course_lib/checks/nbNN_name.py for each notebooks/NN_name.ipynb"
    assert test_files == notebooks, "tests/test_checks_NN_name.py for each notebooks/NN_name.ipynb"
