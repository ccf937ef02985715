"""How much to train and how: the fast offline profile that CI runs, the full one, a lean training loop.

``COURSE_PROFILE`` (environment variable) picks the profile; the default is ``"fast"``:

* ``fast``: the offline data (digits, photo patches), a few epochs, one device. Every notebook
  runs in under a minute on two CPU cores.
* ``full``: the real data sets (MNIST, Fashion-MNIST, CIFAR-10, downloaded once by Keras, offline
  stand-ins if they cannot be), more epochs, and every visible GPU
  (``tf.distribute.MirroredStrategy`` when there are several).

The fast profile downloads nothing: ImageNet weights (:func:`imagenet_weights`) are used there
only when Keras's cache already holds them; the full profile downloads them once.

Start JupyterLab with ``COURSE_PROFILE=full make lab`` to use it.

:func:`fit_curves` trains a model with Adam and returns its loss and accuracy per epoch, like
``model.fit(...).history``, with the same batches for every model given the same seed;
:func:`fit_seeds` trains a fresh model once per seed (Adam, or SGD with momentum and step decay)
and returns the curves of all seeds as arrays.
"""

import os
from pathlib import Path

import numpy as np

from course_lib import datasets, progress
from course_lib.validation import boolean, number, numeric_array, one_of, positive_int, whole_number

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


class Plan:
    """An experiment's settings in the current profile, with the other profile's beside them.

    Read a setting as an attribute (``plan.epochs``). Printed, a plan says which profile chose it
    and what the other would run, so a learner sees what ``COURSE_PROFILE=full`` changes:

    Example:
        >>> runs = plan(fast={"data": "digits", "epochs": 5}, full={"data": "cifar10", "epochs": 60}, profile="fast")
        >>> runs.epochs
        5
        >>> print(runs)
        fast profile: data digits, epochs 5 (full profile: data cifar10, epochs 60)
    """

    def __init__(self, profile, settings, other):
        self.profile = profile
        self._settings = dict(settings)
        self._other = dict(other)

    def __getattr__(self, name):
        settings = self.__dict__.get("_settings", {})
        if name in settings:
            return settings[name]
        raise AttributeError(f"this plan has no setting {name!r}; it has {', '.join(settings)}.")

    def settings(self):
        """Return the settings of the current profile as a dict."""
        return dict(self._settings)

    def __repr__(self):
        other = "full" if self.profile == "fast" else "fast"
        return f"{self.profile} profile: {_settings_text(self._settings)} ({other} profile: {_settings_text(self._other)})"


def _settings_text(settings):
    return ", ".join(f"{name} {value}" for name, value in settings.items())


def plan(fast, full, profile=None):
    """Return the :class:`Plan` of an experiment: the ``fast`` settings or the ``full`` ones, by profile.

    ``fast`` and ``full`` are dicts with the same keys (names such as ``data``, ``epochs``,
    ``seeds``): what the experiment trains on and for how long in each profile. A notebook prints
    its plan before it trains, and reads every setting from it; ``tests/test_full_profile.py``
    proves that the full profile selects the full settings.

    Raises:
        TypeError: ``fast`` or ``full`` is not a dict.
        ValueError: they have different keys, or a key is not a Python name.
    """
    for name, settings in (("fast", fast), ("full", full)):
        if not isinstance(settings, dict):
            raise TypeError(f"{name} must be a dict of settings, e.g. {{'epochs': 5}}; received {type(settings).__name__}.")
        bad = [key for key in settings if not (isinstance(key, str) and key.isidentifier())]
        if bad:
            raise ValueError(f"{name}'s keys must be Python names, read as plan.<name>; received {bad!r}.")
    if list(fast) != list(full):
        raise ValueError(
            f"fast and full must name the same settings in the same order; received {list(fast)} and {list(full)}."
        )
    profile = _profile_or_current(profile)
    return Plan(profile, fast if profile == "fast" else full, full if profile == "fast" else fast)


# keras.applications builder -> the files its ImageNet weights are cached in, under keras_home()/models:
# (without the classifier, with it), at the default width and a 224x224 input. These are the names
# the builders ask keras.utils.get_file for (tests/test_training.py checks them against Keras).
IMAGENET_WEIGHT_FILES = {
    "MobileNet": ("mobilenet_1_0_224_tf_no_top.h5", "mobilenet_1_0_224_tf.h5"),
    "ResNet50": (
        "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5",
        "resnet50_weights_tf_dim_ordering_tf_kernels.h5",
    ),
}


def imagenet_weights(application, include_top=False, profile=None):
    """Return ``weights=`` for a ``keras.applications`` builder: a cached file, ``"imagenet"`` or ``None``.

    Offline first, as for the data sets. In either profile, a weights file that Keras's cache
    (``datasets.keras_home() / "models"``) already holds is returned as a path, which the builder
    reads without touching the network. Only the full profile returns ``"imagenet"``, which makes
    Keras download the file once into that cache, and only when the download host answers. Otherwise
    ``None``: the builder draws random weights. Every outcome prints one line that says which
    weights the model gets, and, for random ones, how to get ImageNet's.

    Args:
        application: the builder's name in ``keras.applications``, one of
            :data:`IMAGENET_WEIGHT_FILES` (``"MobileNet"``, ``"ResNet50"``).
        include_top: ``True`` for the weights with the 1,000-class classifier.
        profile: ``"fast"`` or ``"full"``; by default the current one (``COURSE_PROFILE``).

    Notebook 18 builds its ImageNet feature extractor with
    ``keras.applications.MobileNet(weights=imagenet_weights("MobileNet"), include_top=False, ...)``.
    """
    one_of(application, "application", tuple(IMAGENET_WEIGHT_FILES))
    include_top = boolean(include_top, "include_top")
    profile = _profile_or_current(profile)
    file_name = IMAGENET_WEIGHT_FILES[application][include_top]
    folder = datasets.keras_home() / "models"
    shown = _home_relative(folder)
    if (folder / file_name).is_file():
        print(f"{application}: ImageNet weights, read from Keras's cache ({shown}/{file_name}).")
        return str(folder / file_name)
    if profile == "full" and datasets.online():
        print(f"{application}: ImageNet weights, which Keras downloads once into its cache ({shown}).")
        return "imagenet"
    why = "the fast profile downloads nothing" if profile == "fast" else "the download host does not answer"
    print(
        f"{application}: random weights (weights=None), since {shown} holds no {file_name} and {why}; "
        f"to get ImageNet's, run with COURSE_PROFILE=full on a machine that is online, or copy that "
        f"file into {shown}."
    )
    return None


def _home_relative(path):
    """``path`` written from ``~`` when it lies in the home folder, as a learner would type it."""
    try:
        return "~/" + path.relative_to(Path.home()).as_posix()
    except ValueError:
        return str(path)


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
    do, minus callbacks; in JupyterLab a bar shows the epochs go by (:mod:`course_lib.progress`),
    and nothing is printed. For a deep, narrow network it starts several times
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
    from course_lib.session import import_keras

    keras = import_keras()

    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a Keras model; received {type(model).__name__}.")
    x, y, batch_size, epochs = _training_data(x, y, batch_size, epochs)
    learning_rate = number(learning_rate, "learning_rate", minimum=0)
    whole_number(seed, "seed")
    optimizer = keras.optimizers.Adam(learning_rate)
    step = _training_step(model, optimizer)
    bar = progress.Bar(print_summary=False)  # live in JupyterLab only; a stored notebook shows nothing of it
    history = _train_epochs(step, x, y, epochs, batch_size, seed, bar, lambda epoch: f"epoch {epoch}/{epochs}")
    bar.finish(progress.summary_line(history, epochs))
    return history


def _training_data(x, y, batch_size, epochs):
    """Check the arguments :func:`fit_curves` and :func:`fit_seeds` share; return ``x`` float32, ``y`` int64."""
    x = numeric_array(x, "x", finite=True).astype("float32")
    y = numeric_array(y, "y", ndim=1)
    if not np.issubdtype(y.dtype, np.integer) or y.min() < 0:
        raise ValueError(
            f"y must hold class numbers 0, 1, ... (ints), as sparse categorical cross-entropy reads "
            f"them; received dtype {y.dtype} with values from {y.min()} to {y.max()}."
        )
    batch_size = positive_int(batch_size, "batch_size")
    epochs = positive_int(epochs, "epochs")
    if len(x) != len(y) or len(x) < batch_size:
        raise ValueError(
            f"x and y must hold the same number of examples, at least batch_size={batch_size}; "
            f"received {len(x)} and {len(y)}."
        )
    return x, y.astype("int64"), batch_size, epochs


def _training_step(model, optimizer):
    """Return a traced function ``step(x_batch, y_batch) -> (loss, accuracy)`` that updates ``model``."""
    from course_lib.session import import_keras, import_tensorflow

    tf = import_tensorflow()
    keras = import_keras()
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

    return step


def _epoch_of_steps(step):
    """Return a traced function ``run(x_batches, y_batches) -> (losses, accuracies)`` that runs
    ``step`` on every batch of an epoch inside TensorFlow: one call per epoch instead of one per
    batch, a third faster for a small network on a CPU, with the same results batch by batch."""
    from course_lib.session import import_tensorflow

    tf = import_tensorflow()

    @tf.function
    def run(x_batches, y_batches):
        count = tf.shape(x_batches)[0]
        losses = tf.TensorArray(tf.float32, size=count)
        accuracies = tf.TensorArray(tf.float32, size=count)
        for i in tf.range(count):
            loss, accuracy = step(x_batches[i], y_batches[i])
            losses = losses.write(i, tf.cast(loss, tf.float32))
            accuracies = accuracies.write(i, accuracy)
        return losses.stack(), accuracies.stack()

    return run


def _train_epochs(step, x, y, epochs, batch_size, seed, bar, label, before_epoch=None, done=0.0, share=1.0,
                  run_epoch=None):
    """Run ``epochs`` epochs of ``step`` on batches drawn with ``seed``; return the per-epoch history.

    ``bar`` is redrawn after every epoch at ``done + share * epochs run / epochs``, with the text
    ``label(epoch)`` and the epoch's loss; ``before_epoch(epoch)``, if given, runs before each epoch
    (counted from 0), e.g. to lower the learning rate. ``run_epoch`` (:func:`_epoch_of_steps` of
    ``step``), if given, runs each epoch's batches in one call.
    """
    rng = np.random.default_rng(seed)
    batches = len(x) // batch_size
    history = {"loss": [], "accuracy": []}
    for epoch in range(epochs):
        if before_epoch is not None:
            before_epoch(epoch)
        order = rng.permutation(len(x))[: batches * batch_size].reshape(batches, batch_size)
        if run_epoch is None:
            results = np.array([[float(v) for v in step(x[i], y[i])] for i in order])
        else:
            results = np.stack([np.asarray(v, dtype=np.float64) for v in run_epoch(x[order], y[order])], axis=1)
        history["loss"].append(float(results[:, 0].mean()))
        history["accuracy"].append(float(results[:, 1].mean()))
        bar.draw(done + share * (epoch + 1) / epochs, f"{label(epoch + 1)} · loss {history['loss'][-1]:.4f}", force=True)
    return history


def fit_seeds(build, x, y, seeds=(0, 1, 2), epochs=5, batch_size=64, learning_rate=0.003, momentum=None,
              decay_epochs=(), keep_models=False):
    """Train a fresh ``build()`` once per seed; return the loss and accuracy per epoch, one row per seed.

    For each seed ``s``, ``keras.utils.set_random_seed(s)`` then ``build()`` draws the initial
    weights, and the model is trained as :func:`fit_curves` trains it with ``seed=s`` (the batches
    drawn by a NumPy generator seeded with ``s``): networks of different architectures trained
    with the same seeds see the same batches. The result is ``{"loss": array, "accuracy": array}``,
    each of shape ``(len(seeds), epochs)``, the mean over each epoch's batches measured while
    training (the form :func:`course_lib.viz.show_spread` draws).

    The training step is traced once, for the first seed's model; for every later seed, the fresh
    model's variables (its weights, and the seed state of random layers such as ``Dropout``) are
    copied into the traced one and the optimizer's state (step count, moments) is reset, which
    gives the curves fresh models would give. For a deep network on small images,
    tracing costs more than several epochs, so this is much faster than one :func:`fit_curves` per
    seed.

    Args:
        build: a function of no arguments that returns a new Keras model ending in a softmax,
            e.g. ``lambda: resnet.cifar_plain(20)``; every call must build the same architecture.
        seeds: the seeds, a non-empty sequence of ints.
        momentum: ``None`` for Adam with ``learning_rate`` (as :func:`fit_curves`); a number in
            ``[0, 1)`` for stochastic gradient descent with that momentum, as He et al. trained
            (0.9, learning rate 0.1).
        decay_epochs: epochs (counted from 0) at whose start the learning rate is divided by 10;
            the paper divides it at 32k and 48k of its 64k iterations, i.e. at half and at three
            quarters of the training.
        keep_models: also return the trained models, one per seed, under ``"models"`` (each a new
            ``build()`` holding that seed's trained weights, moving statistics included), to
            evaluate or look inside after training.

    Raises:
        TypeError: ``build`` is not callable or does not return a Keras model; ``seeds`` or
            ``decay_epochs`` is not a list or tuple of ints; ``keep_models`` is not a bool.
        ValueError: no seeds, a negative seed, ``momentum`` outside ``[0, 1)``, a decay epoch outside
            ``1 ... epochs - 1``, or the checks of :func:`fit_curves`.

    Example:
        >>> import keras
        >>> build = lambda: keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation="softmax")])
        >>> x, y = np.eye(2).repeat(32, axis=0), np.arange(2).repeat(32)
        >>> curves = fit_seeds(build, x, y, seeds=(0, 1), epochs=3, batch_size=16, learning_rate=0.1)
        >>> curves["loss"].shape, bool((curves["loss"][:, -1] < curves["loss"][:, 0]).all())
        ((2, 3), True)
        >>> kept = fit_seeds(build, x, y, seeds=(0, 1), epochs=1, batch_size=16, keep_models=True)["models"]
        >>> len(kept), kept[0].count_params()
        (2, 6)
    """
    from course_lib.session import import_keras

    keras = import_keras()

    if not callable(build) or isinstance(build, keras.Model):
        raise TypeError(
            f"build must be a function of no arguments that returns a new model, e.g. "
            f"lambda: resnet.cifar_plain(20), so that every seed gets fresh weights; received "
            f"{type(build).__name__}."
        )
    if not isinstance(seeds, (list, tuple, range)):
        raise TypeError(f"seeds must be a list or tuple of ints, e.g. (0, 1, 2); received {seeds!r:.60}.")
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds must name at least one seed, e.g. (0, 1, 2); received an empty sequence.")
    for seed in seeds:
        whole_number(seed, "each seed")
    x, y, batch_size, epochs = _training_data(x, y, batch_size, epochs)
    learning_rate = number(learning_rate, "learning_rate", minimum=0)
    if momentum is not None:
        momentum = number(momentum, "momentum", minimum=0, below=1)
    if not isinstance(decay_epochs, (list, tuple, range)):
        raise TypeError(f"decay_epochs must be a list or tuple of epochs, e.g. (6, 9); received {decay_epochs!r:.60}.")
    if not isinstance(keep_models, bool):
        raise TypeError(f"keep_models must be True or False; received {keep_models!r:.60}.")
    decay_epochs = list(decay_epochs)
    for epoch in decay_epochs:
        whole_number(epoch, "each decay epoch")
        if not 0 < epoch < epochs:
            raise ValueError(
                f"decay_epochs must lie between 1 and epochs - 1 = {epochs - 1} (the epochs at whose "
                f"start the learning rate is divided by 10); received decay_epochs={decay_epochs!r}."
            )

    def fresh(seed):
        keras.utils.set_random_seed(seed)
        model = build()
        if not isinstance(model, keras.Model):
            raise TypeError(f"build() must return a Keras model; it returned {type(model).__name__}.")
        return model

    model = fresh(seeds[0])
    if momentum is None:
        optimizer = keras.optimizers.Adam(learning_rate)
    else:
        optimizer = keras.optimizers.SGD(learning_rate, momentum=momentum)
    step = _training_step(model, optimizer)
    run_epoch = _epoch_of_steps(step)
    start = [variable.numpy() for variable in optimizer.variables]  # step 0, zero moments
    curves = {"loss": [], "accuracy": []}
    models = []
    bar = progress.Bar(print_summary=False)

    def before_epoch(epoch):
        optimizer.learning_rate = learning_rate / 10 ** sum(epoch >= decay for decay in decay_epochs)

    for index, seed in enumerate(seeds):
        if index:
            # Every variable, not only the weights: a random layer's seed state too (RandomTranslation,
            # Dropout), so that it draws what a fresh model built from this seed would draw.
            for variable, value in zip(model.variables, fresh(seed).variables):
                variable.assign(value)
            for variable, value in zip(optimizer.variables, start):
                variable.assign(value)
        label = lambda epoch, index=index: f"seed {index + 1}/{len(seeds)} · epoch {epoch}/{epochs}"  # noqa: E731
        history = _train_epochs(step, x, y, epochs, batch_size, seed, bar, label, before_epoch,
                                done=index / len(seeds), share=1 / len(seeds), run_epoch=run_epoch)
        for name in curves:
            curves[name].append(history[name])
        if keep_models:
            models.append(build())
            models[-1].set_weights(model.get_weights())
    bar.finish(f"fit: {len(seeds)} seeds x {epochs} epochs")
    result = {name: np.array(values) for name, values in curves.items()}
    return {**result, "models": models} if keep_models else result
