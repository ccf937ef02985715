"""The checks of notebook 17, ``course_lib.checks.nb17_senet``, accept right answers and
reject wrong ones."""

import pytest

from course_lib import checks


def _se_block_params(channels, reduction):
    hidden = channels // reduction
    return 2 * channels * hidden + hidden + channels


def test_check_se_block_params_accepts_the_formula_and_dense_params(capsys):
    from course_lib.counting import dense_params

    checks.check_se_block_params(_se_block_params)
    checks.check_se_block_params(lambda c, r: dense_params(c, c // r) + dense_params(c // r, c))
    assert capsys.readouterr().out.count("Correct") == 2


def test_check_se_block_params_rejects_missing_biases():
    with pytest.raises(AssertionError, match="counts the weights but not the biases"):
        checks.check_se_block_params(lambda c, r: 2 * c * (c // r))
    with pytest.raises(AssertionError, match="biases of the second Dense layer"):
        checks.check_se_block_params(lambda c, r: 2 * c * (c // r) + c // r)
    with pytest.raises(AssertionError, match="biases of the first Dense layer"):
        checks.check_se_block_params(lambda c, r: 2 * c * (c // r) + c)


def test_check_se_block_params_rejects_wrong_layers_and_reductions():
    with pytest.raises(AssertionError, match="counts only the first Dense layer"):
        checks.check_se_block_params(lambda c, r: c * (c // r) + c // r)
    with pytest.raises(AssertionError, match="multiplies by the reduction"):
        checks.check_se_block_params(lambda c, r: 2 * c * c * r + c * r + c)
    with pytest.raises(AssertionError, match="leaves out the reduction"):
        checks.check_se_block_params(lambda c, r: 2 * c * c + 2 * c)
    with pytest.raises(AssertionError, match="returned None"):
        checks.check_se_block_params(lambda c, r: None)


def _se_resnet50_extra(reduction):
    stages = ((64, 3), (128, 4), (256, 6), (512, 3))
    return sum(units * _se_block_params(4 * filters, reduction) for filters, units in stages)


def test_check_se_resnet50_extra_accepts_the_sum_and_matches_the_built_model(capsys):
    from course_lib.architectures import resnet, senet

    checks.check_se_resnet50_extra(_se_resnet50_extra)
    assert capsys.readouterr().out.startswith("Correct")
    assert _se_resnet50_extra(16) == 2_530_992  # what test_architectures_senet measures on the model
    assert resnet.RESNET50_STAGES == ((64, 3), (128, 4), (256, 6), (512, 3))
    assert senet.se_params(2048, 16) == _se_block_params(2048, 16)


def test_check_se_resnet50_extra_rejects_per_stage_and_wrong_channels():
    stages = ((64, 3), (128, 4), (256, 6), (512, 3))
    with pytest.raises(AssertionError, match="one SE block per stage"):
        checks.check_se_resnet50_extra(lambda r: sum(_se_block_params(4 * f, r) for f, _ in stages))
    with pytest.raises(AssertionError, match="uses the bottleneck filters"):
        checks.check_se_resnet50_extra(lambda r: sum(n * _se_block_params(f, r) for f, n in stages))


def test_check_se_resnet50_extra_rejects_missing_biases_and_the_whole_model():
    stages = ((64, 3), (128, 4), (256, 6), (512, 3))
    with pytest.raises(AssertionError, match="counts the weights but not the biases"):
        checks.check_se_resnet50_extra(lambda r: sum(n * 2 * (4 * f) ** 2 // r for f, n in stages))
    with pytest.raises(AssertionError, match="is the whole SE-ResNet-50"):
        checks.check_se_resnet50_extra(lambda r: _se_resnet50_extra(r) + 25_636_712)


def right_answers():
    """Check name -> the arguments of one right answer (tests/test_every_check.py uses them)."""
    return {
        "check_se_block_params": (_se_block_params,),
        "check_se_resnet50_extra": (_se_resnet50_extra,),
    }
