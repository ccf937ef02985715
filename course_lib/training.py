"""How much to train: the fast offline profile that CI runs, and the full one for learners with time.

``COURSE_PROFILE`` (environment variable) picks the profile; the default is ``"fast"``:

* ``fast``: the offline data (digits, photo patches), a few epochs, one device. Every notebook
  runs in under a minute on two CPU cores.
* ``full``: the real data sets (MNIST, Fashion-MNIST, CIFAR-10, downloaded once by Keras, offline
  stand-ins if they cannot be), more epochs, and every visible GPU
  (``tf.distribute.MirroredStrategy`` when there are several).

Start JupyterLab with ``COURSE_PROFILE=full make lab`` to use it.
"""

import os

from course_lib import datasets

PROFILES = ("fast", "full")

# task -> data set name in each profile
TASKS = {
    "digits": {"fast": "digits", "full": "mnist"},
    "fashion": {"fast": "digits", "full": "fashion_mnist"},
    "photos": {"fast": "photos", "full": "cifar10"},
}


def current_profile():
    """Return ``"fast"`` or ``"full"``, from ``COURSE_PROFILE`` (default ``"fast"``).

    Example:
        >>> current_profile() in PROFILES
        True
    """
    name = os.environ.get("COURSE_PROFILE", "fast").strip().lower() or "fast"
    if name not in PROFILES:
        raise ValueError(
            f"COURSE_PROFILE={os.environ['COURSE_PROFILE']!r} is not a profile; expected one of "
            f"{', '.join(PROFILES)} (unset it for the default, 'fast')."
        )
    return name


def dataset_name(task, profile=None):
    """Return the data set a task uses in a profile, e.g. ``dataset_name("photos", "full") == "cifar10"``."""
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; expected one of {', '.join(TASKS)}.")
    return TASKS[task][profile or current_profile()]


def load_task(task, profile=None):
    """Return ``(x_train, y_train), (x_test, y_test)`` for a task in the current profile."""
    name = dataset_name(task, profile)
    return datasets.load(name)


def epochs(fast, full, profile=None):
    """Return ``fast`` or ``full`` epochs, by profile.

    Example:
        >>> epochs(3, 30, profile="fast")
        3
    """
    return {"fast": fast, "full": full}[profile or current_profile()]


def distribution_strategy():
    """Return ``tf.distribute.MirroredStrategy`` over all GPUs when there are several, else the default.

    Build and compile models inside ``with distribution_strategy().scope():`` and the same code
    uses one CPU, one GPU or many.
    """
    from course_lib.session import import_tensorflow

    tf = import_tensorflow()
    gpus = tf.config.list_physical_devices("GPU")
    if len(gpus) > 1:
        return tf.distribute.MirroredStrategy()
    return tf.distribute.get_strategy()
