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


def test_restored_epoch_cases_agree_with_numpy_and_run_their_full_length():
    for history in nb08._HISTORY_CASES:
        restored, epochs_run = nb08._restored_by_keras(history["val_loss"])
        assert restored == int(np.argmin(history["val_loss"])) + 1
        assert epochs_run == len(history["val_loss"]), "a history longer than EarlyStopping allows"
        assert len({len(v) for v in history.values()}) == 1


def test_check_restored_epoch_accepts_argmin_and_a_loop(capsys):
    def loop(history):
        best, best_epoch = float("inf"), 0
        for epoch, value in enumerate(history["val_loss"], start=1):
            if value < best:
                best, best_epoch = value, epoch
        return best_epoch

    checks.check_restored_epoch(lambda h: int(np.argmin(h["val_loss"])) + 1)
    checks.check_restored_epoch(lambda h: np.argmin(h["val_loss"]) + 1)  # a NumPy integer is fine
    checks.check_restored_epoch(loop)
    assert capsys.readouterr().out.count("Correct") == 3


def test_check_restored_epoch_rejects_zero_based_and_last_epochs():
    with pytest.raises(AssertionError, match=r"returned 2: it counts the epochs from 0, but Keras and the curves count from 1"):
        checks.check_restored_epoch(lambda h: int(np.argmin(h["val_loss"])))
    with pytest.raises(AssertionError, match="it gives the last epoch"):
        checks.check_restored_epoch(lambda h: len(h["val_loss"]))


def test_check_restored_epoch_rejects_other_monitors():
    with pytest.raises(AssertionError, match="lowest training loss"):
        checks.check_restored_epoch(lambda h: int(np.argmin(h["loss"])) + 1)
    with pytest.raises(AssertionError, match="highest val_accuracy"):
        checks.check_restored_epoch(lambda h: int(np.argmax(h["val_accuracy"])) + 1)


def test_check_restored_epoch_rejects_the_later_of_a_tie_floats_and_a_crash():
    def last_minimum(history):
        losses = np.asarray(history["val_loss"])
        return int(np.flatnonzero(losses == losses.min())[-1]) + 1

    with pytest.raises(AssertionError, match=r"later of two epochs[\s\S]*strictly lower"):
        checks.check_restored_epoch(last_minimum)
    with pytest.raises(AssertionError, match="expected a whole number"):
        checks.check_restored_epoch(lambda h: float(np.argmin(h["val_loss"]) + 1))
    with pytest.raises(AssertionError, match="raised KeyError"):
        checks.check_restored_epoch(lambda h: h["val_los"])


def right_answers():
    """Check name -> the arguments of one right answer (tests/test_every_check.py uses them)."""
    keras, layers = _small_cnn_layers()
    return {
        "check_small_cnn": (lambda: keras.Sequential(layers),),
        "check_accuracy": (_accuracy_right,),
        "check_restored_epoch": (lambda history: int(np.argmin(history["val_loss"])) + 1,),
    }
