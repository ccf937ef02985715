"""Checks for the exercises of notebook 11, ``notebooks/11_lenet.ipynb``."""


from course_lib.checks._common import CheckFailed, exercise_check, _call, _fail, _judge_cases, _passed, _read_answer, _run
from course_lib.session import import_keras


def _partial_tables():
    """``(table, kernel_size, what the messages call it)`` cases: LeNet-5's C3, a full table of
    another size (so that a count hard-coded for C3 is not told about a table that reads like
    C3's), and three small irregular ones, the last with fewer maps per row than inputs."""
    from course_lib.architectures import lenet

    return [
        (lenet.C3_TABLE, 5, "LeNet-5's C3 table"),
        (tuple(tuple(range(3)) for _ in range(4)), 3, "a full table (4 maps, each reading all 3 inputs)"),
        (((0,), (1, 2), (0, 1, 2)), 3, "the table ((0,), (1, 2), (0, 1, 2))"),
        (((0, 3), (1,), (2, 3), (0, 1, 2, 3), (1, 2)), 7, "the table ((0, 3), (1,), (2, 3), (0, 1, 2, 3), (1, 2))"),
        (((0, 1), (2, 3), (4,)), 5, "the table ((0, 1), (2, 3), (4,))"),
    ]


@exercise_check
def check_partial_params(partial_params):
    """Notebook 11, exercise 1: check a learner's ``partial_params(table, kernel_size)``: the parameters of a partly connected layer.

    The expected count is :func:`course_lib.architectures.lenet.partial_conv2d_params`: one
    single-filter ``Conv2D`` per output map, over the maps its row of the table lists.
    """
    from course_lib import counting

    hint = (
        "each output map has its own filter: one kernel_size x kernel_size slice for every input "
        "map its row of the table lists, and one bias. Add up over the rows of the table."
    )
    cases = _partial_tables()
    answers, expected = [], []
    pending = None
    try:
        for table, k, what in cases:
            expected.append(sum(counting.conv2d_params(k, len(inputs), 1) for inputs in table))
            answer = _call(partial_params, (table, k), "partial_params", hint)
            answers.append(_read_answer(answer, "count", f"partial_params({what}, {k})", hint))
    except CheckFailed as failure:  # judged after the cases before it
        pending = failure
    every_input = [len(table) * (k * k * (1 + max(map(max, table))) + 1) for table, k, _ in cases]
    mistakes = [
        ([e - len(table) for e, (table, _, _) in zip(expected, cases)],
         "leaves out the biases: each output map has one", None),
        ([e - len(table) + 1 for e, (table, _, _) in zip(expected, cases)],
         "gives the whole layer one bias; each output map has its own", None),
        ([sum(len(inputs) * (k * k + 1) for inputs in table) for table, k, _ in cases],
         "adds a bias for every input map a row lists; each output map has one bias, however many maps it reads",
         None),
        ([sum(k * len(inputs) + 1 for inputs in table) for table, k, _ in cases],
         "counts kernel_size weights per input map; a kernel_size x kernel_size filter has its square", None),
        ([len(table) * (k * k * 6 + 1) for table, k, _ in cases],
         "gives every output map all six S2 maps, as a plain Conv2D on S2 would; each map reads only "
         "the maps its row of the table lists", None),
        (every_input, "gives every output map every input map, as a plain Conv2D would; each map reads "
                      "only the maps its row of the table lists", None),
        ([len(table) * (k * k * max(map(len, table)) + 1) for table, k, _ in cases],
         "gives every output map as many inputs as the longest row of the table", None),
    ]
    _judge_cases(
        answers, expected, lambda i: f"partial_params({cases[i][2]}, {cases[i][1]})", mistakes, hint,
        pending=pending,
    )
    _passed("partial_params gives 1,516 for LeNet-5's C3 and the right count for every table tried.")


def _lenet_like(input_shape, classes, pooling="average", activation="tanh", padding="valid", c5="dense",
                f6=True, flatten=True, softmax=True, fixed_classes=None):
    """The modern LeNet-5 (:func:`course_lib.architectures.lenet.lenet5`) and its near misses,
    as a ``keras.Sequential``, with the named part changed."""
    keras = import_keras()
    L = keras.layers
    pool = L.AveragePooling2D if pooling == "average" else L.MaxPooling2D
    layers = [keras.Input(tuple(input_shape)),
              L.Conv2D(6, 5, padding=padding, activation=activation), pool(2),
              L.Conv2D(16, 5, padding=padding, activation=activation), pool(2)]
    if c5 == "conv":  # the paper's C5, a 5x5 convolution that slides on a larger S4
        layers += [L.Conv2D(120, 5, activation=activation), L.Flatten()]
    else:
        layers += [L.Flatten()] if flatten else []
        layers += [L.Dense(120, activation=activation)] if c5 else []
    layers += [L.Dense(84, activation=activation)] if f6 else []
    layers += [L.Dense(fixed_classes or classes, activation="softmax" if softmax else None)]
    return keras.Sequential(layers)


def _model_input(lenet5_sequential, input_shape, classes):
    """What the model ``lenet5_sequential`` returns expects, before it is called: whether it
    holds its weights (a ``keras.Sequential`` without ``keras.Input`` does not) and the shape of
    its input, as plain data; None when it is not a Keras model, which
    :func:`course_lib.checks._blocks.block_facts` then reports."""
    model = lenet5_sequential(input_shape, classes)
    if not isinstance(model, import_keras().Model):
        return None
    inputs = model.inputs if model.weights else None
    shape = [None if side is None else int(side) for side in inputs[0].shape[1:]] if inputs else None
    return {"built": bool(model.weights), "input_shape": shape}


@exercise_check
def check_lenet5_sequential(lenet5_sequential):
    """Notebook 11, exercise 2: check a learner's ``lenet5_sequential(input_shape, classes)``:
    LeNet-5 as it is built today, a Keras model of ``input_shape`` with ``classes`` outputs.

    The model is compared with :func:`course_lib.architectures.lenet.lenet5` by
    :func:`course_lib.checks._blocks.judge_block`: output shape, parameter count and outputs
    with the same weights, on three inputs (32x32x1 with 10 classes; one of odd side with 3
    channels; one that is not square), so that the paper's C5 convolution, which slides on a
    larger S4, is told from the dense C5 of the modern form.
    """
    from course_lib.architectures.lenet import scaled_tanh
    from course_lib.architectures.lenet import lenet5
    from course_lib.checks._blocks import judge_block, reference

    name = "lenet5_sequential"
    hint = (
        "start the list of layers with a keras.Input of shape input_shape, then go through the lesson's "
        "table row by row: for each row one Keras layer, with the kernel size, padding, activation or "
        "kind of pooling the row gives; the last layer has classes units."
    )
    cases = [((32, 32, 1), ((32, 32, 1), 10)), ((37, 37, 3), ((37, 37, 3), 5)), ((48, 40, 2), ((48, 40, 2), 7))]
    for input_shape, args in cases:
        expects = _run(lenet5_sequential, args, name, hint, probe=_model_input)
        if expects is not None and not expects["built"]:
            _fail(f"{name}{args} returned a model that has no weights yet: Keras does not know the size of "
                  "its input, so it cannot create them.",
                  "make a keras.Input of shape input_shape the first entry of the Sequential's list of layers.")
        if expects is not None and expects["input_shape"] is not None and tuple(expects["input_shape"]) != input_shape:
            _fail(f"{name}{args} returned a model whose input has shape {tuple(expects['input_shape'])}, not "
                  f"{input_shape}: it does not use its input_shape argument.",
                  "give input_shape to the keras.Input at the head of the Sequential's list of layers.")

    def near_miss(**change):
        return reference(_lenet_like, kind="model", **change)

    mistakes = [
        (near_miss(pooling="max"), "pools with the maximum; LeNet-5's subsampling takes the average"),
        (near_miss(activation="relu"), "squashes with ReLU; LeNet-5 uses tanh"),
        (near_miss(activation=scaled_tanh), "squashes with the paper's scaled tanh; the modern form uses "
                                            "the plain tanh"),
        (near_miss(activation=None), "leaves out the tanh after the convolutions and the hidden dense layers"),
        (near_miss(padding="same"), "pads its convolutions (\"same\"); LeNet-5's take 4 rows and 4 columns off"),
        (near_miss(c5="conv"), "makes C5 a 5x5 convolution, as the paper does; on an input larger than 32x32 it "
                               "slides over S4, where the modern form's dense C5 reads all of it"),
        (near_miss(c5=None), "leaves out C5, the first dense layer after flatten"),
        (near_miss(f6=False), "leaves out F6, the dense layer between C5 and the output"),
        (near_miss(c5=None, f6=False), "leaves out C5 and F6: the output comes right after flatten"),
        (near_miss(flatten=False), "leaves out Flatten, so the dense layers act on every position of S4 apart"),
        (near_miss(softmax=False), "ends without the softmax, so it gives scores, not probabilities"),
        (near_miss(fixed_classes=10), "always ends with 10 units; use classes"),
    ]
    judge_block(lenet5_sequential, name, cases,
                reference(lenet5, kind="model"),
                mistakes, hint, library_names={"lenet5"}, kind="model",
                passed=f"{name} builds the same model as lenet.lenet5 in all {len(cases)} cases: the same output "
                       "shape, the same parameter count, and the same outputs once both hold the same weights.")
