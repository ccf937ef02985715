"""Run each notebook as if on another CPU, so that ``make test`` catches outputs that hold on one machine only.

The stored outputs come from one machine with its defaults (``tools/execute_notebooks.py``).
A float sum taken in another order rounds differently, and the order changes with the CPU:

* TensorFlow's matrix products and convolutions run oneDNN kernels chosen for the CPU's
  instruction set at run time (even with ``TF_ENABLE_ONEDNN_OPTS=0``); ``ONEDNN_MAX_CPU_ISA``
  caps that choice, which simulates an older or smaller CPU on any x86-64 machine;
* TensorFlow and NumPy (OpenBLAS) split their work by thread count.

A pytest plugin (loaded by ``conftest.py``): nbval starts each notebook's kernel with the
environment of the test process, so the variables are set just before a notebook's first cell.
Every notebook is compared under oneDNN capped at SSE4.1 (the cap that reproduced the
failures of another CPU) with its thread counts rotating over the three ways they can differ;
``tools/try_five_ways.py`` also tries the :data:`OTHER_ORDERS` when an assertion is written.

``OPENBLAS_CORETYPE`` and ``OPENBLAS_L2_SIZE`` are never touched: some machines set them
because older OpenBLAS builds compute wrong results on their processors.
"""

import os

import pytest

from course_lib.notebook_files import notebook_number

_ONE_TENSORFLOW_THREAD = {"TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1"}
_TWO_TENSORFLOW_THREADS = {"TF_NUM_INTRAOP_THREADS": "2", "TF_NUM_INTEROP_THREADS": "2"}
_ONE_NUMPY_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
_TWO_NUMPY_THREADS = {"OMP_NUM_THREADS": "2", "OPENBLAS_NUM_THREADS": "2"}

#: (what it simulates, the variables), for the nbval run; notebook N gets ``ORDERS[N % 3]``.
ORDERS = (
    ("oneDNN capped at SSE4.1, TensorFlow on 1 thread, NumPy on 2",
     {"ONEDNN_MAX_CPU_ISA": "SSE41", **_ONE_TENSORFLOW_THREAD, **_TWO_NUMPY_THREADS}),
    ("oneDNN capped at SSE4.1, TensorFlow on 2 threads, NumPy on 1",
     {"ONEDNN_MAX_CPU_ISA": "SSE41", **_TWO_TENSORFLOW_THREADS, **_ONE_NUMPY_THREAD}),
    ("oneDNN capped at SSE4.1, TensorFlow and NumPy on 1 thread",
     {"ONEDNN_MAX_CPU_ISA": "SSE41", **_ONE_TENSORFLOW_THREAD, **_ONE_NUMPY_THREAD}),
)

#: Other instruction sets again, which tools/try_five_ways.py tries an assertion under.
OTHER_ORDERS = (
    ("oneDNN capped at AVX, TensorFlow and NumPy on 1 thread",
     {"ONEDNN_MAX_CPU_ISA": "AVX", **_ONE_TENSORFLOW_THREAD, **_ONE_NUMPY_THREAD}),
    ("oneDNN capped at AVX2, TensorFlow on 1 thread, NumPy on 2",
     {"ONEDNN_MAX_CPU_ISA": "AVX2", **_ONE_TENSORFLOW_THREAD, **_TWO_NUMPY_THREADS}),
)

VARIABLES = sorted({name for _, order in ORDERS + OTHER_ORDERS for name in order})


def for_nbval(path):
    """Return ``(description, variables)`` of the order notebook ``path`` is compared under."""
    return ORDERS[int(notebook_number(path)) % len(ORDERS)]


def apply(variables, environ=os.environ):
    """Set ``variables`` in ``environ``, removing every other perturbation variable."""
    for name in VARIABLES:
        environ.pop(name, None)
    environ.update(variables)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # nbval starts the notebook's kernel while setting up its first cell, from os.environ.
    notebook = item.parent
    if not str(item.fspath).endswith(".ipynb") or getattr(notebook, "kernel", None) is not None:
        return
    apply(for_nbval(item.fspath)[1])


def pytest_report_header(config):
    lines = ["notebooks are compared under other summation orders (tools/summation_orders.py):"]
    lines += [f"  notebook N with N % {len(ORDERS)} == {k}: {text}" for k, (text, _) in enumerate(ORDERS)]
    return lines
