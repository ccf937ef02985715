"""The checks of notebook 15, ``course_lib.checks.nb15_resnet``, accept right answers and
reject wrong ones."""

import pytest

from course_lib import checks


def _residual_unit_params(c_in, filters, strides):
    from course_lib.counting import batch_norm_params, conv2d_params

    count = conv2d_params(3, c_in, filters, use_bias=False) + batch_norm_params(filters)
    count += conv2d_params(3, filters, filters, use_bias=False) + batch_norm_params(filters)
    if strides != 1 or c_in != filters:
        count += conv2d_params(1, c_in, filters, use_bias=False) + batch_norm_params(filters)
    return count


def test_check_residual_unit_params_accepts_the_formula(capsys):
    checks.check_residual_unit_params(_residual_unit_params)
    checks.check_residual_unit_params(lambda c, f, s: float(_residual_unit_params(c, f, s)))
    assert capsys.readouterr().out.count("Correct") == 2


def _branch_params(c_in, filters):
    from course_lib.counting import batch_norm_params, conv2d_params

    return (conv2d_params(3, c_in, filters, use_bias=False) + conv2d_params(3, filters, filters, use_bias=False)
            + 2 * batch_norm_params(filters))


def test_check_residual_unit_params_rejects_wrong_projections():
    from course_lib.counting import batch_norm_params, conv2d_params

    with pytest.raises(AssertionError, match="leaves out the 1x1 projection"):
        checks.check_residual_unit_params(lambda c, f, s: _branch_params(c, f))
    with pytest.raises(AssertionError, match="adds a projection, but the shortcut is the identity"):
        checks.check_residual_unit_params(
            lambda c, f, s: _branch_params(c, f) + conv2d_params(1, c, f, use_bias=False) + batch_norm_params(f)
        )


def _unit_params_minus(per_batch_norm):
    """_residual_unit_params with ``per_batch_norm * filters`` taken off for every batch norm."""

    def wrong(c, f, s):
        batch_norms = 3 if s != 1 or c != f else 2
        return _residual_unit_params(c, f, s) - per_batch_norm * f * batch_norms

    return wrong


def test_check_residual_unit_params_rejects_batch_norm_and_bias_mistakes():
    with pytest.raises(AssertionError, match="only gamma and beta"):
        checks.check_residual_unit_params(_unit_params_minus(2))
    with pytest.raises(AssertionError, match="leaves out the batch normalisations"):
        checks.check_residual_unit_params(_unit_params_minus(4))
    with pytest.raises(AssertionError, match="adds biases"):
        checks.check_residual_unit_params(_unit_params_minus(-1))
    with pytest.raises(AssertionError, match="expected a whole number"):
        checks.check_residual_unit_params(lambda c, f, s: "many")
    with pytest.raises(AssertionError, match="not attempted yet"):
        checks.check_residual_unit_params(lambda c, f, s: exec("raise NotImplementedError"))


def _bottleneck_macs(height, width, channels, filters):
    return height * width * (channels * filters + 9 * filters * filters + filters * channels)


def test_check_bottleneck_macs_accepts_the_formula_and_conv2d_macs(capsys):
    from course_lib.counting import conv2d_macs

    checks.check_bottleneck_macs(_bottleneck_macs)
    checks.check_bottleneck_macs(
        lambda h, w, c, f: conv2d_macs(h, w, 1, c, f) + conv2d_macs(h, w, 3, f, f) + conv2d_macs(h, w, 1, f, c)
    )
    assert capsys.readouterr().out.count("Correct") == 2


def test_check_bottleneck_macs_rejects_missing_and_wrong_convolutions():
    with pytest.raises(AssertionError, match="counts the 3x3 convolution as 1x1"):
        checks.check_bottleneck_macs(lambda h, w, c, f: h * w * (2 * c * f + f * f))
    with pytest.raises(AssertionError, match="leaves out the 1x1 expansion"):
        checks.check_bottleneck_macs(lambda h, w, c, f: h * w * (c * f + 9 * f * f))
    with pytest.raises(AssertionError, match="leaves out the 1x1 reduction"):
        checks.check_bottleneck_macs(lambda h, w, c, f: h * w * (9 * f * f + f * c))
    with pytest.raises(AssertionError, match="makes every convolution 3x3"):
        checks.check_bottleneck_macs(lambda h, w, c, f: 9 * h * w * (2 * c * f + f * f))


def test_check_bottleneck_macs_rejects_an_expansion_hard_coded_as_four_times_filters():
    # Right whenever channels = 4 * filters; one case has channels = 3 * filters.
    with pytest.raises(AssertionError, match=r"bottleneck_macs\(8, 6, 48, 16\) returned [\d,]+: it takes the block's channels as 4 \* filters"):
        checks.check_bottleneck_macs(lambda h, w, c, f: _bottleneck_macs(h, w, 4 * f, f))


def test_check_bottleneck_macs_rejects_weights_and_the_unit_it_replaces():
    with pytest.raises(AssertionError, match="is the number of weights"):
        checks.check_bottleneck_macs(lambda h, w, c, f: 2 * c * f + 9 * f * f)
    with pytest.raises(AssertionError, match="two 3x3 convolutions at full width"):
        checks.check_bottleneck_macs(lambda h, w, c, f: h * w * 18 * c * c)
    with pytest.raises(AssertionError, match=r"expected a whole number"):
        checks.check_bottleneck_macs(lambda h, w, c, f: _bottleneck_macs(h, w, c, f) + 0.5)


def right_answers():
    """Check name -> the arguments of one right answer (tests/test_every_check.py uses them)."""
    return {
        "check_residual_unit_params": (_residual_unit_params,),
        "check_bottleneck_macs": (_bottleneck_macs,),
    }
