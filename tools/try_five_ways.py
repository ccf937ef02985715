"""Run one notebook five ways and print what its trained models reached: a claim must hold in all.

    python tools/try_five_ways.py notebooks/16_xception.ipynb "test_accuracy" "spread.max()"

Every assertion about a trained model (an accuracy, a loss ordering, a ratio) must hold on other
CPUs and with other seeds, with margin. This runs the notebook top to bottom in a fresh kernel
once per way below, each with another summation order (``summation_orders``) or another seed
(every ``course_lib.setup()`` and ``keras.utils.set_random_seed(n)`` shifted by the same
amount), and prints, for each run, the value of every expression given and the first line of
every cell that failed. Write the range seen in a comment beside the assertion.
"""

import os
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

import summation_orders
from course_lib.session import DEFAULT_SEED, QUIET_ENVIRONMENT

#: (name, summation order variables, seed shift): the five ways.
WAYS = (
    ("as stored", {}, 0),
    (summation_orders.ORDERS[0][0], summation_orders.ORDERS[0][1], 0),
    ("seed + 1", {}, 1),
    (f"seed + 2, {summation_orders.ORDERS[2][0]}", summation_orders.ORDERS[2][1], 2),
    (f"seed + 3, {summation_orders.OTHER_ORDERS[1][0]}", summation_orders.OTHER_ORDERS[1][1], 3),
)


# The last cell of each run: every expression's value, or the error it raised.
_REPORT = """\
_values = {{}}
for _expression in {expressions!r}:
    try:
        _values[_expression] = repr(eval(_expression))
    except Exception as _error:
        _values[_expression] = f"{{type(_error).__name__}}: {{_error}}"
print(_values)"""


def shift_seeds(source, shift):
    """Return a cell's ``source`` with every seed the notebook sets moved on by ``shift``.

    Example:
        >>> shift_seeds("course_lib.setup()\\nkeras.utils.set_random_seed(seed)", 2)
        'course_lib.setup(seed=44)\\nkeras.utils.set_random_seed(seed + 2)'
    """
    if not shift:
        return source
    seed = f"seed={DEFAULT_SEED + shift}"
    source = re.sub(r"course_lib\.setup\((\)?)", lambda m: f"course_lib.setup({seed}{')' if m[1] else ', '}", source)
    return re.sub(r"set_random_seed\(([^()\n]+)\)", lambda m: f"set_random_seed({m.group(1)} + {shift})", source)


def run(path, expressions, variables, shift):
    """Run the notebook at ``path`` one way; return ``(the printed values, [failed cells' first lines])``."""
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.source = shift_seeds(cell.source, shift)
    notebook.cells.append(nbformat.v4.new_code_cell(_REPORT.format(expressions=list(expressions))))
    saved = dict(os.environ)
    summation_orders.apply(variables)
    os.environ.update(QUIET_ENVIRONMENT)
    try:
        NotebookClient(notebook, timeout=600, kernel_name="python3", allow_errors=True,
                       resources={"metadata": {"path": str(Path(path).parent)}}).execute()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    failed = [c.source.splitlines()[0] for c in notebook.cells[:-1]
              if any(o.output_type == "error" for o in c.get("outputs", []))]
    values = "".join(o.get("text", "") for o in notebook.cells[-1].outputs)
    return values.strip(), failed


def main(argv):
    if len(argv) < 1:
        sys.exit(__doc__)
    path, expressions = Path(argv[0]), argv[1:]
    for name, variables, shift in WAYS:
        start = time.perf_counter()
        values, failed = run(path, expressions, variables, shift)
        print(f"{name}: {values}  ({time.perf_counter() - start:.0f} s)")
        for line in failed:
            print(f"    FAILED: {line}")


if __name__ == "__main__":
    main(sys.argv[1:])
