"""Execute notebooks in place, the way nbval will re-run them, and tidy what is stored.

    python tools/execute_notebooks.py notebooks/02_convolution.ipynb [...]

Each notebook runs top to bottom in a fresh kernel of this Python (the project's environment),
from its own folder, with the same environment variables as ``make test``. Then:
exercise cells get their nbgrader metadata (course_lib.exercises), and noisy metadata
(execution timings, saved widget state) is removed so diffs stay small.
"""

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from course_lib.exercises import mark_exercises
from course_lib.notebook_files import notebook_number
from course_lib.progress import LIVE_VARIABLE
from course_lib.session import QUIET_ENVIRONMENT

KERNEL = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def merge_streams(outputs):
    """Join consecutive stdout (or stderr) pieces: a busy kernel may send one print in several."""
    merged = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (
            output.output_type == "stream"
            and previous is not None
            and previous.output_type == "stream"
            and previous.name == output.name
        ):
            previous.text += output.text
        else:
            merged.append(output)
    return merged


def tidy(notebook, prefix):
    mark_exercises(notebook, prefix)
    notebook.metadata.pop("widgets", None)
    notebook.metadata.pop("jupytext", None)  # left by authoring a notebook as a jupytext script
    notebook.metadata["kernelspec"] = KERNEL
    notebook.metadata["language_info"] = {"name": "python"}
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("ExecuteTime", None)
        if cell.cell_type == "code":
            cell.outputs = merge_streams(cell.outputs)
            for output in cell.outputs:
                # ipywidgets views cannot be shown without their saved state: keep the text.
                data = output.get("data", {})
                if "application/vnd.jupyter.widget-view+json" in data:
                    del data["application/vnd.jupyter.widget-view+json"]


def execute(path):
    path = Path(path)
    notebook = nbformat.read(path, as_version=4)
    os.environ.update(QUIET_ENVIRONMENT)
    os.environ[LIVE_VARIABLE] = "0"  # a stored notebook keeps each fit's summary line, never its bar
    start = time.perf_counter()
    NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    seconds = time.perf_counter() - start
    tidy(notebook, prefix=notebook_number(path))
    nbformat.write(notebook, path)
    print(f"{path}: executed in {seconds:.1f} s")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for name in sys.argv[1:]:
        execute(name)
