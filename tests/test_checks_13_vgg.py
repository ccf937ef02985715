"""The checks of notebook 13, ``course_lib.checks.nb13_vgg``, accept right answers and
reject wrong ones."""

import numpy as np
import pytest

from course_lib import checks


def _stacked_3x3(n, channels):
    from course_lib.counting import conv2d_params, receptive_field

    return receptive_field([(3, 1)] * n).size, n * conv2d_params(3, channels, channels)


def test_check_stacked_3x3_accepts_the_formulas_and_arithmetic(capsys):
    checks.check_stacked_3x3(_stacked_3x3)
    checks.check_stacked_3x3(lambda n, c: (2 * n + 1, n * (9 * c * c + c)))
    checks.check_stacked_3x3(lambda n, c: np.array([2 * n + 1, n * (9 * c * c + c)]))
    assert capsys.readouterr().out.count("Correct") == 3


def test_check_stacked_3x3_rejects_wrong_fields():
    with pytest.raises(AssertionError, match="neighbouring layers overlap"):
        checks.check_stacked_3x3(lambda n, c: (3 * n, _stacked_3x3(n, c)[1]))
    with pytest.raises(AssertionError, match=r"stacked_3x3\(1, 1\) gave the field 10: it gives the parameter count first"):
        checks.check_stacked_3x3(lambda n, c: _stacked_3x3(n, c)[::-1])
    with pytest.raises(AssertionError, match="gave the field 9: it gives the field's area"):
        checks.check_stacked_3x3(lambda n, c: ((2 * n + 1) ** 2, _stacked_3x3(n, c)[1]))


def test_check_stacked_3x3_rejects_wrong_parameter_counts():
    with pytest.raises(AssertionError, match="not the biases"):
        checks.check_stacked_3x3(lambda n, c: (2 * n + 1, n * 9 * c * c))
    with pytest.raises(AssertionError, match="is one convolution as large as the field, the single layer the stack replaces"):
        checks.check_stacked_3x3(lambda n, c: (2 * n + 1, (2 * n + 1) ** 2 * c * c + c))
    with pytest.raises(AssertionError, match="one 3x3 layer; the stack has n"):
        checks.check_stacked_3x3(lambda n, c: (2 * n + 1, 9 * c * c + c))
    with pytest.raises(AssertionError, match="counts one filter's weights per layer"):
        checks.check_stacked_3x3(lambda n, c: (2 * n + 1, n * (9 * c + c)))


def test_check_stacked_3x3_rejects_other_answers():
    with pytest.raises(AssertionError, match="returned None"):
        checks.check_stacked_3x3(lambda n, c: None)
    with pytest.raises(AssertionError, match="expected a pair"):
        checks.check_stacked_3x3(lambda n, c: 2 * n + 1)
    with pytest.raises(AssertionError, match="not attempted yet"):
        checks.check_stacked_3x3(lambda n, c: (_ for _ in ()).throw(NotImplementedError))


def _vgg_block(x, filters, convs):
    import keras

    for _ in range(convs):
        x = keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
    return keras.layers.MaxPooling2D(2, strides=2)(x)


def _block(padding="same", activation="relu", pooling="max", convs=None, bias=True, relu_layer=False):
    """A VGG block with one part changed: the near misses a learner may write."""
    import keras

    L = keras.layers

    def block(x, filters, n):
        for _ in range(convs or n):
            x = L.Conv2D(filters, 3, padding=padding, use_bias=bias,
                         activation=None if relu_layer else activation)(x)
            if relu_layer:
                x = L.ReLU()(x)
        return (L.MaxPooling2D(2) if pooling == "max" else L.AveragePooling2D(2))(x) if pooling else x

    return block


def test_check_vgg_block_accepts_the_block_written_in_other_ways(capsys):
    checks.check_vgg_block(_vgg_block)
    checks.check_vgg_block(_block(relu_layer=True))  # ReLU as a layer of its own

    def sequential(x, filters, convs):  # a Sequential of the same layers, applied to x
        import keras

        layers = [keras.layers.Conv2D(filters, (3, 3), strides=1, padding="same", activation="relu")
                  for _ in range(convs)]
        return keras.Sequential(layers + [keras.layers.MaxPool2D(pool_size=2, strides=2)])(x)

    checks.check_vgg_block(sequential)
    assert capsys.readouterr().out.count("Correct") == 3


@pytest.mark.parametrize("wrong, named", [
    (_block(padding="valid"), "uses \"valid\" padding"),
    (_block(activation=None), "leaves out the ReLU"),
    (_block(pooling=None), "leaves out the max pooling"),
    (_block(pooling="average"), "pools with the average"),
    (_block(convs=2), "always builds two convolutions"),
])
def test_check_vgg_block_names_a_near_miss(wrong, named):
    with pytest.raises(AssertionError, match=named):
        checks.check_vgg_block(wrong)


def test_check_vgg_block_rejects_other_blocks_without_naming_a_mistake():
    with pytest.raises(AssertionError, match=r"parameters, too few\.\nHint"):
        checks.check_vgg_block(_block(bias=False))
    with pytest.raises(AssertionError, match=r"more channels than the block should give\.\nHint"):
        checks.check_vgg_block(lambda x, f, n: _vgg_block(x, 2 * f, n))
    with pytest.raises(AssertionError, match="returned NoneType; expected the block's output tensor"):
        checks.check_vgg_block(lambda x, f, n: None)
    with pytest.raises(AssertionError, match="not attempted yet"):
        checks.check_vgg_block(lambda x, f, n: (_ for _ in ()).throw(NotImplementedError))


def test_check_vgg_block_rejects_the_library_block():
    from course_lib.architectures import vgg

    with pytest.raises(AssertionError, match="uses the library's vgg_block"):
        checks.check_vgg_block(lambda x, f, n: vgg.vgg_block(x, f, n, "block"))


def right_answers():
    """Check name -> the arguments of one right answer (tests/test_every_check.py uses them)."""
    return {
        "check_stacked_3x3": (_stacked_3x3,),
        "check_vgg_block": (_vgg_block,),
    }


def wrong_answers():
    """Check name -> near misses ``[(description, answer tuple)]`` (tests/test_every_check.py tries them)."""
    return {
        "check_vgg_block": [
            ("valid padding", (_block(padding="valid"),)),
            ("no ReLU", (_block(activation=None),)),
            ("no pooling", (_block(pooling=None),)),
            ("no biases", (_block(bias=False),)),
            ("ignores convs", (_block(convs=2),)),
        ],
    }
