"""Checks for the exercises of notebook 08, ``notebooks/08_first_cnn_in_keras.ipynb``."""

import numpy as np

from course_lib.session import import_keras
from course_lib.checks._common import (
    CheckFailed, exercise_check, _call, _call_array, _fail, _judge_cases, _passed, _read_answer,
)


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


# Layers that only apply an activation, and the activation's name: a Conv2D or Dense without
# an activation followed by one of these is the same layer with that activation.
_ACTIVATION_LAYERS = {"Activation": None, "ReLU": "relu", "Softmax": "softmax"}


def _activation_only(layer):
    """The name of the activation ``layer`` applies if it applies nothing else, else None."""
    kind = type(layer).__name__
    if kind not in _ACTIVATION_LAYERS:
        return None
    if kind == "Activation":
        return getattr(layer.activation, "__name__", None)
    if kind == "ReLU":
        plain = not layer.max_value and not layer.negative_slope and not layer.threshold
        return "relu" if plain else None
    last_axis = len(layer.output.shape) - 1
    return "softmax" if tuple(np.atleast_1d(layer.axis)) in ((-1,), (last_axis,)) else None


def _layer_rows(model):
    """``(type name, output shape without the batch axis, parameters, activation)`` per layer.

    An activation layer (``Activation``, ``ReLU``, ``Softmax``) right after a layer without an
    activation is read as that layer's activation: ``Dense(10)`` then ``Softmax()`` is the
    row of ``Dense(10, activation="softmax")``.
    """
    rows = []
    for layer in model.layers:
        kind = type(layer).__name__
        if kind == "InputLayer":
            continue
        applied = _activation_only(layer)
        if applied and rows and rows[-1][3] == "linear":
            rows[-1] = rows[-1][:3] + (applied,)
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
    output shape, parameter count and activation. A layer without an activation followed by an
    activation layer (``Dense(10)`` then ``Softmax()``) counts as one layer with that activation.
    """
    keras = import_keras()
    hint = (
        "compare your layers one by one with the exercise's description: their kind and order, "
        "the number of filters, the kernel sizes, the padding and the activations."
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
            "Start the model with a keras.Input of the images' shape.",
        )
    if input_shape != (28, 28, 1):
        _fail(
            f"the model's input has shape {input_shape}, but the digits are 28x28 grey images.",
            "Keras puts the channels last: a grey image has one channel.",
        )
    expected = _layer_rows(_small_cnn(keras))
    for number, (want, got) in enumerate(zip(expected, rows), start=1):
        where = f"layer {number} ({got[0]})"
        if got[0] != want[0]:
            extra = (
                "A Dense layer needs a flat vector: put Flatten() between the last pooling layer "
                "and Dense. "
                if want[0] == "Flatten"
                else ""
            )
            _fail(f"layer {number} is a {got[0]} where the description has a {want[0]}.", extra + hint)
        if got[1] != want[1]:
            if want[0] == "Conv2D" and got[1][-1] != want[1][-1]:
                problem = "its channels are not the number of filters the description asks for"
                extra = "The number of filters sets the channels. "
            elif want[0] == "Conv2D" and got[1][0] < want[1][0]:
                problem = "its height and width shrank"
                extra = (
                    "padding='same' keeps height and width; the default, 'valid', shrinks them "
                    "by kernel_size - 1. "
                )
            else:
                problem = "not the shape the description's layer gives"
                extra = ""
            _fail(f"{where} outputs {got[1]}: {problem}.", extra + hint)
        if got[2] != want[2]:
            _fail(
                f"{where} has {got[2]:,} parameters, {'more' if got[2] > want[2] else 'fewer'} than "
                "the description's layer.",
                "The output shape is right, so look at kernel_size (and use_bias). " + hint,
            )
        if got[3] != want[3]:
            extra = (
                "The last layer turns scores into probabilities: activation='softmax'. "
                if want[3] == "softmax"
                else ""
            )
            _fail(f"{where} uses the activation {got[3]!r} where the description asks for {want[3]!r}.", extra + hint)
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
        "each row is one example, and its predicted class is the column of its largest "
        "probability. The accuracy is the share of examples whose prediction equals their label, "
        "a fraction between 0 and 1."
    )
    cases = _probability_cases()
    answers, expected = [], []
    pending = None
    try:
        for probabilities, labels in cases:
            metric = keras.metrics.SparseCategoricalAccuracy()
            metric.update_state(labels, probabilities)
            expected.append(float(metric.result()))
            assert np.isclose(expected[-1], np.mean(probabilities.argmax(axis=1) == labels))
            case = f"on {len(labels)} examples of {probabilities.shape[1]} classes"
            values = _call_array(
                accuracy, (probabilities.copy(), labels.copy()), "accuracy", hint,
                not_numbers="accuracy returned a {type}; expected one number.",
            ).reshape(-1)
            if values.size != 1:
                _fail(
                    f"accuracy {case} returned {values.size} values; expected one number.",
                    "A comparison gives one boolean per example: average them into one share.",
                )
            answers.append(float(values[0]))
    except CheckFailed as failure:  # judged after the cases before it
        pending = failure

    def square(prediction):
        return [prediction(p, y) if p.shape[0] == p.shape[1] else None for p, y in cases]

    mistakes = [
        ([float(np.sum(p.argmax(axis=1) == y)) for p, y in cases],
         "is the number of right answers, not their share", "divide by the number of examples."),
        ([100 * e for e in expected], "is a percentage", "the accuracy is a fraction between 0 and 1."),
        ([1 - e for e in expected], "is the error rate, the share of wrong answers", None),
        ([float(p[np.arange(len(y)), y].mean()) for p, y in cases],
         "is the mean probability of the right class", "pick each row's predicted class first."),
        ([float(p.max(axis=1).mean()) for p, y in cases], "is the mean confidence, right or wrong", None),
        ([float(np.mean(p.argmax() == y)) for p, y in cases],
         "takes argmax without an axis, one index into the flattened array",
         "each row is one example: take the largest probability along each row."),
        (square(lambda p, y: float(np.mean(p == y))),
         "is the share of probabilities equal to a label",
         "turn each row into its predicted class first."),
        (square(lambda p, y: float(np.mean(p.argmax(axis=0) == y))),
         "takes argmax along axis 0, which finds the best example for each class",
         "each row is one example: its prediction is the column of its largest probability."),
    ]

    def where(i):
        p, _ = cases[i]
        return f"accuracy on {p.shape[0]} examples of {p.shape[1]} classes"

    _judge_cases(
        answers, expected, where, mistakes, hint,
        same=lambda a, b: bool(np.isclose(a, b, atol=1e-6)),
        direction=lambda a, b: "too large" if a > b else "too small",
        pending=pending,
    )
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
        "epochs from 1."
    )
    answers, expected = [], []
    pending = None
    try:
        for history in _HISTORY_CASES:
            expected.append(_restored_by_keras(history["val_loss"])[0])
            answer = _call(
                restored_epoch, ({k: list(v) for k, v in history.items()},), "restored_epoch", hint
            )
            answers.append(
                _read_answer(answer, "int", "restored_epoch", hint, returned=True, expected="a whole number (an int)")
            )
    except CheckFailed as failure:  # judged after the cases before it
        pending = failure
    val_loss = [np.asarray(h["val_loss"]) for h in _HISTORY_CASES]
    mistakes = [
        ([e - 1 for e in expected],
         "counts the epochs from 0, but Keras and the curves count from 1", None),
        ([len(v) for v in val_loss], "gives the last epoch, but restore_best_weights goes back to the best one", None),
        ([int(np.argmin(h["loss"])) + 1 for h in _HISTORY_CASES],
         "picks the lowest training loss, but EarlyStopping watches val_loss", None),
        ([int(np.argmax(h["val_accuracy"])) + 1 for h in _HISTORY_CASES],
         "picks the highest val_accuracy, but EarlyStopping's default monitor is val_loss", None),
        ([int(np.flatnonzero(v == v.min())[-1]) + 1 for v in val_loss],
         "picks the later of two epochs with the same lowest val_loss, but only a strictly lower "
         "loss counts as an improvement, so the first is kept", None),
    ]
    _judge_cases(
        answers, expected,
        lambda i: f"restored_epoch for val_loss = {_HISTORY_CASES[i]['val_loss']}",
        mistakes, hint,
        direction=lambda a, b: "not the epoch EarlyStopping restores",
        pending=pending,
    )
    _passed(
        f"restored_epoch picks the epoch EarlyStopping restores in all {len(_HISTORY_CASES)} "
        "histories."
    )
