"""Checks for the exercises of notebook 08, ``notebooks/08_first_cnn_in_keras.ipynb``."""

import numpy as np

from course_lib.session import import_keras
from course_lib.checks._common import (
    CheckFailed, exercise_check, _call, _call_array, _fail, _judge_cases, _passed,
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


# The logs of a scripted training run, one dict per epoch, as fit would hand them to its callbacks:
# the validation loss falls to its lowest at epoch 6 (after a wobble at epoch 5, so that patience 0
# or 1 stops early), then rises; val_accuracy peaks at the same epoch, so both validation numbers
# name the same best epoch; the training loss falls and the training accuracy rises to the end.
_SCRIPTED_LOGS = [
    {"loss": loss, "accuracy": accuracy, "val_loss": val_loss, "val_accuracy": val_accuracy}
    for loss, accuracy, val_loss, val_accuracy in zip(
        [1.2, 0.8, 0.55, 0.42, 0.33, 0.26, 0.2, 0.16, 0.12, 0.09, 0.07, 0.05],
        [0.6, 0.74, 0.82, 0.86, 0.89, 0.91, 0.93, 0.95, 0.96, 0.97, 0.98, 0.99],
        [0.9, 0.6, 0.45, 0.4, 0.42, 0.38, 0.41, 0.43, 0.44, 0.47, 0.5, 0.52],
        [0.7, 0.8, 0.86, 0.88, 0.87, 0.9, 0.89, 0.89, 0.88, 0.87, 0.86, 0.85],
    )
]

# The patience values the check asks make_callbacks for: two, so that a fixed number shows.
_PATIENCES = (2, 5)

# What fit's logs hold with a validation split and metrics=["accuracy"].
_LOGGED = ("loss", "accuracy", "val_loss", "val_accuracy")


def _scripted_run(stoppers):
    """Return ``(epochs run, epoch whose weights the model ends with)``, both counted from 1, for
    the EarlyStopping callbacks ``stoppers`` driven through :data:`_SCRIPTED_LOGS` as ``fit``
    drives them.

    The model is a tiny compiled classifier whose every weight is set to the epoch's number at the
    end of each epoch, so the weights it is left with name the epoch they come from.
    """
    keras = import_keras()
    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    # Build the compiled metrics, so that mode="auto" can learn that accuracy should go up.
    model.compute_metrics(None, np.zeros(1), np.array([[0.5, 0.5]]), None)
    model.stop_training = False  # fit sets it; the callbacks read and write it
    for stopper in stoppers:
        stopper.set_model(model)
        stopper.on_train_begin()
    epochs_run = len(_SCRIPTED_LOGS)
    for epoch, logs in enumerate(_SCRIPTED_LOGS):
        model.set_weights([np.full_like(w, epoch + 1) for w in model.get_weights()])
        for stopper in stoppers:
            stopper.on_epoch_end(epoch, dict(logs))
        if model.stop_training:
            epochs_run = epoch + 1
            break
    for stopper in stoppers:
        stopper.on_train_end()
    return epochs_run, int(round(float(model.get_weights()[0].reshape(-1)[0])))


def _reference_run(patience, monitor="val_loss"):
    """``(epochs run, epoch restored)`` of the right callback on the scripted run."""
    keras = import_keras()
    stopper = keras.callbacks.EarlyStopping(
        monitor=monitor, patience=patience, restore_best_weights=True
    )
    return _scripted_run([stopper])


def _changed_settings(stopper):
    """What the settings of ``stopper`` other than the four of the exercise do, where they are
    not Keras's defaults: one phrase each."""
    changed = []
    if stopper.min_delta != 0:
        changed.append(f"min_delta={abs(stopper.min_delta)} (a smaller improvement does not count)")
    if stopper.baseline is not None:
        changed.append(f"baseline={stopper.baseline} (a value to beat before anything counts)")
    if stopper.start_from_epoch != 0:
        changed.append(f"start_from_epoch={stopper.start_from_epoch} (epochs it ignores at the start)")
    return changed


@exercise_check
def check_callbacks(make_callbacks):
    """Notebook 08, exercise 2: check a learner's ``make_callbacks(patience)``: a list of Keras
    callbacks that stops training once the validation loss has gone ``patience`` epochs without a
    new low and puts back the weights of the best epoch.

    The callbacks are read (an ``EarlyStopping`` that monitors ``val_loss``, or ``val_accuracy``
    with a mode that makes higher better, with the given ``patience`` and
    ``restore_best_weights``), then driven through a scripted run whose logs the check chose, where
    the right callback's stop and restored epoch are known from Keras's own ``EarlyStopping``.
    """
    keras = import_keras()
    hint = (
        "Read the four settings of EarlyStopping described above the exercise: which number it "
        "watches, which way is better, how long it waits, and what it leaves in the model."
    )
    answers = []
    for patience in _PATIENCES:
        call = f"make_callbacks({patience})"
        callbacks = _call(make_callbacks, (patience,), "make_callbacks", hint)
        if isinstance(callbacks, keras.callbacks.Callback):
            _fail(
                f"{call} returned one {type(callbacks).__name__}, not a list.",
                "fit(callbacks=...) takes a list of callbacks, even when there is only one.",
            )
        if not isinstance(callbacks, (list, tuple)):
            _fail(
                f"{call} returned a {type(callbacks).__name__}; expected a list of Keras callbacks.",
                hint,
            )
        stoppers = [c for c in callbacks if isinstance(c, keras.callbacks.EarlyStopping)]
        if not stoppers:
            if any(type(c).__name__ == "type" and "EarlyStopping" in repr(c) for c in callbacks):
                _fail(
                    f"the list from {call} holds the class EarlyStopping itself, not a callback "
                    "made from it.",
                    "Call the class, with its settings, to make the callback that fit runs.",
                )
            held = ", ".join(type(c).__name__ for c in callbacks)
            _fail(
                f"the list from {call} "
                + (f"holds {held}, but no" if held else "is empty: it holds no")
                + " keras.callbacks.EarlyStopping.",
                "The callback that stops training when a number stops improving is "
                "keras.callbacks.EarlyStopping (Keras's own class: the check cannot judge a "
                "subclass).",
            )
        if len(stoppers) > 1:
            _fail(
                f"the list from {call} holds {len(stoppers)} EarlyStopping callbacks; one is enough.",
                "One EarlyStopping does all of it: give it all the settings.",
            )
        answers.append((patience, call, stoppers[0]))

    for patience, call, stopper in answers:
        monitor, mode = stopper.monitor, stopper.mode
        if monitor in ("loss", "accuracy"):
            what = "training loss" if monitor == "loss" else "training accuracy"
            _fail(
                f"the EarlyStopping from {call} monitors {monitor!r}, the {what}: it keeps "
                "improving while the model learns its own training images by heart, so it does "
                "not notice over-fitting.",
                "Judge the model on the images it does not learn from: the validation split's "
                "numbers are logged under names that start with val_.",
            )
        if monitor not in _LOGGED:
            _fail(
                f"the EarlyStopping from {call} monitors {monitor!r}, a name fit does not log: with "
                "a validation split and metrics=['accuracy'], its logs hold "
                f"{', '.join(_LOGGED)}.",
                hint,
            )
        better = "lower" if monitor == "val_loss" else "higher"
        if (better, mode) in (("lower", "max"), ("higher", "min")):
            _fail(
                f"the EarlyStopping from {call} watches {monitor} with mode={mode!r}: it counts a "
                f"{'rising loss' if better == 'lower' else 'falling accuracy'} as an improvement.",
                f"For {monitor}, {better} is better: choose the mode that says so, or leave mode "
                "at 'auto' and let Keras tell from the name.",
            )
        if not stopper.restore_best_weights:
            _fail(
                f"the EarlyStopping from {call} leaves restore_best_weights off (Keras's default): "
                "it stops training, but the model keeps the weights of its last epoch, patience "
                "epochs past the best one.",
                "EarlyStopping puts the best epoch's weights back only when one of its settings "
                "asks it to.",
            )

    given = [stopper.patience for _, _, stopper in answers]
    if given[0] == given[1]:
        default = " (Keras's default)" if given[0] == 0 else ""
        _fail(
            f"make_callbacks ignores its argument: EarlyStopping's patience is {given[0]!r}{default} "
            f"for both {answers[0][1]} and {answers[1][1]}.",
            "Pass make_callbacks's patience on to EarlyStopping.",
        )
    for (patience, call, stopper), value in zip(answers, given):
        if value != patience:
            _fail(
                f"the EarlyStopping from {call} has patience={value!r}; expected {patience}, "
                "the argument.",
                "Pass make_callbacks's patience on to EarlyStopping unchanged.",
            )

    runs = []
    for patience, call, stopper in answers:
        epochs_run, restored = _scripted_run([stopper])
        expected = _reference_run(patience)
        if (epochs_run, restored) != expected:
            stopped = (
                f"stopped it after epoch {epochs_run}"
                if epochs_run < len(_SCRIPTED_LOGS)
                else f"did not stop it in {len(_SCRIPTED_LOGS)} epochs"
            )
            others = _changed_settings(stopper)
            _fail(
                f"on a scripted run of {len(_SCRIPTED_LOGS)} epochs, the EarlyStopping from {call} "
                f"{stopped} and left the weights of epoch {restored}; the right callback stops "
                f"{patience} epochs after the best epoch and puts that epoch's weights back"
                + (f". Its other settings move the stop: {'; '.join(others)}." if others else "."),
                "Leave EarlyStopping's other settings at their defaults.",
            )
        runs.append(epochs_run - restored)
    monitors = sorted({stopper.monitor for _, _, stopper in answers})
    _passed(
        f"make_callbacks({_PATIENCES[0]}) and make_callbacks({_PATIENCES[1]}) give an "
        f"EarlyStopping that watches {' and '.join(monitors)}; on a scripted run of "
        f"{len(_SCRIPTED_LOGS)} epochs they stop {runs[0]} and {runs[1]} epochs after the best one "
        "and put its weights back."
    )
