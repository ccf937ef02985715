"""Checks for the exercises of notebook 04, ``notebooks/04_padding_and_stride.ipynb``."""

from course_lib.checks._common import exercise_check, _call, _fail, _passed, _read_answer


def _size_cases():
    """``(n, k, s, p)`` cases for output-size exercises: strides that fit and that do not, with padding."""
    cases = [(7, 3, 1, 0), (7, 3, 2, 0), (7, 3, 3, 0), (4, 3, 1, 1), (32, 3, 1, 2), (13, 6, 5, 1)]
    for n in (5, 8, 13, 28):
        for k in (1, 2, 3, 5):
            for s in (1, 2, 3, 4):
                for p in (0, 1, 2):
                    if k <= n + 2 * p:
                        cases.append((n, k, s, p))
    return cases


@exercise_check
def check_out_size(out_size):
    """Notebook 04, exercise 1: check a learner's ``out_size(n, k, s, p)``: positions of a k-window, stride s, p zeros per side.

    The expected value comes from :func:`course_lib.conv.output_size`, on strides that fit and
    strides that do not, with and without padding.

    Example:
        >>> check_out_size(lambda n, k, s, p: (n + 2 * p - k) // s + 1)
        Correct: out_size agrees with course_lib.conv.output_size on 198 cases, including strides that do not fit.
    """
    import math

    from course_lib.conv import output_size

    hint = (
        "Pad first (n + 2 * p rows), count the whole steps the window can take ((n + 2 * p - k) // s), "
        "then add 1 for the window at the start."
    )
    cases = _size_cases()
    for n, k, s, p in cases:
        expected = output_size(n, k, strides=s, padding=p)
        answer = _call(out_size, (n, k, s, p), "out_size", hint)
        where = f"out_size(n={n}, k={k}, s={s}, p={p})"
        if isinstance(answer, float):
            _fail(
                f"{where} returned {answer:g}, a float.",
                "A size is a whole number of windows: use floor division // instead of /, so "
                "a window that would hang over the end is not counted.",
            )
        answer = _read_answer(answer, "int", where, hint, returned=True)
        if answer == expected:
            continue
        if p > 0 and answer == (n + p - k) // s + 1:
            mistake = "Padding p puts p zeros on *each* side, so the padded length is n + 2 * p."
        elif p > 0 and answer == (n - k) // s + 1:
            mistake = "The padding is missing: with p zeros on each side the input is n + 2 * p long."
        elif answer == expected - 1:
            mistake = "Add 1: the window in its first position is an output too, before any step."
        elif answer == math.ceil((n + 2 * p - k) / s) + 1:
            mistake = (
                "Round down, not up: when (n + 2p - k) / s is not whole, the last step would "
                "take the window past the end, so it does not count. Use //."
            )
        else:
            mistake = hint
        _fail(f"{where} returned {answer}; expected {expected}.", mistake)
    _passed(
        f"out_size agrees with course_lib.conv.output_size on {len(cases)} cases, "
        "including strides that do not fit."
    )


@exercise_check
def check_fitting_strides(fitting_strides):
    """Notebook 04, exercise 2: check a learner's ``fitting_strides(n, k)``: every stride 1..n that leaves no row unused (valid padding).

    The expected list comes from :func:`course_lib.conv.unused_input`.

    Example:
        >>> check_fitting_strides(lambda n, k: [s for s in range(1, n + 1) if (n - k) % s == 0])
        Correct: fitting_strides finds every stride that fits, e.g. [1, 2, 4] for a 3x3 kernel on 7 rows.
    """
    from course_lib.conv import unused_input

    hint = (
        "Stride s fits when the window's start can move over the n - k rows in whole steps: "
        "(n - k) % s == 0, or unused_input(n, k, strides=s) == 0. Try every s in range(1, n + 1)."
    )
    for n, k in [(7, 3), (5, 5), (13, 6), (32, 5), (12, 1), (28, 4), (9, 2)]:
        expected = [s for s in range(1, n + 1) if unused_input(n, k, strides=s) == 0]
        answer = _call(fitting_strides, (n, k), "fitting_strides", hint)
        where = f"fitting_strides({n}, {k})"
        try:
            answer = [int(s) for s in answer]
        except (TypeError, ValueError):
            _fail(f"{where} returned {answer!r}; expected a list of ints.", hint)
        if answer == expected:
            continue
        if sorted(set(answer)) == expected:
            _fail(f"{where} returned {answer}; expected {expected}.", "List each stride once, smallest first.")
        missing = sorted(set(expected) - set(answer))
        extra = sorted(set(answer) - set(expected))
        if extra:
            s = extra[0]
            _fail(
                f"{where} includes stride {s}, which does not fit: "
                f"{unused_input(n, k, strides=s)} row(s) at the end are never seen.",
                hint,
            )
        s = missing[0]
        if s == n and n > 1:
            mistake = "range(1, n) stops before n; the last stride to try is n itself: range(1, n + 1)."
        elif n == k:
            mistake = (
                f"When the kernel is as large as the input there is one window and no step, "
                f"so every stride fits. {hint}"
            )
        else:
            mistake = hint
        _fail(f"{where} misses stride {s}, which fits; expected {expected}.", mistake)
    _passed("fitting_strides finds every stride that fits, e.g. [1, 2, 4] for a 3x3 kernel on 7 rows.")


@exercise_check
def check_same_pads(same_pads):
    """Notebook 04, exercise 3: check a learner's ``same_pads(n, k, s)``: TensorFlow's "same" zeros ``(before, after)`` on one axis.

    The expected pair comes from :func:`course_lib.conv.same_padding`.

    Example:
        >>> import math
        >>> def same_pads(n, k, s):
        ...     total = max((math.ceil(n / s) - 1) * s + k - n, 0)
        ...     return total // 2, total - total // 2
        >>> check_same_pads(same_pads)
        Correct: same_pads matches TensorFlow's "same" padding on 68 cases, e.g. (1, 2) for n=13, k=6, s=5.
    """
    import math

    from course_lib.conv import same_padding

    hint = (
        "The output has ceil(n / s) positions; the last window starts at (ceil(n / s) - 1) * s and "
        "needs k rows, so total = max((ceil(n / s) - 1) * s + k - n, 0) zeros; before = total // 2, "
        "after = total - before."
    )
    cases = [(13, 6, 5), (4, 2, 1), (5, 3, 1), (8, 1, 3)]
    cases += [(n, k, s) for n in (6, 7, 10, 13) for k in (1, 2, 3, 4) for s in (1, 2, 3, 4)]
    for n, k, s in cases:
        before, after = expected = same_padding(n, k, s)
        answer = _call(same_pads, (n, k, s), "same_pads", hint)
        where = f"same_pads(n={n}, k={k}, s={s})"
        try:
            answer = tuple(int(v) for v in answer)
        except (TypeError, ValueError):
            _fail(f"{where} returned {answer!r}; expected a pair (before, after).", hint)
        if len(answer) != 2:
            _fail(f"{where} returned {len(answer)} values; expected a pair (before, after).", hint)
        if answer == expected:
            continue
        if answer == (after, before):
            mistake = (
                "When the total is odd, TensorFlow puts the extra zero *after* the input "
                "(bottom/right): before = total // 2, after = total - before."
            )
        elif min(answer) < 0:
            mistake = (
                "A negative number of zeros: when the kernel is smaller than the stride the "
                "formula goes below 0 and no padding is needed. Wrap the total in max(..., 0)."
            )
        elif s > 1 and sum(answer) == k - 1:
            mistake = (
                "k - 1 zeros keep the size only with stride 1. With stride s the output has "
                f"ceil(n / s) positions. {hint}"
            )
        else:
            mistake = hint
        _fail(f"{where} returned {answer}; expected {expected}.", mistake)
    _passed(
        f'same_pads matches TensorFlow\'s "same" padding on {len(cases)} cases, '
        "e.g. (1, 2) for n=13, k=6, s=5."
    )
