"""Every exercise check accepts a right answer and rejects wrong ones.

A check that cannot fail proves nothing, so each public function of ``course_lib.checks`` must be
named in a ``pytest.raises(AssertionError)`` test below (``test_every_check_is_tested``).
"""

import inspect
import re
from pathlib import Path

import numpy as np
import pytest

from course_lib import checks


def test_every_check_is_tested():
    source = Path(__file__).read_text()
    public = [
        name
        for name, obj in inspect.getmembers(checks, inspect.isfunction)
        if not name.startswith("_") and obj.__module__ == checks.__name__
    ]
    rejected = set(re.findall(r"pytest\.raises\(AssertionError[^\n]*\n\s+checks\.(\w+)\(", source))
    missing = sorted(set(public) - rejected)
    assert not missing, f"checks without a test that they reject a wrong answer: {missing}"


# --------------------------------------------------------------------------- 00 welcome


def _pixel_image(shape=(5, 7), pixel=(2, 4), value=1, dtype=np.float32):
    x = np.zeros(shape, dtype=dtype)
    x[pixel] = value
    return x


def test_single_pixel_image_accepts_right_answer(capsys):
    checks.check_single_pixel_image(_pixel_image())
    assert capsys.readouterr().out.startswith("Correct:")


def test_single_pixel_image_rejects_a_list():
    with pytest.raises(AssertionError, match="should be a NumPy array"):
        checks.check_single_pixel_image(_pixel_image().tolist())


def test_single_pixel_image_rejects_swapped_shape():
    with pytest.raises(AssertionError, match=r"shape \(7, 5\)[\s\S]*rows first"):
        checks.check_single_pixel_image(_pixel_image(shape=(7, 5), pixel=(4, 2)))


def test_single_pixel_image_rejects_float64():
    with pytest.raises(AssertionError, match="dtype float64; expected float32"):
        checks.check_single_pixel_image(_pixel_image(dtype=np.float64))


def test_single_pixel_image_rejects_all_zeros():
    with pytest.raises(AssertionError, match="every value of x is 0"):
        checks.check_single_pixel_image(np.zeros((5, 7), dtype=np.float32))


def test_single_pixel_image_rejects_ones_background():
    with pytest.raises(AssertionError, match="35 non-zero values"):
        checks.check_single_pixel_image(np.ones((5, 7), dtype=np.float32))


def test_single_pixel_image_rejects_swapped_index():
    with pytest.raises(AssertionError, match=r"at \(4, 2\)[\s\S]*rows first"):
        checks.check_single_pixel_image(_pixel_image(pixel=(4, 2)))


def test_single_pixel_image_rejects_counting_from_one():
    with pytest.raises(AssertionError, match=r"at \(3, 5\)[\s\S]*counts from 0"):
        checks.check_single_pixel_image(_pixel_image(pixel=(3, 5)))


def test_single_pixel_image_rejects_255():
    with pytest.raises(AssertionError, match="is 255; expected 1"):
        checks.check_single_pixel_image(_pixel_image(value=255))


@pytest.mark.parametrize("answer", ["receptive field", "Receptive Field", "  receptive   field "])
def test_glossary_term_accepts_case_and_spacing(answer, capsys):
    checks.check_glossary_term(answer)
    assert "'receptive field'" in capsys.readouterr().out


def test_glossary_term_rejects_another_term():
    with pytest.raises(AssertionError, match=r"English for 특성 맵, not for 수용장[\s\S]*table"):
        checks.check_glossary_term("feature map")


def test_glossary_term_rejects_unknown_words_and_types():
    with pytest.raises(AssertionError, match="not the English term for 수용장"):
        checks.check_glossary_term("perception field")
    with pytest.raises(AssertionError, match="should be a string"):
        checks.check_glossary_term(None)
    with pytest.raises(AssertionError, match="empty string"):
        checks.check_glossary_term("  ")
    with pytest.raises(AssertionError, match="Korean term 수용장 itself"):
        checks.check_glossary_term("수용장")


def test_glossary_term_follows_its_korean_argument(capsys):
    checks.check_glossary_term("Stride", korean="스트라이드")
    assert "'stride'" in capsys.readouterr().out


def test_glossary_korean_terms_are_unique():
    from course_lib.glossary import GLOSSARY, korean_to_english

    for english, (korean, meaning) in GLOSSARY.items():
        assert korean_to_english(korean) == english
        assert meaning


POOLING_TERMS = ["pooling", "max pooling", "average pooling", "global average pooling"]


def test_glossary_search_accepts_any_order_and_case(capsys):
    checks.check_glossary_search(list(reversed(POOLING_TERMS)))
    checks.check_glossary_search(tuple(t.upper() for t in POOLING_TERMS))
    assert capsys.readouterr().out.count("Correct:") == 2


def test_glossary_search_rejects_a_missing_term():
    with pytest.raises(AssertionError, match="misses 1 of the 4 terms, e.g. 'pooling'"):
        checks.check_glossary_search(POOLING_TERMS[1:])


def test_glossary_search_rejects_an_extra_term():
    with pytest.raises(AssertionError, match="does not contain 풀링: 'stride'"):
        checks.check_glossary_search(POOLING_TERMS + ["stride"])


def test_glossary_search_rejects_wrong_types():
    with pytest.raises(AssertionError, match="one string"):
        checks.check_glossary_search("pooling")
    with pytest.raises(AssertionError, match="received int"):
        checks.check_glossary_search(4)
    with pytest.raises(AssertionError, match="only strings"):
        checks.check_glossary_search([1, 2])


# --------------------------------------------------------------------------- 01 images and dense layers


# --------------------------------------------------------------------------- 02 convolution


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
    with pytest.raises(AssertionError, match="not written yet"):
        checks.check_corr2d(lambda image, kernel: (_ for _ in ()).throw(NotImplementedError))
    with pytest.raises(AssertionError, match="returned None"):
        checks.check_corr2d(lambda image, kernel: None)


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
    with pytest.raises(AssertionError, match=r"expected \(3, 3\)"):
        checks.check_horizontal_edge_filter(np.zeros((2, 2)))
