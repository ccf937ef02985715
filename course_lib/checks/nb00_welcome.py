"""Checks for the exercises of notebook 00, ``notebooks/00_welcome.ipynb``."""

import numpy as np

from course_lib.checks._common import exercise_check, _fail, _passed


@exercise_check
def check_single_pixel_image(x, shape=(5, 7), pixel=(2, 4)):
    """Notebook 00, exercise 1: check a float32 image of ``shape`` that is 0 everywhere except 1 at ``pixel = (row, column)``.

    Example:
        >>> x = np.zeros((5, 7), dtype=np.float32)
        >>> x[2, 4] = 1
        >>> check_single_pixel_image(x)
        Correct: a (5, 7) float32 image, all zeros except x[2, 4] = 1.
    """
    shape, pixel = tuple(shape), tuple(pixel)
    if not isinstance(x, np.ndarray):
        _fail(
            f"x should be a NumPy array; received {type(x).__name__}.",
            "np.zeros makes an array of zeros of a given shape and dtype; you can then change one element.",
        )
    if x.shape != shape:
        if x.shape == shape[::-1]:
            hint = "NumPy shapes list rows first: (height, width), not (width, height)."
        else:
            hint = "give np.zeros the shape as one tuple: the height, then the width."
        _fail(f"x has shape {x.shape}, but the exercise asks for an image of height {shape[0]} and width {shape[1]}.", hint)
    if x.dtype != np.float32:
        _fail(
            f"x has dtype {x.dtype}; expected float32.",
            "np.zeros gives float64 unless you ask for dtype=np.float32; the course keeps "
            "images in float32, the type Keras computes with.",
        )
    lit = [tuple(int(i) for i in index) for index in np.argwhere(x != 0)]
    if not lit:
        _fail(
            "every value of x is 0; one pixel should be 1.",
            "set one element by indexing the array with its row and its column.",
        )
    if len(lit) > 1:
        _fail(
            f"x has {len(lit)} non-zero values; expected exactly one.",
            "start from an array of zeros (not ones) and change only the one pixel.",
        )
    if lit[0] != pixel:
        if lit[0] == pixel[::-1]:
            hint = "index rows first: x[row, column]; the row counts down from the top."
        else:
            hint = "Python counts from 0: row 0 is the top row and column 0 the left column."
        _fail(f"the non-zero pixel is at {lit[0]}, but the exercise asks for row {pixel[0]}, column {pixel[1]}.", hint)
    if x[pixel] != 1:
        _fail(
            f"x{list(pixel)} is {float(x[pixel]):g}, not full brightness.",
            "images in this course are scaled to [0, 1], so 1 (not 255) is full brightness.",
        )
    _passed(f"a {shape} float32 image, all zeros except x[{pixel[0]}, {pixel[1]}] = 1.")


def _normalise_term(term):
    """Lower-case a term, read hyphens and underscores as spaces, collapse runs of spaces."""
    return " ".join(term.lower().replace("-", " ").replace("_", " ").split())


# Other English names that are right for a Korean term: Hubel and Wiesel, and LeCun after them,
# call a unit's receptive field its local receptive field.
_ALSO_RIGHT = {"수용장": ("local receptive field",)}


@exercise_check
def check_glossary_term(answer, korean="수용장"):
    """Notebook 00, exercise 2: check that ``answer`` is the English glossary term for ``korean`` (case and spaces ignored).

    Example:
        >>> check_glossary_term("Receptive  Field")
        Correct: 수용장 is 'receptive field' in English.
    """
    from course_lib import glossary

    expected = glossary.korean_to_english(korean)
    hint = f"find {korean} in the Korean column of the glossary table above."
    if not isinstance(answer, str):
        _fail(
            f"answer should be a string such as 'feature map'; received {type(answer).__name__}.",
            hint,
        )
    if not answer.strip():
        _fail("answer is an empty string.", hint)
    if answer.strip() == korean:
        _fail(f"answer is the Korean term {korean} itself; the English term is asked for.", hint)
    if _normalise_term(answer) in [_normalise_term(term) for term in (expected, *_ALSO_RIGHT.get(korean, ()))]:
        _passed(f"{korean} is {expected!r} in English.")
        return
    for english, (term, _) in glossary.GLOSSARY.items():
        if _normalise_term(answer) == _normalise_term(english):
            _fail(f"{answer!r} is the English for {term}, not for {korean}.", hint)
    _fail(f"{answer!r} is not the English term for {korean}.", hint)


@exercise_check
def check_glossary_search(terms, fragment="풀링"):
    """Notebook 00, exercise 3: check ``terms``: every English glossary term whose Korean term contains ``fragment``.

    Order, case and spacing do not matter.

    Example:
        >>> check_glossary_search(["pooling", "max pooling", "average pooling",
        ...                        "global average pooling"])
        Correct: the 4 terms whose Korean name contains 풀링.
    """
    from course_lib import glossary

    expected = {english for english, (term, _) in glossary.GLOSSARY.items() if fragment in term}
    hint = (
        "every entry of glossary.GLOSSARY pairs an English term with its Korean term and its "
        f"meaning; keep the English terms whose Korean term contains {fragment}."
    )
    if isinstance(terms, str):
        _fail("terms is one string; it should be a list of strings, one English term each.", hint)
    try:
        terms = list(terms)
    except TypeError:
        _fail(f"terms should be a list of strings; received {type(terms).__name__}.", hint)
    if not all(isinstance(t, str) for t in terms):
        _fail("terms should hold only strings, one English term each.", hint)
    given = {_normalise_term(t) for t in terms}
    wanted = {_normalise_term(t): t for t in expected}
    missing = sorted(wanted[t] for t in set(wanted) - given)
    extra = sorted(set(given) - set(wanted))
    if missing:
        _fail(f"terms holds {len(given)} term(s), but misses some whose Korean name contains {fragment}.", hint)
    if extra:
        _fail(
            f"terms holds {len(extra)} term(s) whose Korean name does not contain {fragment}: "
            f"{', '.join(map(repr, extra))}.",
            hint,
        )
    _passed(f"the {len(wanted)} terms whose Korean name contains {fragment}.")
