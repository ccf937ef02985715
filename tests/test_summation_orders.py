"""``make test`` fails for a notebook whose stored output holds on one CPU only.

A small notebook prints a matrix product and a convolution to every digit float32 has: digits
that depend on the order of the sums inside TensorFlow's kernels. Its outputs are stored with
this machine's defaults, as ``tools/execute_notebooks.py`` stores the course's; nbval with the
course's plugin (``tools/summation_orders.py``) must then fail it under every order it uses,
and plain nbval, on the machine that stored it, must pass it.
"""

import os
import platform
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import summation_orders

ROOT = Path(__file__).parents[1]

SOURCE = """\
import numpy as np
from course_lib.session import import_tensorflow

tf = import_tensorflow()
rng = np.random.default_rng(0)
a = rng.standard_normal((64, 2048), dtype=np.float32)
b = rng.standard_normal((2048, 64), dtype=np.float32)
x = rng.standard_normal((4, 32, 32, 64), dtype=np.float32)
w = rng.standard_normal((3, 3, 64, 64), dtype=np.float32)
print(repr(float(tf.matmul(a, b)[0, 0])), repr(float(tf.nn.conv2d(x, w, 1, "SAME")[0, 5, 5, 0])))
"""


def test_notebook_numbers_choose_the_order():
    assert summation_orders.for_nbval("04_padding_and_stride.ipynb") == summation_orders.ORDERS[1]
    with pytest.raises(ValueError, match="is not a lesson's file name"):
        summation_orders.for_nbval("welcome.ipynb")


def test_apply_sets_one_order_and_removes_the_others():
    environ = {"OMP_NUM_THREADS": "7", "ONEDNN_MAX_CPU_ISA": "AVX", "PATH": "/bin"}
    summation_orders.apply(summation_orders.ORDERS[1][1], environ)
    assert environ == {"PATH": "/bin", **summation_orders.ORDERS[1][1]}
    assert "OPENBLAS_CORETYPE" not in summation_orders.VARIABLES


def _pytest(folder, *options):
    environ = dict(os.environ)
    summation_orders.apply({}, environ)
    environ["PYTHONPATH"] = os.pathsep.join([str(ROOT / "tools"), environ.get("PYTHONPATH", "")])
    environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # nbval and the options' plugins only, as the grader runs
    command = [
        sys.executable, "-m", "pytest", "-q", "-p", "nbval.plugin", "-p", "no:cacheprovider", "-c", os.devnull,
        "--rootdir", str(folder), "--nbval", "--nbval-current-env", *options, str(folder),
    ]  # fmt: skip
    return subprocess.run(command, cwd=folder, env=environ, capture_output=True, text=True, timeout=300)


@pytest.mark.skipif(platform.machine().lower() not in ("x86_64", "amd64"), reason="ONEDNN_MAX_CPU_ISA caps x86-64 kernels only")
def test_an_output_that_depends_on_the_cpu_fails(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(SOURCE)])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    environ = {k: os.environ.pop(k) for k in summation_orders.VARIABLES if k in os.environ}
    try:  # stored with this machine's defaults, as the course's notebooks are
        NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    finally:
        os.environ.update(environ)
    names = [f"{number:02d}_order.ipynb" for number in range(len(summation_orders.ORDERS))]
    for name in names:
        nbformat.write(notebook, tmp_path / name)

    perturbed = _pytest(tmp_path, "-p", "summation_orders")
    for name in names:
        assert f"FAILED {name}::Cell 0" in perturbed.stdout, perturbed.stdout[-3000:]
    assert "Cell outputs differ" in perturbed.stdout

    for name in names[1:]:
        (tmp_path / name).unlink()
    plain = _pytest(tmp_path)
    assert plain.returncode == 0, plain.stdout[-3000:]


def test_five_ways_differ_in_order_or_seed():
    import try_five_ways

    ways = [(tuple(sorted(variables.items())), shift) for _, variables, shift in try_five_ways.WAYS]
    assert len(set(ways)) == len(ways) == 5
    assert try_five_ways.shift_seeds("course_lib.setup(report=True)", 1) == "course_lib.setup(seed=43, report=True)"
    assert try_five_ways.shift_seeds("keras.utils.set_random_seed(SEED)", 3) == "keras.utils.set_random_seed(SEED + 3)"
    assert try_five_ways.shift_seeds("course_lib.setup()", 0) == "course_lib.setup()"
    assert try_five_ways.shift_seeds("course_lib.setup()\nx = (1, )", 1) == "course_lib.setup(seed=43)\nx = (1, )"
