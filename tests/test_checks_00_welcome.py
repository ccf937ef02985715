"""The checks of notebook 00, ``course_lib.checks.nb00_welcome``, accept right answers and
reject wrong ones."""

import numpy as np
import pytest

from course_lib import checks


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
    with pytest.raises(AssertionError, match=r"is 255, not full brightness[\s\S]*1 \(not 255\)"):
        checks.check_single_pixel_image(_pixel_image(value=255))


@pytest.mark.parametrize("answer", ["receptive field", "Receptive Field", "  receptive   field ", "local receptive field"])
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
    with pytest.raises(AssertionError, match="holds 3 term.s., but misses some whose Korean name contains 풀링"):
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


def right_answers():
    """Check name -> the arguments of one right answer (tests/test_every_check.py uses them)."""
    return {
        "check_single_pixel_image": (_pixel_image(),),
        "check_glossary_term": ("receptive field",),
        "check_glossary_search": (POOLING_TERMS,),
    }
