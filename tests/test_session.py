"""course_lib.setup and the environment report."""

import subprocess
import sys

import numpy as np
import pytest

import course_lib
from course_lib import session


def test_import_is_cheap_and_does_not_import_tensorflow():
    # CPU time, not wall time: make test runs more workers than cores, and a worker may wait
    # for a core (1.1 s of wall time was seen with 4 workers). About 0.2 s here; TensorFlow
    # alone would take seconds.
    code = (
        "import sys, time; t = time.process_time(); import course_lib, course_lib.conv, course_lib.checks; "
        "print('tensorflow' in sys.modules, time.process_time() - t)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    imported, seconds = out.split()
    assert imported == "False"
    assert float(seconds) < 1.0


def test_setup_seeds_numpy_and_keras():
    import keras

    course_lib.setup(seed=3)
    first = np.random.rand(), float(keras.random.uniform(()).numpy())
    course_lib.setup(seed=3)
    assert (np.random.rand(), float(keras.random.uniform(()).numpy())) == first


def test_setup_keeps_tensorflow_quiet_on_stderr():
    code = "import course_lib; course_lib.setup(); import tensorflow as tf; tf.constant(1.0) + 1"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stderr.strip() == ""


@pytest.mark.parametrize(("seed", "error"), [(-1, ValueError), (1.5, TypeError), ("42", TypeError), (True, TypeError)])
def test_setup_rejects_a_bad_seed(seed, error):
    with pytest.raises(error, match="seed must be an int"):
        course_lib.setup(seed=seed, tensorflow=False)


def test_environment_report_lists_packages_devices_and_data():
    report = session.environment_report()
    for word in (
        "tensorflow",
        "keras",
        "numpy",
        "TensorFlow devices: ",
        "scikit-learn digits",
        "photo 'camera'",
    ):
        assert word in report
    assert "MISSING" not in report and "NOT INSTALLED" not in report
    assert session.environment_ok()


def test_a_missing_package_is_reported():
    assert session.package_versions(["no-such-package-xyz"]) == {"no-such-package-xyz": None}
