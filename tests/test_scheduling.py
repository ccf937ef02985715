"""How ``make test`` shares the tests out over its workers (the root ``conftest.py``): long units
first, in the order given, each notebook's cells on one worker."""

import importlib.util
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).parents[1]
_spec = importlib.util.spec_from_file_location("root_conftest", ROOT / "conftest.py")
root_conftest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(root_conftest)


def test_every_long_file_named_exists():
    missing = [name for name in root_conftest._LONG_FILES if not (ROOT / name).is_file()]
    assert not missing, f"conftest.py names long test files that are gone: {missing}"


def test_long_files_start_first_longest_first_then_notebooks_then_the_rest():
    long_first, long_second = root_conftest._LONG_FILES[:2]
    nodeids = [
        "tests/test_conv.py::test_a",
        "notebooks/04_padding_and_stride.ipynb::Cell 0",
        f"{long_second}::test_b",
        "tests/test_learners_edition.py::test_every_exercise_is_real[00+02]",
        f"{long_first}::test_c",
        "notebooks/04_padding_and_stride.ipynb::Cell 1",
        "tests/test_learners_edition.py::test_generation_is_byte_identical",
    ]
    items = [SimpleNamespace(nodeid=nodeid) for nodeid in nodeids]
    root_conftest.pytest_collection_modifyitems(items)
    assert [item.nodeid for item in items] == [
        f"{long_first}::test_c",
        f"{long_second}::test_b",
        "notebooks/04_padding_and_stride.ipynb::Cell 0",
        "tests/test_learners_edition.py::test_every_exercise_is_real[00+02]",
        "notebooks/04_padding_and_stride.ipynb::Cell 1",
        "tests/test_conv.py::test_a",
        "tests/test_learners_edition.py::test_generation_is_byte_identical",
    ]


def test_the_scheduler_keeps_that_order_and_each_notebook_on_one_worker():
    config = SimpleNamespace(option=SimpleNamespace(loadscopereorder=True), getvalue=lambda name: ["2*popen"])
    scheduler = root_conftest.pytest_xdist_make_scheduler(config, None)
    assert config.option.loadscopereorder is False, "xdist would start the units with the most tests first"
    assert scheduler._split_scope("notebooks/04_padding_and_stride.ipynb::Cell 7") == "notebooks/04_padding_and_stride.ipynb"
    assert scheduler._split_scope("tests/test_grading.py::test_scores") == "tests/test_grading.py"
    unit = "tests/test_learners_edition.py::test_every_exercise_is_real[00+02]"
    assert scheduler._split_scope(unit) == unit
