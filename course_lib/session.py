"""One call that prepares a notebook: seeds, quiet TensorFlow, figure defaults.

``setup()`` is the first line of every notebook. It makes two runs of a notebook print the
same numbers (the seeds), keeps TensorFlow's start-up chatter out of the stored outputs, and
gives every figure the same look.
"""

import os
import platform
import random
import sys
from importlib import metadata

DEFAULT_SEED = 42

#: The quiet, deterministic environment every notebook runs in: read by ``setup()``,
#: ``conftest.py``, ``tools/execute_notebooks.py``, the grader and the launcher. The TensorFlow
#: variables are read when TensorFlow is first imported, so they must be set before that import;
#: ``PYTHONHASHSEED`` only acts on processes started with it (kernels, the grader's runs).
QUIET_ENVIRONMENT = {
    "PYTHONHASHSEED": "0",  # the same set and dict orders in every run
    "TF_CPP_MIN_LOG_LEVEL": "3",  # no C++ INFO/WARNING lines
    "TF_ENABLE_ONEDNN_OPTS": "0",  # no oneDNN banner; results do not depend on its op order
}

_FIGURE_DEFAULTS = {
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 80,
    "image.cmap": "gray",
    "image.interpolation": "nearest",
    "axes.grid": False,
    "font.size": 10,
}

# The packages the environment report lists, by their distribution names.
_REPORTED_PACKAGES = (
    "tensorflow",
    "keras",
    "numpy",
    "scipy",
    "matplotlib",
    "opencv-python-headless",
    "scikit-learn",
    "scikit-image",
    "ipywidgets",
    "jupyterlab",
    "nbval",
)


def setup(seed=DEFAULT_SEED, report=False, tensorflow=True):
    """Seed everything, quiet TensorFlow and set figure defaults.

    Args:
        seed: the seed given to Python's ``random``, NumPy and Keras.
        report: also print :func:`environment_report` (notebook 00 does).
        tensorflow: import TensorFlow now, seed Keras and make its ops deterministic.
            ``False`` keeps a notebook that never trains free of the TensorFlow import.

    Example:
        >>> import numpy as np
        >>> setup(seed=7, tensorflow=False)
        >>> a = np.random.rand()
        >>> setup(seed=7, tensorflow=False)
        >>> a == np.random.rand()
        True
    """
    from course_lib.validation import boolean, whole_number

    whole_number(seed, "seed")
    boolean(report, "report"), boolean(tensorflow, "tensorflow")
    for name, value in QUIET_ENVIRONMENT.items():
        os.environ.setdefault(name, value)

    import numpy as np

    random.seed(seed)
    np.random.seed(seed)

    import matplotlib as mpl

    mpl.rcParams.update(_FIGURE_DEFAULTS)

    if tensorflow:
        _seed_tensorflow(seed)
    if report:
        print(environment_report())


def import_tensorflow():
    """Import and return TensorFlow without its start-up lines on stderr.

    A CPU-only machine gets "Could not find cuda drivers" and absl lines written by C++ code
    straight to file descriptor 2, before ``TF_CPP_MIN_LOG_LEVEL`` is read, and Jupyter shows
    them in the notebook. The import runs with that descriptor pointed at ``/dev/null``.
    """
    if "tensorflow" in sys.modules:
        return sys.modules["tensorflow"]
    for name, value in QUIET_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            import tensorflow as tf
    finally:
        os.dup2(saved, 2)
        os.close(saved)
    import absl.logging

    absl.logging.set_verbosity(absl.logging.ERROR)
    tf.get_logger().setLevel("ERROR")
    return tf


def import_keras():
    """Import and return Keras, TensorFlow first and quietly (see :func:`import_tensorflow`).

    Keras 3 imports its backend, TensorFlow here, when it is itself imported: importing
    ``keras`` first would print TensorFlow's start-up lines after all.

    Example:
        >>> import_keras().__name__
        'keras'
    """
    import_tensorflow()
    import keras

    return keras


def _seed_tensorflow(seed):
    tf = import_tensorflow()
    keras = import_keras()

    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()


def package_versions(names=_REPORTED_PACKAGES):
    """Return ``{distribution name: version}``, with ``None`` for one that is not installed.

    Example:
        >>> package_versions(["numpy"])["numpy"] == __import__("numpy").__version__
        True
    """
    from course_lib.validation import text

    if isinstance(names, str) or not isinstance(names, (tuple, list)):
        raise TypeError(
            f"names must be a list of distribution names; received names={names!r}. "
            f"Wrap one name in a list, e.g. names=[{names!r}]."
        )
    versions = {}
    for name in map(text, names, ["names[]"] * len(names)):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def offline_data_report():
    """Return ``{data set: True/False}``: is each offline data set the course uses present?

    The course never downloads data: the digits and the sample photos ship inside
    scikit-learn, the named photos inside scikit-image.
    """
    from course_lib import images

    present = {}
    try:
        from sklearn.datasets import load_digits

        present["scikit-learn digits"] = load_digits().images.shape == (1797, 8, 8)
    except Exception:  # a missing or broken package is exactly what the report is for
        present["scikit-learn digits"] = False
    for name in images.PHOTOS:
        try:
            present[f"photo '{name}'"] = images.load_photo(name).ndim in (2, 3)
        except Exception:
            present[f"photo '{name}'"] = False
    return present


def devices():
    """Return the devices TensorFlow sees, e.g. ``['CPU']`` or ``['CPU', 'GPU']``."""
    tf = import_tensorflow()

    return sorted({d.device_type for d in tf.config.list_physical_devices()})


def environment_report():
    """Return a short text report: Python, packages, CPU/GPU, offline data."""
    lines = [f"Python {platform.python_version()} on {platform.system()} {platform.machine()}"]
    lines.append(f"CPU cores: {os.cpu_count()}")
    for name, version in package_versions().items():
        lines.append(f"  {name:<24} {version or 'NOT INSTALLED'}")
    lines.append(f"TensorFlow devices: {', '.join(devices())}")
    for name, ok in offline_data_report().items():
        lines.append(f"  {name:<24} {'present' if ok else 'MISSING'}")
    return "\n".join(lines)


def environment_ok():
    """Return ``True`` when every reported package and offline data set is present."""
    return all(v is not None for v in package_versions().values()) and all(
        offline_data_report().values()
    )


if __name__ == "__main__":  # python -m course_lib.session prints the report
    print(environment_report())
    sys.exit(0 if environment_ok() else 1)
