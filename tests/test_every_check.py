"""Every exercise check, across the modules of ``course_lib.checks``, can fail.

A check that cannot fail proves nothing, so each public check must be named in a
``pytest.raises(AssertionError)`` test of some ``tests/test_checks_NN_name.py``.
"""

import inspect
import pkgutil
import re
from importlib import import_module
from pathlib import Path

from course_lib import checks

# The number of public checks in the package: a move that loses a module, or a filter that
# finds none, changes it.
CHECK_COUNT = 49


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
