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


def _first_dense_params(side):
    return (side // 32) ** 2 * 512 * 4096 + 4096


def test_check_first_dense_params_accepts_the_right_count(capsys):
    checks.check_first_dense_params(_first_dense_params)
    checks.check_first_dense_params(lambda side: np.int64(_first_dense_params(side)))
    assert capsys.readouterr().out.count("Correct") == 2


def test_check_first_dense_params_rejects_wrong_counts():
    with pytest.raises(AssertionError, match="forgets the 4,096 biases"):
        checks.check_first_dense_params(lambda side: (side // 32) ** 2 * 512 * 4096)
    with pytest.raises(AssertionError, match="does not round down"):
        checks.check_first_dense_params(lambda side: (side / 32) ** 2 * 512 * 4096 + 4096)
    with pytest.raises(AssertionError, match="four times; VGG16 has five"):
        checks.check_first_dense_params(lambda side: (side // 16) ** 2 * 512 * 4096 + 4096)
    with pytest.raises(AssertionError, match="forgets the 512 channels"):
        checks.check_first_dense_params(lambda side: (side // 32) ** 2 * 4096 + 4096)
    with pytest.raises(AssertionError, match="whatever the side"):
        checks.check_first_dense_params(lambda side: 7 * 7 * 512 * 4096 + 4096)
    with pytest.raises(AssertionError, match="a count is a whole number"):
        checks.check_first_dense_params(lambda side: _first_dense_params(side) + 0.5)


def right_answers():
    """Check name -> the arguments of one right answer (tests/test_every_check.py uses them)."""
    return {
        "check_stacked_3x3": (_stacked_3x3,),
        "check_first_dense_params": (lambda side: np.int64(_first_dense_params(side)),),
    }
