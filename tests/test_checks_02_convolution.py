"""The checks of notebook 02, ``course_lib.checks.nb02_convolution``, accept right answers and
reject wrong ones."""

import numpy as np
import pytest

from course_lib import checks


def _corr2d_right(image, kernel):
    from course_lib.conv import conv2d

    return conv2d(image, kernel)


def test_check_corr2d_accepts_a_right_answer(capsys):
    checks.check_corr2d(_corr2d_right)
    assert capsys.readouterr().out.startswith("Correct")


def test_check_corr2d_rejects_a_flipped_kernel():
    with pytest.raises(AssertionError, match="flips the kernel"):
        checks.check_corr2d(lambda image, kernel: _corr2d_right(image, kernel[::-1, ::-1]))


def test_check_corr2d_rejects_a_wrong_size_and_a_crash_and_a_stub():
    with pytest.raises(AssertionError, match="shape"):
        checks.check_corr2d(lambda image, kernel: _corr2d_right(image, kernel)[:-1])
    with pytest.raises(AssertionError, match="raised IndexError"):
        checks.check_corr2d(lambda image, kernel: image[100, 100])
    with pytest.raises(AssertionError, match="not attempted yet"):
        checks.check_corr2d(lambda image, kernel: (_ for _ in ()).throw(NotImplementedError))
    with pytest.raises(AssertionError, match="returned None"):
        checks.check_corr2d(lambda image, kernel: None)
    with pytest.raises(AssertionError, match="corr2d returned a str, not an array"):
        checks.check_corr2d(lambda image, kernel: "the output")


def test_check_corr2d_rejects_square_only_code():
    # A classic bug: using kh for both directions works on square kernels only.
    def square_only(image, kernel):
        kh = kernel.shape[0]
        return _corr2d_right(image, np.resize(kernel, (kh, kh)))

    with pytest.raises(AssertionError, match="corr2d"):
        checks.check_corr2d(square_only)


def test_check_convolve(capsys):
    import scipy.signal

    checks.check_convolve(lambda image, kernel: scipy.signal.convolve2d(image, kernel, mode="valid"))
    assert "Correct" in capsys.readouterr().out
    with pytest.raises(AssertionError, match="did not flip"):
        checks.check_convolve(_corr2d_right)
    with pytest.raises(AssertionError, match="upside down only"):
        checks.check_convolve(lambda image, kernel: _corr2d_right(image, kernel[::-1]))
    with pytest.raises(AssertionError, match="convolve returned None"):
        checks.check_convolve(lambda image, kernel: None)
    with pytest.raises(AssertionError, match="convolve returned a list, not an array"):
        checks.check_convolve(lambda image, kernel: [[1, 2], [3]])


def test_check_horizontal_edge_filter(capsys):
    checks.check_horizontal_edge_filter([[-1, -1, -1], [0, 0, 0], [1, 1, 1]])
    checks.check_horizontal_edge_filter(np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]]))
    assert capsys.readouterr().out.count("Correct") == 2
    with pytest.raises(AssertionError, match="weights sum to"):
        checks.check_horizontal_edge_filter(np.ones((3, 3)))
    with pytest.raises(AssertionError, match="no positive response"):
        checks.check_horizontal_edge_filter([[1, 1, 1], [0, 0, 0], [-1, -1, -1]])
    with pytest.raises(AssertionError, match="vertical edge"):
        checks.check_horizontal_edge_filter([[-1, -1, -1], [0, 0, 0], [-1, 1, 3]])
    with pytest.raises(AssertionError, match=r"shape \(2, 2\), but the exercise asks for a 3x3 filter"):
        checks.check_horizontal_edge_filter(np.zeros((2, 2)))


def right_answers():
    """Check name -> the arguments of one right answer (tests/test_every_check.py uses them)."""
    import scipy.signal

    return {
        "check_corr2d": (_corr2d_right,),
        "check_convolve": (lambda image, kernel: scipy.signal.convolve2d(image, kernel, mode="valid"),),
        "check_horizontal_edge_filter": ([[-1, -1, -1], [0, 0, 0], [1, 1, 1]],),
    }
