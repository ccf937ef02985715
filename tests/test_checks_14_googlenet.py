"""The checks of notebook 14, ``course_lib.checks.nb14_googlenet``, accept right answers and
reject wrong ones."""

import pytest

from course_lib import checks


def _inception_module(x, f1, f3_reduce, f3, f5_reduce, f5, pool_proj):
    import keras

    def conv(filters, size, inputs):
        return keras.layers.Conv2D(filters, size, padding="same", activation="relu")(inputs)

    branch_pool = conv(pool_proj, 1, keras.layers.MaxPooling2D(3, strides=1, padding="same")(x))
    branches = [conv(f1, 1, x), conv(f3, 3, conv(f3_reduce, 1, x)), conv(f5, 5, conv(f5_reduce, 1, x)), branch_pool]
    return keras.layers.Concatenate(axis=-1)(branches)


def _module(order=(0, 1, 2, 3), padding=("same", "same"), pool="max", pool_strides=1, pool_padding="same",
            projection=True, relu=("branch", "reduce", "proj"), relu_layers=False, bottlenecks=True, project_first=False):
    """An inception module with one part changed: the near misses a learner may write."""
    import keras

    L = keras.layers

    def conv(filters, size, inputs, role="branch", padding="same"):
        activation = "relu" if role in relu and not relu_layers else None
        y = L.Conv2D(filters, size, padding=padding, activation=activation)(inputs)
        return L.ReLU()(y) if relu_layers else y

    def module(x, f1, f3_reduce, f3, f5_reduce, f5, pool_proj):
        reduce3 = conv(f3_reduce, 1, x, "reduce") if bottlenecks else x
        reduce5 = conv(f5_reduce, 1, x, "reduce") if bottlenecks else x
        pooling = (L.MaxPooling2D if pool == "max" else L.AveragePooling2D)(3, strides=pool_strides, padding=pool_padding)
        if project_first:  # the learner's slip: the 1x1 projection before the pooling
            branch_pool = pooling(conv(pool_proj, 1, x, "proj"))
        else:
            branch_pool = conv(pool_proj, 1, pooling(x), "proj") if projection else pooling(x)
        branches = [conv(f1, 1, x), conv(f3, 3, reduce3, padding=padding[0]), conv(f5, 5, reduce5, padding=padding[1]),
                    branch_pool]
        return L.concatenate([branches[i] for i in order])

    return module


def test_check_inception_module_accepts_the_module_written_in_other_ways(capsys):
    checks.check_inception_module(_inception_module)
    checks.check_inception_module(_module(relu_layers=True))  # ReLU as a layer of its own

    def built_in_another_order(x, f1, f3_reduce, f3, f5_reduce, f5, pool_proj):  # the same layers, other code
        import functools

        import keras

        Conv = functools.partial(keras.layers.Conv2D, strides=1, padding="same", activation="relu")
        pool = keras.Sequential([keras.layers.MaxPool2D(pool_size=(3, 3), strides=(1, 1), padding="same"),
                                 Conv(pool_proj, (1, 1))])(x)
        five = keras.Sequential([Conv(f5_reduce, 1), Conv(f5, 5)])(x)
        three = Conv(f3, 3)(Conv(f3_reduce, 1)(x))
        return keras.layers.Concatenate()([Conv(f1, 1)(x), three, five, pool])

    checks.check_inception_module(built_in_another_order)
    assert capsys.readouterr().out.count("Correct") == 3


@pytest.mark.parametrize("wrong, named", [
    (_module(order=(0, 2, 1, 3)), "concatenates the branches in the order 1x1, 5x5, 3x3, pooling"),
    (_module(order=(3, 0, 1, 2)), "in the order pooling, 1x1, 3x3, 5x5"),
    (_module(projection=False), "leaves out the 1x1 convolution after the pooling"),
    (_module(bottlenecks=False), "leaves out the two 1x1 reduce layers"),
    (_module(relu=()), "leaves out the ReLU after the convolutions"),
    (_module(relu=("branch", "proj")), "leaves out the ReLU after the two 1x1 reduce layers"),
    (_module(project_first=True), r"applies the 1x1 projection \(pool_proj\) before the pooling"),
    (_module(relu=("branch", "reduce")), r"leaves out the ReLU after the 1x1 convolution of the pooling branch \(pool_proj\)"),
    (_module(pool="average"), "pools with the average"),
    (_module(padding=("valid", "valid")), "uses \"valid\" padding"),
    (_module(padding=("valid", "valid"), pool_padding="valid"), "uses \"valid\" padding"),
    (_module(padding=("same", "valid")), "uses \"valid\" padding"),
    (_module(pool_padding="valid"), "pools with \"valid\" padding"),
    (_module(pool_strides=2), "pools with stride 2;"),
    (_module(pool_strides=2, pool_padding="valid"), "pools with stride 2;"),
    (_module(pool_strides=None), "pools with stride 3, Keras's default"),
])
def test_check_inception_module_names_a_near_miss(wrong, named):
    with pytest.raises(AssertionError, match=named):
        checks.check_inception_module(wrong)


def test_check_inception_module_rejects_other_modules_without_naming_a_mistake():
    def swapped_arguments(x, f1, f3_reduce, f3, f5_reduce, f5, pool_proj):
        return _inception_module(x, f1, f3, f3_reduce, f5_reduce, f5, pool_proj)

    with pytest.raises(AssertionError, match=r"channels than the block should give\.\nHint"):
        checks.check_inception_module(swapped_arguments)
    with pytest.raises(AssertionError, match=r"computes other outputs: .*\.\nHint"):  # f1 and pool_proj swapped
        checks.check_inception_module(lambda x, f1, f3r, f3, f5r, f5, pp: _inception_module(x, pp, f3r, f3, f5r, f5, f1))
    with pytest.raises(AssertionError, match=r"Received: input_shape=\[.*\]\nHint"):  # another size, not a near miss
        checks.check_inception_module(lambda x, *f: _module(order=(1, 0, 2, 3), padding=("valid", "same"))(x, *f))
    with pytest.raises(AssertionError, match="returned NoneType; expected the block's output tensor"):
        checks.check_inception_module(lambda x, *f: None)
    with pytest.raises(AssertionError, match="not attempted yet"):
        checks.check_inception_module(lambda x, *f: (_ for _ in ()).throw(NotImplementedError))


def test_check_inception_module_rejects_the_library_module():
    from course_lib.architectures import googlenet

    with pytest.raises(AssertionError, match="uses the library's inception_module"):
        checks.check_inception_module(lambda x, *f: googlenet.inception_module(x, *f, name="m"))


def _aux_head_params(c_in, side, classes):
    pooled = (side - 5) // 3 + 1
    return (c_in * 128 + 128) + (pooled * pooled * 128 * 1024 + 1024) + (1024 * classes + classes)


def test_check_aux_head_params_accepts_the_right_count(capsys):
    checks.check_aux_head_params(_aux_head_params)
    assert capsys.readouterr().out.startswith("Correct")


def test_check_aux_head_params_rejects_wrong_counts():
    with pytest.raises(AssertionError, match="flattens the map before the pooling"):
        checks.check_aux_head_params(
            lambda c, s, k: (c * 128 + 128) + (s * s * 128 * 1024 + 1024) + (1024 * k + k)
        )
    with pytest.raises(AssertionError, match="only the 128 channels of one position"):
        checks.check_aux_head_params(lambda c, s, k: (c * 128 + 128) + (128 * 1024 + 1024) + (1024 * k + k))
    with pytest.raises(AssertionError, match="divides the side by 3"):
        checks.check_aux_head_params(
            lambda c, s, k: (c * 128 + 128) + ((s // 3) ** 2 * 128 * 1024 + 1024) + (1024 * k + k)
        )
    with pytest.raises(AssertionError, match="leaves out the last dense layer"):
        checks.check_aux_head_params(lambda c, s, k: _aux_head_params(c, s, k) - (1024 * k + k))
    with pytest.raises(AssertionError, match="counts the 5x5 average pooling as a convolution with weights"):
        checks.check_aux_head_params(lambda c, s, k: _aux_head_params(c, s, k) + 25 * c * c + c)
    with pytest.raises(AssertionError, match="should be a number"):
        checks.check_aux_head_params(lambda c, s, k: str(_aux_head_params(c, s, k)))


def right_answers():
    """Check name -> the arguments of one right answer (tests/test_every_check.py uses them)."""
    return {"check_inception_module": (_inception_module,), "check_aux_head_params": (_aux_head_params,)}


def wrong_answers():
    """Check name -> near misses ``[(description, answer tuple)]`` (tests/test_every_check.py tries them)."""
    return {
        "check_inception_module": [
            ("another order", (_module(order=(0, 2, 1, 3)),)),
            ("no pool projection", (_module(projection=False),)),
            ("no bottlenecks", (_module(bottlenecks=False),)),
            ("no ReLU", (_module(relu=()),)),
            ("valid padding", (_module(padding=("valid", "valid")),)),
            ("pooling with stride 2", (_module(pool_strides=2),)),
            ("projection before the pooling", (_module(project_first=True),)),
        ],
    }
