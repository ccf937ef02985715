"""``course_lib.checks._blocks``: a block the learner builds is judged on what it computes, not
on how its code is written, and a block that only wraps the library's is caught."""

import keras
import numpy as np
import pytest

from course_lib.architectures.resnet import ResidualUnit
from course_lib.checks._blocks import block_facts, same_block, weight_values
from course_lib.checks._common import _delegates_to


def test_weights_depend_on_the_shape_only_so_the_build_order_does_not_matter():
    assert np.array_equal(weight_values((3, 3, 4, 8)), weight_values((3, 3, 4, 8)))
    assert not np.array_equal(weight_values((3, 3, 4, 8)), weight_values((3, 3, 8, 4)).reshape(3, 3, 4, 8))
    assert np.all(weight_values((16,)) > 0)  # a valid moving variance

    def two_paths(first_main):
        def block(x):
            main = lambda: keras.layers.BatchNormalization()(keras.layers.Conv2D(4, 3, padding="same")(x))  # noqa: E731
            skip = lambda: keras.layers.BatchNormalization()(keras.layers.Conv2D(4, 1)(x))  # noqa: E731
            a, b = (main(), skip()) if first_main else (skip(), main())[::-1]
            return keras.layers.Add()([a, b])

        return block

    assert same_block(block_facts(two_paths(True), (5, 5, 2), ()), block_facts(two_paths(False), (5, 5, 2), ()))


def test_a_one_by_one_convolution_and_a_dense_layer_compute_the_same():
    conv = block_facts(lambda x: keras.layers.Conv2D(3, 1)(x), (4, 4, 6), ())
    dense = block_facts(lambda x: keras.layers.Dense(3)(x), (4, 4, 6), ())
    assert same_block(conv, dense)


def test_layers_and_models_are_probed_as_well_as_functions():
    unit = block_facts(ResidualUnit, (6, 6, 4), (8, 2), kind="layer")
    assert unit["output_shape"] == (3, 3, 8) and unit["output"].shape == (2, 3, 3, 8)
    model = block_facts(lambda: keras.Sequential([keras.Input((6, 6, 4)), keras.layers.Flatten()]), (6, 6, 4), (),
                        kind="model")
    assert model["output_shape"] == (144,) and model["params"] == 0
    with pytest.raises(TypeError, match="returned int; expected the block's output tensor"):
        block_facts(lambda x: 3, (6, 6, 4), ())
    with pytest.raises(TypeError, match="returned list; expected a Keras model"):
        block_facts(lambda: [], (6, 6, 4), (), kind="model")


class _Subclass(ResidualUnit):
    pass


class _Wrapper(keras.layers.Layer):
    def __init__(self, filters, strides=1):
        super().__init__()
        self.filters, self.strides = filters, strides

    def call(self, x):
        return ResidualUnit(self.filters, self.strides)(x)


class _OwnUnit(keras.layers.Layer):
    def __init__(self, filters):
        super().__init__()
        self.conv = keras.layers.Conv2D(filters, 3, padding="same")

    def call(self, x):
        return self.conv(x)


def test_a_class_that_subclasses_or_calls_the_library_delegates_to_it():
    assert _delegates_to(_Subclass, {"ResidualUnit"})
    assert _delegates_to(_Wrapper, {"ResidualUnit"})
    assert not _delegates_to(_OwnUnit, {"ResidualUnit"})
