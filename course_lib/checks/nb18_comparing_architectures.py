"""Checks for the exercises of notebook 18, ``notebooks/18_comparing_architectures.ipynb``."""

import numpy as np

from course_lib.session import import_keras
from course_lib.checks._common import exercise_check, _call, _fail, _passed, _run, _same_array


def _photo_batches():
    """RGB batches with values 0-255 whose channels all differ, so a channel mix-up shows."""
    rng = np.random.default_rng(18)
    return [
        rng.uniform(0, 255, size=shape).astype(np.float32)
        for shape in [(1, 4, 5, 3), (3, 2, 2, 3), (2, 7, 3, 3)]
    ]


@exercise_check
def check_caffe_preprocess(caffe_preprocess):
    """Notebook 18, exercise 1: check a learner's ``caffe_preprocess(x)`` against ``keras.applications.resnet50.preprocess_input``.

    ``x`` is a float32 batch ``(N, H, W, 3)`` of RGB values 0-255; the answer must equal Keras's
    result (on a copy) and must leave ``x`` unchanged.
    """
    keras = import_keras()
    mean_bgr = np.array([103.939, 116.779, 123.68])
    hint = (
        "Keras's 'caffe' preprocessing turns the channels from RGB into BGR, then subtracts "
        "ImageNet's mean pixel, written in BGR order; it does not scale the values."
    )
    for x in _photo_batches():
        expected = keras.applications.resnet50.preprocess_input(x.copy()).astype(np.float64)
        given = x.copy()
        answer = _call(caffe_preprocess, (given,), "caffe_preprocess", hint)
        case = f"caffe_preprocess on a batch of shape {x.shape}"
        if not np.array_equal(given, x):
            _fail(
                f"{case} changed the array it was given.",
                "Build a new array instead of changing x in place (with -= or by assigning into "
                "it); the caller may still need the original pixels.",
            )
        try:
            values = np.asarray(answer, dtype=np.float64)
        except (TypeError, ValueError):
            values = None
        if values is not None and values.shape == expected.shape:
            known = [
                (x - mean_bgr, "the mean is subtracted but the channels are still in RGB order"),
                (x - mean_bgr[::-1], "the channels are still in RGB order (the mean is RGB too)"),
                (x[..., ::-1] - mean_bgr[::-1], "the mean is subtracted in RGB order: after the flip the mean must "
                                                "be BGR, and the mean is subtracted after the flip, not before"),
                (x[..., ::-1], "the channels are reversed but the mean is not subtracted"),
                (x / 127.5 - 1, "that is MobileNet's preprocessing ([-1, 1]), not ResNet50's"),
                (x[..., ::-1] / 255 - mean_bgr / 255, "the values were scaled to [0, 1] first"),
            ]
            for wrong, problem in known:
                if np.allclose(values, wrong, atol=1e-3):
                    _fail(f"{case}: {problem}.", hint)
        _same_array(answer, expected, case, hint, atol=1e-3)
    _passed("caffe_preprocess equals keras.applications.resnet50.preprocess_input and keeps its input.")


@exercise_check
def check_unfreeze_top(unfreeze_top):
    """Notebook 18, exercise 2: check a learner's ``unfreeze_top(base, n)`` on frozen MobileNet bases (``alpha=0.25``).

    After the call the base must be trainable as a whole, and of the layers that have weights,
    exactly those among the last ``n`` layers trainable, except the ``BatchNormalization`` ones
    (a layer without weights, such as a ReLU, trains nothing whatever its flag). One case has
    ``n = 0``, where no layer may train: there a base left frozen as a whole is right too (and
    ``base.layers[-n:]`` is every layer, ``base.layers[:-n]`` none).
    """
    keras = import_keras()
    hint = (
        "make the base trainable as a whole first (a frozen model hides all its weights), then "
        "give each layer its own flag: trainable only if it is one of the last n layers, no more "
        "and no fewer, and not a batch normalization."
    )
    then_hint = hint[0].upper() + hint[1:]
    base = keras.applications.MobileNet(input_shape=(32, 32, 3), alpha=0.25, include_top=False, weights=None, pooling="avg")
    layers = base.layers
    weighted = [i for i, layer in enumerate(layers) if layer.weights]  # the flags that decide what trains
    batch_norm = [isinstance(layer, keras.layers.BatchNormalization) for layer in layers]
    for n in (6, 1, 20, 0):
        base.trainable = False  # freezes the base and every layer in it again: a fresh frozen base for each case
        _run(unfreeze_top, (base, n), "unfreeze_top", hint)
        case = f"unfreeze_top(base, {n})"
        if not base.trainable:
            if n == 0:
                continue  # nothing trains, as n = 0 asks
            _fail(
                f"after {case} the base is still frozen as a whole (base.trainable is False), so "
                "none of its weights would train.",
                hint,
            )
        expected = [i >= len(layers) - n and not batch_norm[i] for i in range(len(layers))]
        got = [layer.trainable for layer in layers]
        wrong = [i for i in weighted if got[i] != expected[i]]
        if not wrong:
            continue
        if all(batch_norm[i] for i in wrong):
            _fail(
                f"after {case} the batch normalization layer '{layers[wrong[0]].name}' is trainable.",
                "Keep every BatchNormalization frozen: its moving statistics describe the "
                "pretraining data. " + then_hint,
            )
        if n == 0 and all(got[i] for i in weighted if not batch_norm[i]):
            _fail(
                f"after {case} every layer of the base but the batch normalizations is trainable, "
                "but with n = 0 no layer should train.",
                "A slice with -n goes wrong when n is 0, because -0 is 0: base.layers[-0:] is every "
                "layer and base.layers[:-0] is none. Choose the layers by comparing each one's "
                "position with len(base.layers) - n instead.",
            )
        if all(got[i] for i in weighted):
            _fail(f"after {case} every layer of the base is trainable.", hint)
        trained = [i for i, flag in enumerate(got) if flag]
        if trained and trained[0] in (len(layers) - n - 1, len(layers) - n + 1):
            _fail(f"after {case} the trainable layers start one layer off: {len(trained)} are trainable.",
                  "Count the last n layers exactly: the first of them is n layers from the end. " + then_hint)
        layer = layers[wrong[0]]
        flag = "trainable" if layer.trainable else "frozen"
        where = "one of" if wrong[0] >= len(layers) - n else "not among"
        _fail(f"after {case} layer '{layer.name}', which has weights and is {where} the last {n} layers, "
              f"is {flag}.", hint)
    _passed("unfreeze_top makes the last n layers trainable, batch normalization frozen, for n = 6, 1, 20 and 0.")
