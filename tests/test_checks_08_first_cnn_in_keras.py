"""The checks of notebook 08, ``course_lib.checks.nb08_first_cnn_in_keras``, accept right answers and
reject wrong ones."""

import numpy as np
import pytest

from course_lib import checks
from course_lib.checks import nb08_first_cnn_in_keras as nb08


def _small_cnn_layers(first_padding="same", filters=16, kernel_size=5, flatten=True, softmax=True):
    from course_lib.session import import_tensorflow

    import_tensorflow()
    import keras

    layers = [
        keras.Input(shape=(28, 28, 1)),
        keras.layers.Conv2D(filters, kernel_size, padding=first_padding, activation="relu"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Conv2D(32, 3, activation="relu"),
        keras.layers.MaxPooling2D(2),
    ]
    layers += [keras.layers.Flatten()] if flatten else []
    layers += [keras.layers.Dense(10, activation="softmax" if softmax else None)]
    return keras, layers


def test_check_small_cnn_accepts_sequential_and_functional_models(capsys):
    keras, layers = _small_cnn_layers()
    checks.check_small_cnn(lambda: keras.Sequential(layers))

    def functional():
        inputs = keras.Input(shape=(28, 28, 1))
        x = inputs
        for layer in _small_cnn_layers()[1][1:]:
            x = layer(x)
        return keras.Model(inputs, x)

    checks.check_small_cnn(functional)
    output = capsys.readouterr().out
    assert output.count("Correct") == 2 and "16,586 parameters" in output


def test_check_small_cnn_accepts_activations_as_layers_of_their_own(passes):
    keras, layers = _small_cnn_layers(softmax=False)
    # Dense(10) then Softmax(): the same model as Dense(10, activation="softmax").
    passes(checks.check_small_cnn, lambda: keras.Sequential(layers + [keras.layers.Softmax()]))
    keras, layers = _small_cnn_layers(softmax=False)
    passes(checks.check_small_cnn, lambda: keras.Sequential(layers + [keras.layers.Activation("softmax")]))
    keras, layers = _small_cnn_layers()
    conv = layers[1]
    plain = keras.layers.Conv2D(16, 5, padding="same")
    assert conv.activation.__name__ == "relu"
    passes(checks.check_small_cnn, lambda: keras.Sequential([layers[0], plain, keras.layers.ReLU()] + layers[2:]))


def test_check_small_cnn_rejects_an_activation_layer_that_is_not_the_described_one():
    keras, layers = _small_cnn_layers(softmax=False)
    with pytest.raises(AssertionError, match="activation 'sigmoid' where the description asks for 'softmax'"):
        checks.check_small_cnn(lambda: keras.Sequential(layers + [keras.layers.Activation("sigmoid")]))
    keras, layers = _small_cnn_layers()
    with pytest.raises(AssertionError, match="remove the Softmax at the end"):
        checks.check_small_cnn(lambda: keras.Sequential(layers + [keras.layers.Softmax()]))


def test_check_small_cnn_rejects_valid_padding_and_wrong_filters():
    keras, layers = _small_cnn_layers(first_padding="valid")
    with pytest.raises(AssertionError, match=r"outputs \(24, 24, 16\)[\s\S]*padding='same' keeps"):
        checks.check_small_cnn(lambda: keras.Sequential(layers))
    keras, layers = _small_cnn_layers(filters=32)
    with pytest.raises(AssertionError, match=r"outputs \(28, 28, 32\): its channels are not the number of filters[\s\S]*number of filters sets the channels"):
        checks.check_small_cnn(lambda: keras.Sequential(layers))


def test_check_small_cnn_rejects_wrong_kernel_size_and_missing_softmax():
    keras, layers = _small_cnn_layers(kernel_size=3)
    with pytest.raises(AssertionError, match=r"has 160 parameters, fewer than the description's layer[\s\S]*kernel_size"):
        checks.check_small_cnn(lambda: keras.Sequential(layers))
    keras, layers = _small_cnn_layers(softmax=False)
    with pytest.raises(AssertionError, match=r"activation 'linear' where the description asks for 'softmax'"):
        checks.check_small_cnn(lambda: keras.Sequential(layers))


def test_check_small_cnn_rejects_missing_flatten_and_extra_layers():
    keras, layers = _small_cnn_layers(flatten=False)
    with pytest.raises(AssertionError, match=r"layer 5 is a Dense where the description has a Flatten[\s\S]*Flatten\(\) between"):
        checks.check_small_cnn(lambda: keras.Sequential(layers))
    keras, layers = _small_cnn_layers()
    with pytest.raises(AssertionError, match="remove the Dense at the end"):
        checks.check_small_cnn(lambda: keras.Sequential(layers + [keras.layers.Dense(10)]))
    with pytest.raises(AssertionError, match="a Dense is missing at the end"):
        checks.check_small_cnn(lambda: keras.Sequential(layers[:-1]))


def test_check_small_cnn_rejects_no_input_none_and_a_stub():
    keras, layers = _small_cnn_layers()
    with pytest.raises(AssertionError, match="no input shape yet"):
        checks.check_small_cnn(lambda: keras.Sequential(layers[1:]))
    with pytest.raises(AssertionError, match=r"input has shape \(32, 32, 3\)"):
        checks.check_small_cnn(
            lambda: keras.Sequential([keras.Input(shape=(32, 32, 3))] + layers[1:])
        )
    with pytest.raises(AssertionError, match="returned None"):
        checks.check_small_cnn(lambda: None)
    with pytest.raises(AssertionError, match="not a Keras model"):
        checks.check_small_cnn(lambda: layers)
    with pytest.raises(AssertionError, match="not attempted yet"):
        checks.check_small_cnn(lambda: (_ for _ in ()).throw(NotImplementedError))


def _accuracy_right(probabilities, labels):
    return np.mean(np.argmax(probabilities, axis=1) == labels)


def test_check_accuracy_accepts_numpy_and_keras_answers(capsys):
    import keras

    checks.check_accuracy(_accuracy_right)
    checks.check_accuracy(lambda p, y: float(_accuracy_right(p, y)))
    checks.check_accuracy(
        lambda p, y: keras.ops.mean(
            keras.ops.cast(keras.ops.equal(keras.ops.argmax(p, axis=-1), y), "float32")
        )
    )
    assert capsys.readouterr().out.count("Correct") == 3


def test_check_accuracy_rejects_a_missing_argmax_and_a_wrong_axis():
    with pytest.raises(AssertionError, match="mean probability of the right class"):
        checks.check_accuracy(lambda p, y: p[np.arange(len(y)), y].mean())
    with pytest.raises(AssertionError, match=r"argmax along axis 0, which finds the best example"):
        checks.check_accuracy(lambda p, y: np.mean(p.argmax(axis=0) == y))
    with pytest.raises(AssertionError, match="argmax without an axis"):
        checks.check_accuracy(lambda p, y: np.mean(p.argmax() == y))
    with pytest.raises(AssertionError, match="share of probabilities equal to a label"):
        checks.check_accuracy(lambda p, y: np.mean(p == y))


def test_check_accuracy_rejects_counts_percentages_errors_and_arrays():
    with pytest.raises(AssertionError, match="number of right answers"):
        checks.check_accuracy(lambda p, y: np.sum(p.argmax(axis=1) == y))
    with pytest.raises(AssertionError, match="a percentage"):
        checks.check_accuracy(lambda p, y: 100 * _accuracy_right(p, y))
    with pytest.raises(AssertionError, match="error rate"):
        checks.check_accuracy(lambda p, y: 1 - _accuracy_right(p, y))
    with pytest.raises(AssertionError, match=r"returned 10 values[\s\S]*average them"):
        checks.check_accuracy(lambda p, y: p.argmax(axis=1) == y)
    with pytest.raises(AssertionError, match="returned None"):
        checks.check_accuracy(lambda p, y: None)
    with pytest.raises(AssertionError, match="mean confidence"):
        checks.check_accuracy(lambda p, y: p.max(axis=1).mean())


def _early_stopping(**settings):
    import keras

    return keras.callbacks.EarlyStopping(**settings)


def _make_callbacks(**fixed):
    """A make_callbacks(patience) that builds the right EarlyStopping, changed by ``fixed``."""

    def make_callbacks(patience):
        settings = {"monitor": "val_loss", "patience": patience, "restore_best_weights": True}
        return [_early_stopping(**{**settings, **fixed})]

    return make_callbacks


def test_scripted_run_stops_patience_epochs_after_the_best_whichever_validation_number():
    best = int(np.argmin([logs["val_loss"] for logs in nb08._SCRIPTED_LOGS])) + 1
    assert best == int(np.argmax([logs["val_accuracy"] for logs in nb08._SCRIPTED_LOGS])) + 1
    for patience in nb08._PATIENCES:
        for monitor in ("val_loss", "val_accuracy"):
            assert nb08._reference_run(patience, monitor) == (best + patience, best)
        assert best + patience < len(nb08._SCRIPTED_LOGS), "the right callback stops before the end"
    without_restoring = nb08._scripted_run([_early_stopping(patience=2)])
    assert without_restoring == (best + 2, best + 2), "without restoring, the last epoch's weights"


def test_check_callbacks_accepts_val_loss_val_accuracy_tuples_and_other_callbacks(capsys, tmp_path):
    import keras

    checks.check_callbacks(_make_callbacks())
    checks.check_callbacks(_make_callbacks(monitor="val_accuracy"))
    checks.check_callbacks(_make_callbacks(monitor="val_accuracy", mode="max"))
    checks.check_callbacks(_make_callbacks(mode="min", verbose=1))
    checks.check_callbacks(lambda p: (_early_stopping(patience=p, restore_best_weights=True),))
    checks.check_callbacks(
        lambda p: [
            keras.callbacks.ModelCheckpoint(tmp_path / "best.keras", save_best_only=True),
            _early_stopping(patience=p, restore_best_weights=True),
        ]
    )
    output = capsys.readouterr().out
    assert output.count("Correct") == 6 and "stop 2 and 5 epochs after the best one" in output
    assert "early stopping" not in output and "Restoring" not in output, "verbose=1 prints nothing"


def test_check_callbacks_rejects_missing_restore_and_training_numbers():
    with pytest.raises(AssertionError, match=r"leaves restore_best_weights off[\s\S]*last epoch"):
        checks.check_callbacks(_make_callbacks(restore_best_weights=False))
    with pytest.raises(AssertionError, match=r"monitors 'loss', the training loss[\s\S]*val_"):
        checks.check_callbacks(_make_callbacks(monitor="loss"))
    with pytest.raises(AssertionError, match="monitors 'accuracy', the training accuracy"):
        checks.check_callbacks(_make_callbacks(monitor="accuracy", mode="max"))
    with pytest.raises(AssertionError, match="'val_acc', a name fit does not log"):
        checks.check_callbacks(_make_callbacks(monitor="val_acc"))


def test_check_callbacks_rejects_a_mode_that_points_the_wrong_way():
    with pytest.raises(AssertionError, match=r"val_accuracy with mode='min'[\s\S]*higher is better"):
        checks.check_callbacks(_make_callbacks(monitor="val_accuracy", mode="min"))
    with pytest.raises(AssertionError, match=r"val_loss with mode='max'[\s\S]*lower is better"):
        checks.check_callbacks(_make_callbacks(mode="max"))


def test_check_callbacks_rejects_an_ignored_or_changed_patience():
    with pytest.raises(AssertionError, match=r"ignores its argument[\s\S]*patience is 0 \(Keras's default\)"):
        checks.check_callbacks(lambda p: [_early_stopping(restore_best_weights=True)])
    with pytest.raises(AssertionError, match=r"ignores its argument[\s\S]*patience is 3 for both"):
        checks.check_callbacks(_make_callbacks(patience=3))
    with pytest.raises(AssertionError, match=r"make_callbacks\(2\) has patience=3; expected 2"):
        checks.check_callbacks(lambda p: [_early_stopping(patience=p + 1, restore_best_weights=True)])


def test_check_callbacks_names_the_settings_that_move_the_stop():
    with pytest.raises(AssertionError, match=r"stopped it after epoch 5[\s\S]*min_delta=0.05"):
        checks.check_callbacks(_make_callbacks(min_delta=0.05))
    with pytest.raises(AssertionError, match="baseline=0.3"):
        checks.check_callbacks(_make_callbacks(baseline=0.3))
    with pytest.raises(AssertionError, match="start_from_epoch=7"):
        checks.check_callbacks(_make_callbacks(start_from_epoch=7))


def test_check_callbacks_rejects_what_is_not_a_list_of_one_early_stopping(tmp_path):
    import keras

    with pytest.raises(AssertionError, match=r"returned one EarlyStopping, not a list"):
        checks.check_callbacks(lambda p: _early_stopping(patience=p, restore_best_weights=True))
    with pytest.raises(AssertionError, match="is empty: it holds no keras.callbacks.EarlyStopping"):
        checks.check_callbacks(lambda p: [])
    with pytest.raises(AssertionError, match="holds ModelCheckpoint, but no keras.callbacks.EarlyStopping"):
        checks.check_callbacks(lambda p: [keras.callbacks.ModelCheckpoint(tmp_path / "m.keras")])
    with pytest.raises(AssertionError, match="the class EarlyStopping itself"):
        checks.check_callbacks(lambda p: [keras.callbacks.EarlyStopping])
    with pytest.raises(AssertionError, match="holds 2 EarlyStopping callbacks"):
        checks.check_callbacks(lambda p: _make_callbacks()(p) * 2)
    with pytest.raises(AssertionError, match="returned a dict; expected a list"):
        checks.check_callbacks(lambda p: {"early_stopping": _make_callbacks()(p)[0]})
    with pytest.raises(AssertionError, match="returned None"):
        checks.check_callbacks(lambda p: None)


def test_check_callbacks_cannot_judge_a_subclass():
    import keras

    class Stopper(keras.callbacks.EarlyStopping):
        pass

    with pytest.raises(AssertionError, match=r"holds Stopper, but no[\s\S]*cannot judge a subclass"):
        checks.check_callbacks(lambda p: [Stopper(patience=p, restore_best_weights=True)])


def test_an_early_stopping_reaches_the_verdict_as_its_settings_only():
    from course_lib.checks import _common

    stopper = _early_stopping(monitor="val_accuracy", patience=np.int64(4), min_delta=-0.01,
                              restore_best_weights=True, verbose=1)
    data = _common._encode([stopper])
    copy = _common._decode(data)[0]
    assert copy is not stopper and type(copy) is type(stopper)
    assert (copy.monitor, copy.patience, copy.min_delta, copy.restore_best_weights, copy.verbose) == (
        "val_accuracy", 4, 0.01, True, 0,
    )


def right_answers():
    """Check name -> the arguments of one right answer (tests/test_every_check.py uses them)."""
    keras, layers = _small_cnn_layers()
    return {
        "check_small_cnn": (lambda: keras.Sequential(layers),),
        "check_accuracy": (_accuracy_right,),
        "check_callbacks": (_make_callbacks(),),
    }
