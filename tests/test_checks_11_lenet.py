"""The checks of notebook 11, ``course_lib.checks.nb11_lenet``, accept right answers and
reject wrong ones."""

import pytest

from course_lib import checks


def test_check_partial_params_accepts_a_sum_and_a_loop(capsys):
    def loop(table, kernel_size):
        total = 0
        for inputs in table:
            total += kernel_size**2 * len(inputs) + 1
        return total

    checks.check_partial_params(lambda table, k: sum(k * k * len(t) + 1 for t in table))
    checks.check_partial_params(loop)
    assert capsys.readouterr().out.count("Correct") == 2


@pytest.mark.parametrize("wrong, named", [
    (lambda table, k: sum(k * k * len(t) for t in table), "leaves out the biases"),
    (lambda table, k: sum(k * k * len(t) for t in table) + 1, "gives the whole layer one bias"),
    (lambda table, k: sum(len(t) * (k * k + 1) for t in table), "adds a bias for every input map"),
    (lambda table, k: sum(k * len(t) + 1 for t in table), "has its square"),
    (lambda table, k: len(table) * (k * k * 6 + 1), "gives every output map all six S2 maps"),
    (lambda table, k: len(table) * (k * k * (1 + max(max(t) for t in table)) + 1),
     "gives every output map every input map"),
    (lambda table, k: len(table) * (k * k * max(map(len, table)) + 1), "longest row"),
])
def test_check_partial_params_names_a_common_mistake(wrong, named):
    with pytest.raises(AssertionError, match=named):
        checks.check_partial_params(wrong)


def test_check_partial_params_rejects_other_answers():
    with pytest.raises(AssertionError, match="returned 1,600, and the same for every case tried"):
        checks.check_partial_params(lambda table, k: 1_600)
    with pytest.raises(AssertionError, match="a count is a whole number"):
        checks.check_partial_params(lambda table, k: 1516.5)
    with pytest.raises(AssertionError, match="not attempted yet"):
        checks.check_partial_params(lambda table, k: (_ for _ in ()).throw(NotImplementedError))


def test_check_partial_params_tells_a_hard_coded_c3_count_what_it_is():
    # 1,516 is right for C3 only. The case the message names is a full table that does not read
    # like C3's (4 maps of 3 inputs), no mistake is named, and no other table's count is given.
    with pytest.raises(AssertionError) as failure:
        checks.check_partial_params(lambda table, k: 1_516)
    message = str(failure.value)
    assert "a full table (4 maps, each reading all 3 inputs), 3) returned 1,516, and the same for every case" in message
    assert "16 maps" not in message and "six" not in message and "2,416" not in message and "112" not in message


# --------------------------------------------------------------------------- lenet5_sequential


def _lenet5_sequential(input_shape, classes):
    import keras

    L = keras.layers
    return keras.Sequential([
        keras.Input(shape=input_shape),
        L.Conv2D(6, 5, activation="tanh"), L.AveragePooling2D(2),
        L.Conv2D(16, 5, activation="tanh"), L.AveragePooling2D(2),
        L.Flatten(), L.Dense(120, activation="tanh"), L.Dense(84, activation="tanh"),
        L.Dense(classes, activation="softmax"),
    ])


def _lenet(**change):
    """The modern LeNet-5 with one part changed: the near misses a learner may write."""
    from course_lib.checks.nb11_lenet import _lenet_like

    return lambda input_shape, classes: _lenet_like(input_shape, classes, **change)


def test_check_lenet5_sequential_accepts_the_model_written_in_other_ways(capsys):
    import keras

    L = keras.layers

    def separate_activations(input_shape, classes):  # activations and the softmax as layers of their own
        return keras.Sequential([
            keras.Input(input_shape), L.Conv2D(6, (5, 5)), L.Activation("tanh"),
            L.AvgPool2D(pool_size=(2, 2), strides=2), L.Conv2D(16, 5, strides=1, padding="valid"),
            L.Activation(keras.activations.tanh), L.AveragePooling2D(2), L.Flatten(), L.Dense(120),
            L.Activation("tanh"), L.Dense(84, activation="tanh"), L.Dense(classes), L.Softmax(),
        ])

    def functional(input_shape, classes):  # keras.Model rather than Sequential, layers named as the paper
        x = inputs = keras.Input(input_shape)
        for filters, name in ((6, "c1"), (16, "c3")):
            x = L.AveragePooling2D(2)(L.Conv2D(filters, 5, activation="tanh", name=name)(x))
        x = L.Dense(84, activation="tanh")(L.Dense(120, activation="tanh")(L.Flatten()(x)))
        return keras.Model(inputs, L.Dense(classes, activation="softmax")(x))

    def added_one_by_one(input_shape, classes):
        model = keras.Sequential()
        model.add(keras.Input(shape=input_shape))
        for layer in _lenet5_sequential(input_shape, classes).get_config()["layers"][1:]:
            model.add(keras.layers.deserialize(layer))
        return model

    for answer in (_lenet5_sequential, separate_activations, functional, added_one_by_one):
        checks.check_lenet5_sequential(answer)
    assert capsys.readouterr().out.count("Correct") == 4


@pytest.mark.parametrize("wrong, named", [
    (_lenet(pooling="max"), "pools with the maximum"),
    (_lenet(activation="relu"), "squashes with ReLU"),
    (_lenet(activation=None), "leaves out the tanh"),
    (_lenet(padding="same"), "pads its convolutions"),
    (_lenet(c5="conv"), "makes C5 a 5x5 convolution"),
    (_lenet(c5=None), "leaves out C5,"),
    (_lenet(f6=False), "leaves out F6,"),
    (_lenet(c5=None, f6=False), "leaves out C5 and F6"),
    (_lenet(flatten=False), "leaves out Flatten"),
    (_lenet(softmax=False), "ends without the softmax"),
    (_lenet(fixed_classes=10), "always ends with 10 units"),
])
def test_check_lenet5_sequential_names_a_near_miss(wrong, named):
    with pytest.raises(AssertionError, match=named):
        checks.check_lenet5_sequential(wrong)


def test_check_lenet5_sequential_names_the_papers_squashing_function():
    from course_lib.architectures.lenet import scaled_tanh

    with pytest.raises(AssertionError, match="squashes with the paper's scaled tanh"):
        checks.check_lenet5_sequential(_lenet(activation=scaled_tanh))


def test_check_lenet5_sequential_rejects_other_models():
    import keras

    def one_channel(input_shape, classes):  # keeps the height and width, ignores the channels
        return _lenet5_sequential((*input_shape[:2], 1), classes)

    def wider_c1(input_shape, classes):
        L = keras.layers
        return keras.Sequential([
            keras.Input(shape=input_shape), L.Conv2D(8, 5, activation="tanh"), L.AveragePooling2D(2),
            L.Conv2D(16, 5, activation="tanh"), L.AveragePooling2D(2), L.Flatten(), L.Dense(120, activation="tanh"),
            L.Dense(84, activation="tanh"), L.Dense(classes, activation="softmax"),
        ])

    with pytest.raises(AssertionError, match=r"parameters, too many\.\nHint"):
        checks.check_lenet5_sequential(wider_c1)
    with pytest.raises(AssertionError, match=r"lenet5_sequential\(\(37, 37, 3\), 5\) returned a model whose input has "
                                             r"shape \(37, 37, 1\), not \(37, 37, 3\): it does not use its input_shape"):
        checks.check_lenet5_sequential(one_channel)
    with pytest.raises(AssertionError, match=r"input has shape \(32, 32, 1\), not \(37, 37, 3\)"):
        checks.check_lenet5_sequential(lambda input_shape, classes: _lenet5_sequential((32, 32, 1), classes))


def test_check_lenet5_sequential_tells_a_model_without_an_input_what_it_lacks():
    import keras

    def no_input(input_shape, classes):
        return keras.Sequential([keras.layers.Conv2D(6, 5, activation="tanh"), keras.layers.AveragePooling2D(2),
                                 keras.layers.Flatten(), keras.layers.Dense(classes, activation="softmax")])

    with pytest.raises(AssertionError, match="has no weights yet") as failure:
        checks.check_lenet5_sequential(no_input)
    assert "a keras.Input of shape input_shape the first entry" in str(failure.value)


def test_check_lenet5_sequential_rejects_what_is_not_a_model():
    with pytest.raises(AssertionError, match="returned list; expected a Keras model"):
        checks.check_lenet5_sequential(lambda input_shape, classes: [])
    with pytest.raises(AssertionError, match="not attempted yet"):
        checks.check_lenet5_sequential(lambda input_shape, classes: (_ for _ in ()).throw(NotImplementedError))


def test_check_lenet5_sequential_rejects_the_library_model():
    from course_lib.architectures import lenet

    with pytest.raises(AssertionError, match="uses the library's lenet5"):
        checks.check_lenet5_sequential(lambda input_shape, classes: lenet.lenet5(input_shape, classes))


def right_answers():
    """Check name -> the arguments of one right answer (tests/test_every_check.py uses them)."""
    return {
        "check_partial_params": (lambda table, k: sum(k * k * len(t) + 1 for t in table),),
        "check_lenet5_sequential": (_lenet5_sequential,),
    }


def wrong_answers():
    """Check name -> near misses ``[(description, answer tuple)]`` (tests/test_every_check.py tries them)."""
    return {
        "check_lenet5_sequential": [
            ("max pooling", (_lenet(pooling="max"),)),
            ("ReLU", (_lenet(activation="relu"),)),
            ("same padding", (_lenet(padding="same"),)),
            ("C5 as a convolution", (_lenet(c5="conv"),)),
            ("no C5", (_lenet(c5=None),)),
            ("no F6", (_lenet(f6=False),)),
            ("no softmax", (_lenet(softmax=False),)),
            ("10 classes always", (_lenet(fixed_classes=10),)),
        ],
    }
