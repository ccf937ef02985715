"""The full profile is real: the experiments read their settings from a ``training.plan``, and
with ``COURSE_PROFILE=full`` the notebooks select the full settings.

Nothing is trained or loaded here. Each notebook's set-up cell and its plans' statements run in
one kernel under the full profile, with the network cut off, and each plan must print the full
profile's settings; ``test_every_setting_of_a_plan_is_read`` proves the notebook uses them.
"""

import ast
import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from course_lib.notebook_files import cell_source, course_notebooks

NOTEBOOKS = Path(__file__).parents[1] / "notebooks"

#: Notebook -> the experiment its plan sets up (issue 14: each has a full-profile version).
EXPERIMENTS = {
    "09": "augmentation on a small training set (Fashion-MNIST in the full profile)",
    "15": "the degradation problem",
    "17": "SE blocks on and off",
    "18": "transfer learning against labels per class",
}

OFFLINE = """\
import course_lib.datasets
course_lib.datasets.online = lambda timeout=3.0: False  # no download, whatever the machine can reach"""


def _plans(notebook):
    """``[(cell index, name, setting names, statement)]`` for every ``name = training.plan(fast={...}, full={...})``."""
    found = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code" or "training.plan(" not in cell.source:
            continue
        source = cell_source(cell)
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
                call = node.value
                if ast.unparse(call.func) == "training.plan":
                    fast = next(k.value for k in call.keywords if k.arg == "fast")
                    settings = [ast.literal_eval(key) for key in fast.keys]
                    found.append((index, node.targets[0].id, settings, ast.get_source_segment(source, node)))
    return found


PLANNED = {path.name[:2]: path for path in course_notebooks(NOTEBOOKS) if _plans(nbformat.read(path, as_version=4))}


def test_every_experiment_named_in_the_issue_has_a_plan():
    assert set(EXPERIMENTS) <= set(PLANNED), f"no training.plan in {sorted(set(EXPERIMENTS) - set(PLANNED))}"


@pytest.mark.parametrize("number", sorted(PLANNED))
def test_every_setting_of_a_plan_is_read(number):
    """A setting no cell reads would be a full-profile promise the notebook does not keep."""
    notebook = nbformat.read(PLANNED[number], as_version=4)
    code = "\n".join(cell_source(c) for c in notebook.cells if c.cell_type == "code")
    for index, name, settings, _ in _plans(notebook):
        unread = [key for key in settings if f"{name}.{key}" not in code]
        assert not unread, f"{PLANNED[number].name}, cell {index}: {name} sets {unread}, which no cell reads"


def test_the_full_profile_selects_the_full_settings(tmp_path):
    combined = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(OFFLINE)])
    plan_cells = {}  # cell id in the combined notebook -> (notebook, plan name)
    for number, path in sorted(PLANNED.items()):
        notebook = nbformat.read(path, as_version=4)
        setup = next(cell for cell in notebook.cells if cell.cell_type == "code")
        combined.cells.append(nbformat.v4.new_code_cell("get_ipython().run_line_magic('reset', '-f')\n" + OFFLINE))
        combined.cells.append(nbformat.v4.new_code_cell(setup.source))
        for index, name, _, statement in _plans(notebook):
            cell = nbformat.v4.new_code_cell(f"{statement}\nprint({name})")
            plan_cells[cell.id] = (path.name, name)
            combined.cells.append(cell)
    combined.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    environ = {"COURSE_PROFILE": os.environ.get("COURSE_PROFILE"), "KERAS_HOME": os.environ.get("KERAS_HOME")}
    os.environ.update(COURSE_PROFILE="full", KERAS_HOME=str(tmp_path))  # the kernel inherits them
    try:
        NotebookClient(combined, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    finally:
        for name, value in environ.items():
            os.environ.pop(name) if value is None else os.environ.update({name: value})
    printed = {c.id: "".join(o.get("text", "") for o in c.outputs) for c in combined.cells if c.id in plan_cells}
    for cell_id, text in printed.items():
        notebook, name = plan_cells[cell_id]
        assert text.startswith("full profile: "), f"{notebook}: {name} printed {text[:200]!r}"
        assert "(fast profile: " in text.splitlines()[0], f"{notebook}: {name} printed {text[:200]!r}"
