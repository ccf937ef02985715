"""The checks of notebook 16, ``course_lib.checks.nb16_xception``, accept right answers and
reject wrong ones."""

import numpy as np
import pytest

from course_lib import checks


def test_check_pointwise_conv_accepts_matmul_and_einsum(capsys):
    checks.check_pointwise_conv(lambda m, k, b: m @ k + b)
    checks.check_pointwise_conv(lambda m, k, b: np.einsum("hwi,io->hwo", m, k) + b)
    assert capsys.readouterr().out.count("Correct") == 2


def test_check_pointwise_conv_rejects_a_missing_bias_and_a_transposed_kernel():
    with pytest.raises(AssertionError, match="off by the bias"):
        checks.check_pointwise_conv(lambda m, k, b: m @ k)
    with pytest.raises(AssertionError, match="raised ValueError"):
        checks.check_pointwise_conv(lambda m, k, b: m @ k.T + b)
    def transposed_when_square(m, k, b):
        return m @ (k.T if k.shape[0] == k.shape[1] else k) + b
    with pytest.raises(AssertionError, match="kernel transposed"):
        checks.check_pointwise_conv(transposed_when_square)


def test_check_pointwise_conv_rejects_wrong_shapes_none_and_a_stub():
    with pytest.raises(AssertionError, match=r"has shape \(5, 7, 3\): axis 2 is one too short"):
        checks.check_pointwise_conv(lambda m, k, b: m)
    with pytest.raises(AssertionError, match="returned None"):
        checks.check_pointwise_conv(lambda m, k, b: None)
    with pytest.raises(AssertionError, match="not attempted yet"):
        checks.check_pointwise_conv(lambda m, k, b: (_ for _ in ()).throw(NotImplementedError))


def _separable_block(x, filters):
    import keras

    x = keras.layers.Activation("relu")(x)
    x = keras.layers.SeparableConv2D(filters, 3, padding="same", use_bias=False)(x)
    return keras.layers.BatchNormalization()(x)


def _block(relu="before", conv="separable", batch_norm=True, bias=False, filters=None):
    """A separable block with one part changed: the near misses a learner may write."""
    import keras

    L = keras.layers

    def block(x, f):
        f = filters or f
        if relu == "before":
            x = L.ReLU()(x)
        if conv == "separable":
            x = L.SeparableConv2D(f, 3, padding="same", use_bias=bias)(x)
        elif conv == "two layers":
            x = L.Conv2D(f, 1, use_bias=bias)(L.DepthwiseConv2D(3, padding="same", use_bias=bias)(x))
        elif conv == "depthwise only":
            x = L.DepthwiseConv2D(3, padding="same", use_bias=bias)(x)
        elif conv == "pointwise first":
            x = L.DepthwiseConv2D(3, padding="same", use_bias=bias)(L.Conv2D(f, 1, use_bias=bias)(x))
        elif conv == "ReLU between":
            x = L.Conv2D(f, 1, use_bias=bias)(L.ReLU()(L.DepthwiseConv2D(3, padding="same", use_bias=bias)(x)))
        else:
            x = L.Conv2D(f, 3, padding="same", use_bias=bias)(x)
        if batch_norm:
            x = L.BatchNormalization()(x)
        return L.ReLU()(x) if relu == "after" else x

    return block


def test_check_separable_block_accepts_the_block_written_in_other_ways(capsys):
    import keras

    checks.check_separable_block(_separable_block)
    checks.check_separable_block(_block(conv="two layers"))  # depthwise, then a 1x1 convolution

    def with_ops(x, filters):  # keras.ops.relu on the tensor, a Sequential of the rest
        L = keras.layers
        return keras.Sequential([
            L.SeparableConv2D(filters, (3, 3), strides=1, padding="same", use_bias=False, name="sep"),
            L.BatchNormalization(momentum=0.9, name="sep_bn"),
        ])(keras.ops.relu(x))

    checks.check_separable_block(with_ops)
    assert capsys.readouterr().out.count("Correct") == 3


@pytest.mark.parametrize("wrong, named", [
    (_block(relu="after"), "puts the ReLU after the batch normalization"),
    (_block(relu=None), "leaves out the ReLU"),
    (_block(conv="regular"), "uses a regular 3x3 Conv2D"),
    (_block(batch_norm=False), "leaves out the batch normalization"),
    (_block(bias=True), "gives the convolution a bias"),
    (_block(conv="two layers", bias=True), "gives the convolution a bias"),
])
def test_check_separable_block_names_a_near_miss(wrong, named):
    with pytest.raises(AssertionError, match=named):
        checks.check_separable_block(wrong)


def test_check_separable_block_rejects_other_blocks_without_naming_a_mistake():
    with pytest.raises(AssertionError, match=r"fewer channels than the block should give\.\nHint"):
        checks.check_separable_block(_block(conv="depthwise only"))
    with pytest.raises(AssertionError, match=r"it has 80 parameters, too many\.\nHint"):
        checks.check_separable_block(_block(conv="pointwise first"))  # 1x1 on 3 channels, then 3x3 on 5
    with pytest.raises(AssertionError, match=r"with the same weights it computes other outputs.*\.\nHint"):
        checks.check_separable_block(_block(conv="ReLU between"))
    with pytest.raises(AssertionError, match=r"more channels than the block should give\.\nHint"):
        checks.check_separable_block(_block(filters=16))
    with pytest.raises(AssertionError, match="returned NoneType; expected the block's output tensor"):
        checks.check_separable_block(lambda x, f: None)
    with pytest.raises(AssertionError, match="not attempted yet"):
        checks.check_separable_block(lambda x, f: (_ for _ in ()).throw(NotImplementedError))


def test_check_separable_block_rejects_the_library_block():
    from course_lib.architectures import xception

    with pytest.raises(AssertionError, match="uses the library's separable_block"):
        checks.check_separable_block(lambda x, f: xception.separable_block(x, f, "block"))


def _middle_block_counts():
    from course_lib import counting

    batch_norm = counting.batch_norm_params(728)
    separable = 3 * (counting.separable_conv2d_params(3, 728, 728, use_bias=False) + batch_norm)
    regular = 3 * (counting.conv2d_params(3, 728, 728, use_bias=False) + batch_norm)
    return separable, regular, batch_norm


def test_check_middle_block_params_accepts_the_counts(capsys):
    separable, regular, _ = _middle_block_counts()
    checks.check_middle_block_params(separable, regular)
    checks.check_middle_block_params(float(separable), np.int64(regular))
    assert capsys.readouterr().out.count("Correct") == 2


def test_check_middle_block_params_rejects_missing_or_half_batch_norm_and_biases():
    separable, regular, batch_norm = _middle_block_counts()
    with pytest.raises(AssertionError, match="batch normalizations are missing"):
        checks.check_middle_block_params(separable - 3 * batch_norm, regular)
    with pytest.raises(AssertionError, match=r"block_regular = .*half of each batch normalization"):
        checks.check_middle_block_params(separable, regular - 3 * batch_norm // 2)
    with pytest.raises(AssertionError, match="counts a bias per filter"):
        checks.check_middle_block_params(separable + 3 * 728, regular)


def test_check_middle_block_params_rejects_one_convolution_swaps_and_non_numbers():
    separable, regular, _ = _middle_block_counts()
    with pytest.raises(AssertionError, match="that is one convolution; the block has 3"):
        checks.check_middle_block_params(separable // 3, regular)
    with pytest.raises(AssertionError, match="swapped"):
        checks.check_middle_block_params(regular, separable)
    with pytest.raises(AssertionError, match="should be a number"):
        checks.check_middle_block_params("1.6 million", regular)
    with pytest.raises(AssertionError, match="block_separable = 1,618,345, which is too large"):
        checks.check_middle_block_params(separable + 1, regular)


def right_answers():
    """Check name -> the arguments of one right answer (tests/test_every_check.py uses them)."""
    separable, regular, _ = _middle_block_counts()
    return {
        "check_pointwise_conv": (lambda m, k, b: m @ k + b,),
        "check_separable_block": (_separable_block,),
        "check_middle_block_params": (float(separable), np.int64(regular)),
    }


def wrong_answers():
    """Check name -> near misses ``[(description, answer tuple)]`` (tests/test_every_check.py tries them)."""
    return {
        "check_separable_block": [
            ("ReLU after", (_block(relu="after"),)),
            ("no ReLU", (_block(relu=None),)),
            ("regular convolution", (_block(conv="regular"),)),
            ("no batch norm", (_block(batch_norm=False),)),
            ("biases", (_block(bias=True),)),
            ("two layers with biases", (_block(conv="two layers", bias=True),)),
        ],
    }
