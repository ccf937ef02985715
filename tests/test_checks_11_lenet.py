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


def test_check_partial_params_rejects_common_mistakes():
    with pytest.raises(AssertionError, match="leaves out the biases"):
        checks.check_partial_params(lambda table, k: sum(k * k * len(t) for t in table))
    with pytest.raises(AssertionError, match="has its square"):
        checks.check_partial_params(lambda table, k: sum(k * len(t) + 1 for t in table))
    with pytest.raises(AssertionError, match="longest row"):
        checks.check_partial_params(lambda table, k: len(table) * (k * k * max(map(len, table)) + 1))
    # Six inputs for every map is right for the full table only: no mistake is named for it.
    with pytest.raises(AssertionError, match=r"C3 table, 5\) returned 2,416, which is too large"):
        checks.check_partial_params(lambda table, k: len(table) * (k * k * 6 + 1))
    with pytest.raises(AssertionError, match="returned 1,600, and the same for every case tried"):
        checks.check_partial_params(lambda table, k: 1_600)
    with pytest.raises(AssertionError, match="a count is a whole number"):
        checks.check_partial_params(lambda table, k: 1516.5)


def test_check_partial_params_tells_a_hard_coded_c3_count_what_it_is():
    # 1,516 is right for C3; for the full table that follows, the check says the answer ignores
    # the table, under a label that is not C3's, and never gives the full table's count.
    with pytest.raises(AssertionError) as failure:
        checks.check_partial_params(lambda table, k: 1_516)
    message = str(failure.value)
    assert "a full table (16 maps, each reading all 6 inputs), 5) returned 1,516, and the same for every case" in message
    assert "2,416" not in message and "2416" not in message


def test_check_flatten_length_accepts_the_layer_by_layer_answer(capsys):
    def by_layers(side):
        side = (side - 4) // 2
        side = (side - 4) // 2
        return 16 * side**2

    checks.check_flatten_length(by_layers)
    assert capsys.readouterr().out.startswith("Correct")


def test_check_flatten_length_rejects_wrong_lengths():
    with pytest.raises(AssertionError, match="side of the last map"):
        checks.check_flatten_length(lambda side: ((side - 4) // 2 - 4) // 2)
    with pytest.raises(AssertionError, match="counts one map"):
        checks.check_flatten_length(lambda side: (((side - 4) // 2 - 4) // 2) ** 2)
    with pytest.raises(AssertionError, match=r"flatten_length\(33\)"):  # rounding up is wrong for odd sides
        checks.check_flatten_length(lambda side: 16 * (-(-(-(-(side - 4) // 2) - 4) // 2)) ** 2)
    with pytest.raises(AssertionError, match="raised NameError"):
        checks.check_flatten_length(lambda side: undefined_name)  # noqa: F821


def right_answers():
    """Check name -> the arguments of one right answer (tests/test_every_check.py uses them)."""
    return {
        "check_partial_params": (lambda table, k: sum(k * k * len(t) + 1 for t in table),),
        "check_flatten_length": (lambda side: 16 * (((side - 4) // 2 - 4) // 2) ** 2,),
    }
