"""Checks for the exercises of notebook 08, ``notebooks/08_first_cnn_in_keras.ipynb``."""

import numpy as np

from course_lib.session import import_keras
from course_lib.checks._common import exercise_check, _call, _call_array, _fail, _passed, _read_answer


def _small_cnn(keras):
    """The model that exercise 1 of notebook 08 describes, built the reference way."""
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            keras.layers.Conv2D(16, kernel_size=5, padding="same", activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Conv2D(32, kernel_size=3, activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Flatten(),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )


def _layer_rows(model):
    """``(type name, output shape without the batch axis, parameters, activation)`` per layer."""
    rows = []
    for layer in model.layers:
        kind = type(layer).__name__
        if kind == "InputLayer":
            continue
        activation = getattr(layer, "activation", None)
        rows.append(
            (
                kind,
                tuple(layer.output.shape[1:]),
                layer.count_params(),
                getattr(activation, "__name__", None),
            )
        )
    return rows


@exercise_check
def check_small_cnn(build_small_cnn):
    """Notebook 08, exercise 1: check a learner's ``build_small_cnn()`` against the model exercise 1 of notebook 08 describes.

    The reference is built here; the two are compared layer by layer (input layers aside): type,
    output shape, parameter count and activation.
    """
    keras = import_keras()
    hint = (
        "keras.Sequential([keras.Input(shape=(28, 28, 1)), Conv2D(16, kernel_size=5, "
        "padding='same', activation='relu'), MaxPooling2D(2), Conv2D(32, kernel_size=3, "
        "activation='relu'), MaxPooling2D(2), Flatten(), Dense(10, activation='softmax')])."
    )
    model = _call(build_small_cnn, (), "build_small_cnn", hint)
    if not isinstance(model, keras.Model):
        _fail(f"build_small_cnn returned a {type(model).__name__}, not a Keras model.", hint)
    try:
        input_shape = tuple(model.inputs[0].shape[1:])
        rows = _layer_rows(model)
    except (AttributeError, ValueError, IndexError):
        _fail(
            "the model has no input shape yet, so its layers have no output shapes.",
            "Start the list of layers with keras.Input(shape=(28, 28, 1)).",
        )
    if input_shape != (28, 28, 1):
        _fail(
            f"the model's input has shape {input_shape}; expected (28, 28, 1).",
            "The digits are 28x28 grey images: keras.Input(shape=(28, 28, 1)), one channel last.",
        )
    expected = _layer_rows(_small_cnn(keras))
    for number, (want, got) in enumerate(zip(expected, rows), start=1):
        where = f"layer {number} ({want[0]})"
        if got[0] != want[0]:
            extra = (
                "A Dense layer needs a flat vector: put Flatten() between the last pooling layer "
                "and Dense. "
                if want[0] == "Flatten"
                else ""
            )
            _fail(f"layer {number} is a {got[0]}; expected a {want[0]}.", extra + hint)
        if got[1] != want[1]:
            if want[0] == "Conv2D" and got[1][-1] != want[1][-1]:
                extra = f"The number of filters sets the channels: {want[1][-1]} here. "
            elif want[0] == "Conv2D":
                extra = (
                    "padding='same' keeps height and width; the default, 'valid', shrinks them "
                    "by kernel_size - 1. "
                )
            else:
                extra = ""
            _fail(f"{where} outputs {got[1]}; expected {want[1]}.", extra + hint)
        if got[2] != want[2]:
            _fail(
                f"{where} has {got[2]:,} parameters; expected {want[2]:,}.",
                "The output shape is right, so look at kernel_size (and use_bias). " + hint,
            )
        if got[3] != want[3]:
            extra = (
                "The last layer turns scores into probabilities: activation='softmax'. "
                if want[3] == "softmax"
                else ""
            )
            _fail(f"{where} uses the activation {got[3]!r}; expected {want[3]!r}.", extra + hint)
    if len(rows) != len(expected):
        if len(rows) < len(expected):
            _fail(
                f"the model has {len(rows)} layers; the description has {len(expected)}: "
                f"a {expected[len(rows)][0]} is missing at the end.",
                hint,
            )
        _fail(
            f"the model has {len(rows)} layers; the description has {len(expected)}: remove the "
            f"{', '.join(row[0] for row in rows[len(expected) :])} at the end.",
            hint,
        )
    _passed(
        f"all {len(rows)} layers match the description: output {rows[-1][1]}, "
        f"{sum(row[2] for row in rows):,} parameters."
    )


def _probability_cases():
    """``(probabilities, labels)`` pairs: softmax rows of seeded random scores, no ties.

    The first case is square (10 examples, 10 classes), so an argmax over the wrong axis gives a
    wrong number rather than an error; the last two are all right and all wrong.
    """
    rng = np.random.default_rng(8)
    cases = []
    for examples, classes in [(10, 10), (12, 3), (40, 10), (7, 2)]:
        scores = rng.normal(0, 2, (examples, classes))
        probabilities = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
        labels = np.where(
            rng.random(examples) < 0.7,
            probabilities.argmax(axis=1),
            rng.integers(0, classes, examples),
        )
        cases.append((probabilities.astype(np.float32), labels.astype(np.int64)))
    eye = np.eye(4, dtype=np.float32) * 0.7 + 0.075
    cases.append((eye, np.arange(4)))
    cases.append((eye, (np.arange(4) + 1) % 4))
    return cases


@exercise_check
def check_accuracy(accuracy):
    """Notebook 08, exercise 3: check a learner's ``accuracy(probabilities, labels)``: the share of rows whose argmax is the label.

    ``probabilities`` is ``(N, classes)``, one softmax row per example, ``labels`` is ``(N,)``
    integers. The expected value comes from ``keras.metrics.SparseCategoricalAccuracy`` (and is
    checked against NumPy).
    """
    keras = import_keras()
    hint = (
        "The predicted class of each example is the column of its largest probability, "
        "probabilities.argmax(axis=1); compare it with labels and take the mean of the booleans."
    )
    for probabilities, labels in _probability_cases():
        metric = keras.metrics.SparseCategoricalAccuracy()
        metric.update_state(labels, probabilities)
        expected = float(metric.result())
        predicted = probabilities.argmax(axis=1)
        assert np.isclose(expected, np.mean(predicted == labels))
        case = f"on {len(labels)} examples of {probabilities.shape[1]} classes"
        values = _call_array(
            accuracy, (probabilities.copy(), labels.copy()), "accuracy", hint,
            not_numbers="accuracy returned a {type}; expected one number.",
        ).reshape(-1)
        if values.size != 1:
            _fail(
                f"accuracy {case} returned {values.size} values; expected one number.",
                "A comparison gives one boolean per example: average them with np.mean(...).",
            )
        value = float(values[0])
        if np.isclose(value, expected, atol=1e-6):
            continue
        correct = int(np.sum(predicted == labels))
        known = [
            (correct, "the number of right answers, not their share (divide by len(labels))"),
            (100 * expected, "a percentage; the accuracy is a fraction between 0 and 1"),
            (1 - expected, "the error rate, the share of wrong answers"),
            (
                probabilities[np.arange(len(labels)), labels].mean(),
                "the mean probability of the right class (pick each row's argmax first)",
            ),
            (probabilities.max(axis=1).mean(), "the mean confidence, right or wrong"),
            (
                np.mean(probabilities.argmax() == labels),
                "argmax without an axis, one index into the flattened array (use axis=1)",
            ),
        ]
        if probabilities.shape[0] == probabilities.shape[1]:
            known += [
                (
                    np.mean(probabilities == labels),
                    (
                        "the share of probabilities equal to a label (turn each row into its "
                        "predicted class with argmax(axis=1) first)"
                    ),
                ),
                (
                    np.mean(probabilities.argmax(axis=0) == labels),
                    (
                        "argmax(axis=0), which finds the best example for each class (each row "
                        "is one example, so the prediction is argmax(axis=1))"
                    ),
                ),
            ]
        matches = [text for wrong, text in known if np.isclose(value, wrong, atol=1e-6)]
        if matches:
            _fail(f"accuracy {case} returned {value:.4g}: that is {', or '.join(matches)}.", hint)
        _fail(f"accuracy {case} returned {value:.4g}; Keras gives {expected:.4g}.", hint)
    _passed(
        f"accuracy agrees with keras.metrics.SparseCategoricalAccuracy on all "
        f"{len(_probability_cases())} cases."
    )


# History dicts as fit returns them, each consistent with EarlyStopping(patience=2): the first
# stops early, the second runs to its last epoch, the third has a tie for the lowest val_loss,
# the fourth improves again after a bad epoch. Training loss and val_accuracy peak elsewhere.
_HISTORY_CASES = [
    {
        "loss": [1.0, 0.6, 0.4, 0.3, 0.2],
        "accuracy": [0.7, 0.82, 0.9, 0.93, 0.96],
        "val_loss": [0.9, 0.5, 0.3, 0.35, 0.32],
        "val_accuracy": [0.7, 0.8, 0.9, 0.92, 0.91],
    },
    {
        "loss": [1.1, 0.7, 0.5, 0.4],
        "accuracy": [0.6, 0.8, 0.86, 0.9],
        "val_loss": [0.8, 0.6, 0.5, 0.45],
        "val_accuracy": [0.75, 0.82, 0.86, 0.85],
    },
    {
        "loss": [0.9, 0.5, 0.35, 0.3],
        "accuracy": [0.7, 0.85, 0.9, 0.92],
        "val_loss": [0.7, 0.4, 0.5, 0.4],
        "val_accuracy": [0.76, 0.86, 0.84, 0.87],
    },
    {
        "loss": [1.5, 0.9, 0.6, 0.5, 0.42, 0.36, 0.3],
        "accuracy": [0.5, 0.7, 0.8, 0.84, 0.87, 0.9, 0.92],
        "val_loss": [1.2, 0.8, 0.6, 0.62, 0.55, 0.58, 0.57],
        "val_accuracy": [0.6, 0.74, 0.8, 0.81, 0.83, 0.85, 0.84],
    },
]


def _restored_by_keras(val_loss, patience=2):
    """Return ``(restored epoch counted from 1, epochs run)`` by feeding ``val_loss`` to EarlyStopping."""
    keras = import_keras()
    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
    model.stop_training = False  # fit sets it; the callback reads and writes it
    callback = keras.callbacks.EarlyStopping(patience=patience, restore_best_weights=True)
    callback.set_model(model)
    callback.on_train_begin()
    epochs_run = len(val_loss)
    for epoch, value in enumerate(val_loss):
        callback.on_epoch_end(epoch, {"val_loss": value})
        if model.stop_training:
            epochs_run = epoch + 1
            break
    return callback.best_epoch + 1, epochs_run


@exercise_check
def check_restored_epoch(restored_epoch):
    """Notebook 08, exercise 2: check a learner's ``restored_epoch(history)``: the epoch, counted from 1, whose weights
    ``EarlyStopping(restore_best_weights=True)`` (monitoring ``val_loss``) puts back.

    The expected epoch comes from a real ``keras.callbacks.EarlyStopping`` fed each history's
    ``val_loss``, one epoch at a time.
    """
    hint = (
        "EarlyStopping watches val_loss (its default monitor) and keeps the weights of the epoch "
        "with the lowest value; a later epoch must be strictly lower to replace it. Keras counts "
        "epochs from 1: np.argmin(history['val_loss']) + 1."
    )
    for history in _HISTORY_CASES:
        expected, _ = _restored_by_keras(history["val_loss"])
        answer = _call(
            restored_epoch, ({k: list(v) for k, v in history.items()},), "restored_epoch", hint
        )
        answer = _read_answer(answer, "int", "restored_epoch", hint, returned=True, expected="a whole number (an int)")
        if answer == expected:
            continue
        losses = np.asarray(history["val_loss"])
        known = [
            (
                expected - 1,
                "is the right epoch counted from 0, but Keras and the curves count from 1",
            ),
            (len(losses), "is the last epoch, but restore_best_weights goes back to the best one"),
            (
                int(np.argmin(history["loss"])) + 1,
                "has the lowest training loss, but EarlyStopping watches val_loss",
            ),
            (
                int(np.argmax(history["val_accuracy"])) + 1,
                "has the highest val_accuracy, but EarlyStopping's default monitor is val_loss",
            ),
            (
                int(np.flatnonzero(losses == losses.min())[-1]) + 1,
                (
                    "is the later of two epochs with the same lowest val_loss, but only a "
                    "strictly lower loss counts as an improvement, so the first is kept"
                ),
            ),
        ]
        matches = [text for epoch, text in known if answer == epoch != expected]
        problem = (
            "; or it ".join(matches)
            if matches
            else f"is not the one EarlyStopping restores ({expected})"
        )
        _fail(
            f"restored_epoch returned {answer} for val_loss = {history['val_loss']}: that epoch "
            f"{problem}.",
            hint,
        )
    _passed(
        f"restored_epoch picks the epoch EarlyStopping restores in all {len(_HISTORY_CASES)} "
        "histories."
    )
