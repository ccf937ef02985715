"""How much to train and how: the fast offline profile that CI runs, the full one, a lean training loop.

``COURSE_PROFILE`` (environment variable) picks the profile; the default is ``"fast"``:

* ``fast``: the offline data (digits, photo patches), a few epochs, one device. Every notebook
  runs in under a minute on two CPU cores.
* ``full``: the real data sets (MNIST, Fashion-MNIST, CIFAR-10, downloaded once by Keras, offline
  stand-ins if they cannot be), more epochs, and every visible GPU
  (``tf.distribute.MirroredStrategy`` when there are several).

Start JupyterLab with ``COURSE_PROFILE=full make lab`` to use it.

:func:`fit_curves` trains a model with Adam and returns its loss and accuracy per epoch, like
``model.fit(...).history``, with the same batches for every model given the same seed.
"""

import os

import numpy as np

from course_lib import datasets
from course_lib.validation import number, numeric_array, one_of, positive_int, whole_number

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
    one_of(task, "task", tuple(TASKS))
    return TASKS[task][_profile_or_current(profile)]


def _profile_or_current(profile):
    return current_profile() if profile is None else one_of(profile, "profile", PROFILES)


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
    fast, full = positive_int(fast, "fast"), positive_int(full, "full")
    return {"fast": fast, "full": full}[_profile_or_current(profile)]


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


def fit_curves(model, x, y, epochs=5, batch_size=64, learning_rate=0.003, seed=0):
    """Return the loss and accuracy per epoch of ``model`` trained with Adam on ``(x, y)``.

    The result is ``{"loss": [...], "accuracy": [...]}``, one value per epoch: the mean sparse categorical cross-entropy and the accuracy over the
    epoch's batches, measured while training, as ``model.fit(...).history`` reports them (and in
    the format :func:`course_lib.viz.compare_histories` draws). The batches are drawn by a NumPy
    generator seeded with ``seed``, so models trained with the same seed see the same batches in
    the same order; a last incomplete batch is dropped. ``y`` holds class numbers, and the model
    outputs probabilities (a softmax layer).

    This is what ``model.compile(keras.optimizers.Adam(learning_rate), ...)`` and ``model.fit``
    do, minus callbacks and progress bars. For a deep, narrow network it starts several times
    faster than ``fit`` on a CPU: ``fit`` traces the optimizer's update of every weight through
    TensorFlow's distribution machinery, which here costs more than the training itself.

    Example:
        >>> import keras
        >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation="softmax")])
        >>> x, y = np.eye(2).repeat(32, axis=0), np.arange(2).repeat(32)
        >>> curves = fit_curves(model, x, y, epochs=3, batch_size=16, learning_rate=0.1)
        >>> len(curves["loss"]), curves["loss"][-1] < curves["loss"][0]
        (3, True)
    """
    from course_lib.session import import_keras, import_tensorflow

    tf = import_tensorflow()
    keras = import_keras()

    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a Keras model; received {type(model).__name__}.")
    x = numeric_array(x, "x", finite=True).astype("float32")
    y = numeric_array(y, "y", ndim=1)
    if not np.issubdtype(y.dtype, np.integer) or y.min() < 0:
        raise ValueError(
            f"y must hold class numbers 0, 1, ... (ints), as sparse categorical cross-entropy reads "
            f"them; received dtype {y.dtype} with values from {y.min()} to {y.max()}."
        )
    y = y.astype("int64")
    batch_size = positive_int(batch_size, "batch_size")
    epochs = positive_int(epochs, "epochs")
    learning_rate = number(learning_rate, "learning_rate", minimum=0)
    whole_number(seed, "seed")
    if len(x) != len(y) or len(x) < batch_size:
        raise ValueError(
            f"x and y must hold the same number of examples, at least batch_size={batch_size}; "
            f"received {len(x)} and {len(y)}."
        )
    optimizer = keras.optimizers.Adam(learning_rate)
    loss_function = keras.losses.SparseCategoricalCrossentropy()
    variables = model.trainable_variables
    optimizer.build(variables)

    @tf.function
    def step(x_batch, y_batch):
        with tf.GradientTape() as tape:
            probabilities = model(x_batch, training=True)
            loss = loss_function(y_batch, probabilities)
        optimizer.apply(tape.gradient(loss, variables), variables)
        hits = tf.equal(tf.argmax(probabilities, axis=-1), y_batch)
        return loss, tf.reduce_mean(tf.cast(hits, "float32"))

    rng = np.random.default_rng(seed)
    batches = len(x) // batch_size
    history = {"loss": [], "accuracy": []}
    for _ in range(epochs):
        order = rng.permutation(len(x))[: batches * batch_size].reshape(batches, batch_size)
        results = np.array([[float(v) for v in step(x[i], y[i])] for i in order])
        history["loss"].append(float(results[:, 0].mean()))
        history["accuracy"].append(float(results[:, 1].mean()))
    return history
