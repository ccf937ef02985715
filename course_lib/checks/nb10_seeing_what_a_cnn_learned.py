"""Checks for the exercises of notebook 10, ``notebooks/10_seeing_what_a_cnn_learned.ipynb``."""

import numpy as np

from course_lib.checks._common import (
    CheckFailed, exercise_check, _call, _call_array, _fail, _judge_cases, _passed, _read_shape, _same_array,
)


def _maps_shape_models():
    """``(model, [(layer name, input size), ...])``: small CNNs built for any input size."""
    from course_lib.session import import_tensorflow

    import_tensorflow()  # quietly, before Keras imports it
    import keras
    from keras import layers

    first = keras.Sequential(
        [
            keras.Input((None, None, 3)),
            layers.Conv2D(8, 3, padding="same", activation="relu", name="c1"),
            layers.MaxPooling2D(2, name="p1"),
            layers.Conv2D(16, 5, name="c2"),
            layers.MaxPooling2D(3, strides=2, name="p2"),
            layers.Conv2D(4, 3, strides=2, padding="same", name="c3"),
        ],
        name="check_cnn_1",
    )
    second = keras.Sequential(
        [
            keras.Input((None, None, 1)),
            layers.Conv2D(6, 7, strides=2, name="stem"),
            layers.Dropout(0.5, name="drop"),
            layers.MaxPooling2D(2, padding="same", name="pool"),
            layers.Conv2D(12, 3, name="conv"),
            layers.GlobalAveragePooling2D(name="gap"),
        ],
        name="check_cnn_2",
    )
    return [
        (first, [("c1", 32), ("p1", 32), ("c2", 32), ("p2", 32), ("c3", 32), ("c3", 45), ("p2", 29)]),
        (second, [("stem", 28), ("pool", 28), ("conv", 28), ("pool", 41), ("conv", 64)]),
    ]


def _walk(model, name, input_size, ignore=None):
    """The ``(H, W, C)`` maps of layer ``name`` by following ``model``'s Conv2D and pooling
    layers, with one thing ``ignore``d as a learner may: ``"padding"``, ``"strides"``,
    ``"filters"`` or ``"pooling"``. None when the walk cannot be made."""
    from course_lib.conv import output_size

    size, channels = input_size, model.inputs[0].shape[-1]
    for layer in model.layers:
        kind = type(layer).__name__
        window = {"Conv2D": "kernel_size", "MaxPooling2D": "pool_size"}.get(kind)
        if window and not (kind == "MaxPooling2D" and ignore == "pooling"):
            strides = 1 if ignore == "strides" else layer.strides[0]
            padding = "valid" if ignore == "padding" else layer.padding
            try:
                size = output_size(size, getattr(layer, window)[0], strides, padding)
            except ValueError:
                return None
            if kind == "Conv2D" and ignore != "filters":
                channels = layer.filters
        if layer.name == name:
            return (size, size, channels)
    return None


@exercise_check
def check_maps_shape(maps_shape):
    """Notebook 10, exercise 1: check a learner's ``maps_shape(model, name, input_size)``: the ``(H, W, C)`` maps of one layer.

    The models are built for inputs of any size (``keras.Input((None, None, C))``), so their
    ``layer.output.shape`` holds ``None`` and the sizes must be computed. The expected shape comes
    from running the model on an image of zeros.
    """
    import keras

    hint = (
        "walk through model.layers from the first to the layer called name: every convolution and "
        "pooling layer changes the size according to its window, strides and padding, and a "
        "convolution's number of filters sets the channels."
    )
    answers, expected, calls = [], [], []
    mistakes = {ignore: [] for ignore in ("padding", "strides", "filters", "pooling")}
    pending = None
    try:
        for model, cases in _maps_shape_models():
            channels_in = model.inputs[0].shape[-1]
            for name, input_size in cases:
                layer = model.get_layer(name)
                probe = keras.Model(model.inputs, layer.output)
                zeros = np.zeros((1, input_size, input_size, channels_in), dtype=np.float32)
                expected.append(tuple(int(v) for v in probe([zeros]).shape[1:]))  # inputs: a list of one
                for ignore, predictions in mistakes.items():
                    predictions.append(_walk(model, name, input_size, ignore))
                where = f"for layer {name!r} of {model.name} on a {input_size}x{input_size} input"
                calls.append(f"maps_shape {where}")
                answer = _call(maps_shape, (model, name, input_size), "maps_shape", hint)
                answer = _read_shape(answer, calls[-1], hint, "a tuple of 3 ints")
                if len(answer) == 4 and answer[1:] == expected[-1]:
                    _fail(
                        f"maps_shape returned {answer} {where}: with a batch axis.",
                        "return the shape of one image's maps, (H, W, C), without the batch.",
                    )
                answers.append(answer)
    except CheckFailed as failure:  # judged after the cases before it
        pending = failure
    known = [
        (mistakes["padding"], "treats every layer as padding='valid'",
         "'same' padding keeps one position per stride step, rounded up; 'valid' only the positions "
         "where the whole window fits."),
        (mistakes["strides"], "moves every window one pixel at a time",
         "a layer with strides s moves its window s pixels at a time: the size shrinks about s-fold."),
        (mistakes["filters"], "keeps the input's channels",
         "a Conv2D layer makes as many channels as it has filters; pooling keeps the channels it gets."),
        (mistakes["pooling"], "leaves out the pooling layers", "pooling layers change the size too."),
    ]

    def channels_or_size(answer, right):
        if len(answer) == 3 and answer[:2] == right[:2]:
            return "right in height and width, but not in channels"
        return "not the layer's shape"

    _judge_cases(answers, expected, calls.__getitem__, known, hint,
                 same=lambda a, b: a == b, direction=channels_or_size, pending=pending)
    _passed("maps_shape gives the shape of every layer tried, in two models and several input sizes.")


def _activation_cases():
    """``(activations, channel, expected, mean_winner, other_winner)``: random maps with three decoys.

    In ``channel``, image ``expected`` holds the largest single value and image ``mean_winner`` the
    largest mean; image ``other_winner`` holds a still larger value in another channel.
    """
    rng = np.random.default_rng(10)
    cases = []
    for images, size, channels, channel in [(7, 4, 5, 2), (12, 6, 3, 0), (5, 3, 8, 7), (9, 5, 4, 3)]:
        activations = rng.uniform(0, 1, (images, size, size, channels)).astype(np.float32)
        spike, flat, other = (int(n) for n in rng.choice(images, 3, replace=False))
        activations[spike, rng.integers(size), rng.integers(size), channel] = 5.0
        activations[flat, :, :, channel] = 3.0  # the largest mean, but not the largest value
        activations[other, rng.integers(size), rng.integers(size), (channel + 1) % channels] = 9.0
        cases.append((activations, channel, spike, flat, other))
    return cases


@exercise_check
def check_most_exciting_image(most_exciting_image):
    """Notebook 10, exercise 2: check a learner's ``most_exciting_image(activations, channel)``.

    ``activations`` is ``(images, H, W, channels)``; the answer is the index of the image whose map
    for ``channel`` holds the largest value. In every case one image has the largest single value
    and another the largest mean, and a third image holds an even larger value in another channel.
    """
    hint = (
        "look at the given channel only: find each image's largest value in that channel's map, "
        "and return the index of the image where it is largest."
    )
    cases = _activation_cases()
    answers = []
    pending = None
    try:
        for activations, channel, _, _, _ in cases:
            where = f"for activations of shape {activations.shape} and channel {channel}"
            answer = _call(
                most_exciting_image, (activations.copy(), channel), "most_exciting_image", hint
            )
            if np.ndim(answer) != 0:
                _fail(
                    f"most_exciting_image returned {np.size(answer)} values {where}; expected one index.",
                    hint,
                )
            if not isinstance(answer, (int, np.integer)) or isinstance(answer, bool):
                _fail(
                    f"most_exciting_image returned {answer!r} ({type(answer).__name__}) {where}; "
                    "expected an int, an image index.",
                    hint,
                )
            answers.append(int(answer))
    except CheckFailed as failure:  # judged after the cases before it
        pending = failure
    mistakes = [
        ([c[3] for c in cases], "picks the image with the largest mean",
         "the unit responds most where a single value is largest: look at each image's maximum, not its mean."),
        ([c[4] for c in cases], "picks the largest value of another channel",
         "look at the given channel only. " + hint),
        ([int(a[:, :, :, c].argmax()) for a, c, _, _, _ in cases],
         "gives the position of the largest value among all images * H * W values, not an image index",
         "argmax of a whole (images, H, W) array counts every value; take the maximum per image first. "
         + hint),
    ]
    images = len(next((c[0] for a, c in zip(answers, cases) if a != c[2]), cases[0][0]))
    _judge_cases(
        answers, [c[2] for c in cases],
        lambda i: f"most_exciting_image for activations of shape {cases[i][0].shape} and channel {cases[i][1]}",
        mistakes, hint, same=lambda a, b: a == b,
        direction=lambda a, b: "not the image with the strongest response" if 0 <= a < images
        else f"not an image index: there are only {images} images",
        pending=pending,
    )
    _passed("most_exciting_image finds the image with the strongest response in every case.")


def _cam_cases():
    """``(maps, weights, c)``: non-negative maps (after ReLU) and signed Dense weights, seeded."""
    rng = np.random.default_rng(2016)
    cases = []
    for (h, w, k, classes), c in [((5, 5, 8, 3), 1), ((4, 6, 5, 10), 7), ((3, 3, 4, 4), 2), ((7, 7, 16, 10), 0)]:
        maps = np.maximum(rng.normal(size=(h, w, k)), 0)
        weights = rng.normal(size=(k, classes))
        cases.append((maps, weights, c))
    return cases


@exercise_check
def check_class_activation_map(class_activation_map):
    """Notebook 10, exercise 3: check a learner's ``class_activation_map(maps, weights, c)``: ``sum_k weights[k, c] * maps[:, :, k]``.

    ``maps`` is ``(H, W, K)`` and ``weights`` is ``(K, classes)``; the answer is ``(H, W)``, without
    ReLU or scaling. The cases include a square ``weights`` (``K == classes``), where using the
    row ``weights[c]`` instead of the column gives the right shape but the wrong map.
    """
    hint = (
        "weigh each of the K maps by the weight that connects it to class c (weights is "
        "(K, classes)), and add the weighted maps up."
    )
    for maps, weights, c in _cam_cases():
        expected = np.tensordot(maps, weights[:, c], axes=([2], [0]))
        where = f"for maps of shape {maps.shape}, weights of shape {weights.shape} and c = {c}"
        answer = _call_array(
            class_activation_map, (maps.copy(), weights.copy(), c), "class_activation_map", hint,
            not_numbers="class_activation_map returned a {type}, not an array.",
        )
        if answer.shape == expected.shape and not np.allclose(answer, expected, atol=1e-6):
            if np.allclose(answer, np.maximum(expected, 0), atol=1e-6):
                _fail(
                    f"the map has its negative values set to 0 {where}.",
                    "the CAM keeps negative values (evidence against the class); do not apply ReLU.",
                )
            if np.allclose(answer, expected / maps.shape[-1], atol=1e-6):
                _fail(
                    f"the map is the right one divided by K = {maps.shape[-1]} {where}.",
                    "sum over the K maps; do not average them.",
                )
            if weights.shape[0] == weights.shape[1] and np.allclose(
                answer, maps @ weights[c], atol=1e-6
            ):
                _fail(
                    f"the map uses the row weights[{c}] {where}, but class {c}'s weights are a column.",
                    "weights has shape (K, classes): the weights of class c are a column, one per "
                    "map, not a row.",
                )
            low, high = expected.min(), expected.max()
            if np.allclose(answer, (expected - low) / (high - low), atol=1e-6) or np.allclose(
                answer, expected / np.abs(expected).max(), atol=1e-6
            ):
                _fail(
                    f"the map is rescaled {where}.",
                    "return the raw sum; scale it only when you draw it.",
                )
        _same_array(answer, expected, f"the map {where}", hint, atol=1e-6)
    _passed("class_activation_map equals sum_k weights[k, c] * maps[:, :, k] on every case.")
