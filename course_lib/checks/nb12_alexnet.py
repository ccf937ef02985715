"""Checks for the exercises of notebook 12, ``notebooks/12_alexnet.ipynb``."""

import numpy as np

from course_lib.checks._common import exercise_check, _call_array, _fail, _passed, _run, _same_array
from course_lib.session import import_keras


def _lrn_cases():
    """``(a, n, k, alpha, beta)``: maps on the last axis, large enough that alpha matters."""
    rng = np.random.default_rng(12)
    return [
        (np.abs(rng.normal(scale=60, size=(2, 3, 4, 8))).astype(np.float32), 5, 2.0, 1e-4, 0.75),
        (np.abs(rng.normal(scale=30, size=(5, 7))).astype(np.float32), 3, 1.0, 1e-3, 0.5),
        (rng.normal(scale=100, size=(6,)).astype(np.float32), 5, 2.0, 1e-4, 0.75),
        (np.ones((1, 1, 1, 5), np.float32), 5, 2.0, 1e-4, 0.75),
    ]


def _lrn_reference(a, n, k, alpha, beta, tf):
    """The paper's formula through ``tf.nn.local_response_normalization`` (maps on the last axis)."""
    x = a.reshape((-1, 1, 1, a.shape[-1]))
    y = tf.nn.local_response_normalization(x, depth_radius=n // 2, bias=k, alpha=alpha, beta=beta)
    return y.numpy().reshape(a.shape).astype(np.float64)


@exercise_check
def check_lrn(lrn):
    """Notebook 12, exercise 1: check a learner's ``lrn(a, n=5, k=2.0, alpha=1e-4, beta=0.75)``: AlexNet's local response normalisation.

    ``a`` holds maps on its last axis; the expected values come from
    ``tf.nn.local_response_normalization`` with ``depth_radius = n // 2``.
    """
    from course_lib.session import import_tensorflow

    tf = import_tensorflow()
    hint = (
        "for each map i, add up the squares of the maps in a window of n maps centred on i (cut "
        "at the first and the last map), then divide map i by k plus alpha times that sum, raised "
        "to the power beta. The maps are on the last axis, whatever axes come before it."
    )
    for a, n, k, alpha, beta in _lrn_cases():
        expected = _lrn_reference(a, n, k, alpha, beta, tf)
        case = f"lrn(a of shape {a.shape}, n={n}, k={k}, alpha={alpha}, beta={beta})"
        values = _call_array(
            lrn, (a.copy(), n, k, alpha, beta), "lrn", hint,
            not_numbers=case + " should be a numeric array; received {type}.",
        )
        if values.shape == expected.shape and not np.allclose(values, expected, rtol=1e-4):
            mistakes = [
                (_lrn_reference(a, n, k, alpha / n, beta, tf),
                 ("alpha is divided by n (as Caffe and PyTorch do); in the paper and in TensorFlow "
                  "it multiplies the sum directly")),
                (_lrn_reference(a, 2 * n + 1, k, alpha, beta, tf),
                 "the window reaches n maps on each side; it holds n maps in all, the map itself in the middle"),
                (a / (k + alpha * a.astype(np.float64) ** 2) ** beta,
                 "only the map itself is in the sum; it should add up its neighbours too"),
            ]
            for wrong, text in mistakes:
                if np.allclose(values, wrong, rtol=1e-4):
                    _fail(f"{case}: {text}.", hint)
        _same_array(values, expected, case, hint, atol=1e-4 * max(1.0, float(np.abs(expected).max())))
    _passed("lrn agrees with tf.nn.local_response_normalization, window edges and all.")


def _towers(x, filters, kernel_size, towers=2, reads="halves", each="half", padding="same", activation="relu",
            order=(0, 1), axis=-1):
    """AlexNet's two-tower convolution built from ordinary convolutions, with the named part
    changed: the right block and the near misses a learner may write.

    ``reads`` is what the towers read: ``"halves"`` (each its own half of the channels),
    ``"all"`` (every channel) or ``"first"`` (both the first half); ``each`` is ``"half"`` of the
    filters per tower or ``"all"`` of them; ``order`` and ``axis`` say how the outputs are joined.
    """
    keras = import_keras()
    half = x.shape[-1] // 2
    parts = {"halves": [x[..., :half], x[..., half:]], "all": [x, x], "first": [x[..., :half]] * 2}[reads]
    units = filters // 2 if each == "half" else filters
    outputs = [keras.layers.Conv2D(units, kernel_size, padding=padding, activation=activation)(part)
               for part in parts[:towers]]
    if towers == 1:
        return outputs[0]
    return keras.layers.Concatenate(axis=axis)([outputs[i] for i in order])


def _ordinary(x, filters, kernel_size):
    """One ordinary convolution: every filter sees every channel."""
    return import_keras().layers.Conv2D(filters, kernel_size, padding="same", activation="relu")(x)


def _grouped_convolution(input_shape, args):
    """The facts of ``Conv2D(filters, kernel_size, padding="same", groups=2, activation="relu")``
    holding the weights that :func:`course_lib.checks._blocks.block_facts` gives two towers.

    ``block_facts`` gives every weight a value that depends on its shape only, so the two towers'
    kernels, both ``(k, k, C/2, F/2)``, hold the same values, and so do their biases: whichever
    tower a learner builds first gets the same weights. The grouped convolution's kernel
    ``(k, k, C/2, F)`` holds the two towers' kernels side by side (its filters ``0 .. F/2 - 1``
    read the first half of the channels) and its bias the towers' biases one after the other:
    the towers' weights, copied across.
    """
    from course_lib.checks._blocks import probe_input, weight_values

    keras = import_keras()
    filters, kernel_size = args
    inputs = keras.Input(tuple(input_shape))
    conv = keras.layers.Conv2D(filters, kernel_size, padding="same", groups=2, activation="relu")
    model = keras.Model(inputs, conv(inputs))
    kernel = weight_values((kernel_size, kernel_size, input_shape[-1] // 2, filters // 2))
    bias = weight_values((filters // 2,))
    conv.kernel.assign(np.concatenate([kernel, kernel], axis=-1))
    conv.bias.assign(np.concatenate([bias, bias]))
    output = np.asarray(model(probe_input(input_shape), training=False), dtype=np.float64)
    params = int(model.count_params())
    return {"output_shape": tuple(output.shape[1:]), "params": params, "trainable": params, "output": output}


def _grouped_layers(block, input_shape, args):
    """How many layers of the learner's block, nested ones included, are grouped convolutions
    (``groups`` above 1). A probe: it runs where the learner's code is."""
    from course_lib._keras_internals import sublayers

    keras = import_keras()
    inputs = keras.Input(tuple(input_shape))
    outputs = block(inputs, *args)
    if not isinstance(outputs, keras.KerasTensor):
        return 0  # block_facts says what is wrong with it
    return sum(1 for layer in sublayers(keras.Model(inputs, outputs)) if getattr(layer, "groups", 1) > 1)


@exercise_check
def check_two_tower_conv(two_tower_conv):
    """Notebook 12, exercise 2: check a learner's ``two_tower_conv(x, filters, kernel_size)``:
    AlexNet's two towers written by hand.

    The input's channels are split into two halves; each half has a convolution of its own with
    ``filters // 2`` filters of ``kernel_size`` (stride 1, "same" padding, ReLU), and the two
    outputs are joined on the channel axis, the first half's tower first. The block is compared
    with one ``keras.layers.Conv2D(filters, kernel_size, padding="same", groups=2,
    activation="relu")`` by :func:`course_lib.checks._blocks.judge_block`: output shape,
    parameter count, and outputs once the grouped convolution holds the towers' weights
    (:func:`_grouped_convolution`), on three inputs whose channels and filters differ. A block
    that is itself a grouped convolution proves nothing and is refused.
    """
    from course_lib.checks._blocks import judge_block, reference

    name = "two_tower_conv"
    hint = (
        "split the input's channels into two halves along the last axis; give each half a "
        "convolution of its own with half of the filters (\"same\" padding, ReLU); then join the "
        "two towers' outputs along the channel axis, the tower of the first half first."
    )
    cases = [((8, 8, 4), (6, 3)), ((7, 7, 6), (4, 5)), ((6, 6, 2), (8, 1))]
    if _run(two_tower_conv, cases[0], name, hint, probe=_grouped_layers):
        _fail(f"{name} uses a convolution with groups=2 (or more): that is the layer the towers are "
              "compared with. The exercise is to build the two towers yourself, from ordinary "
              "convolutions, one per half of the channels.", hint)

    def near_miss(**change):
        return reference(_towers, **change)

    one_tower = "builds one tower only, on the first half of the channels; the second half needs a tower of its own"
    mistakes = [
        (near_miss(activation=None), "leaves out the ReLU after the convolutions"),
        (near_miss(padding="valid"), "uses \"valid\" padding, which shrinks the maps; use \"same\""),
        (near_miss(reads="all"), "gives each tower every input channel; a tower sees only its own half"),
        (reference(_ordinary),
         "is one ordinary convolution, whose filters see every channel; split the channels between two towers"),
        (near_miss(towers=1), one_tower),
        (near_miss(towers=1, each="all"), one_tower),
        (near_miss(each="all"), "gives each tower all the filters; the towers share them, half each"),
        (near_miss(reads="first"), "gives both towers the first half of the channels; the second tower reads "
                                   "the second half"),
        (near_miss(order=(1, 0)), "puts the second tower's maps first; the tower of the first half comes first"),
        (near_miss(axis=0), "joins the towers along axis 0, the batch; join them along the channels, the last axis"),
        (near_miss(axis=1), "joins the towers along axis 1, the rows; join them along the channels, the last axis"),
        (near_miss(axis=2), "joins the towers along axis 2, the columns; join them along the channels, the last axis"),
    ]
    judge_block(two_tower_conv, name, cases, _grouped_convolution, mistakes, hint,
                passed=f"{name} computes what one Conv2D(groups=2) computes in all {len(cases)} cases: the same "
                       "output shape, the same parameter count, and the same outputs once the grouped "
                       "convolution holds the towers' weights.")
