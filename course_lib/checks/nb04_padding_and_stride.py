"""Checks for the exercises of notebook 04, ``notebooks/04_padding_and_stride.ipynb``."""

import numpy as np

from course_lib.checks._common import (
    CheckFailed, exercise_check, _call, _fail, _judge_cases, _passed, _read_answer, _read_shape,
)


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
        "pad first (p zeros on each side), then count the window's positions: the one it starts "
        "in, and every whole step of s it can take before it would hang over the end."
    )
    cases = _size_cases()
    answers, expected = [], []
    pending = None
    try:
        for n, k, s, p in cases:
            expected.append(output_size(n, k, strides=s, padding=p))
            answer = _call(out_size, (n, k, s, p), "out_size", hint)
            where = f"out_size(n={n}, k={k}, s={s}, p={p})"
            if isinstance(answer, float):
                _fail(
                    f"{where} returned {answer:g}, a float.",
                    "A size is a whole number of windows: / gives a fraction when the last step does "
                    "not fit; floor division // drops it, as the layers do.",
                )
            answers.append(_read_answer(answer, "int", where, hint, returned=True))
    except CheckFailed as failure:  # judged after the cases before it
        pending = failure
    mistakes = [
        ([(n + p - k) // s + 1 if p else None for n, k, s, p in cases],
         "pads one side only", "padding p puts p zeros on *each* side of the input."),
        ([(n - k) // s + 1 if p else None for n, k, s, p in cases],
         "leaves out the padding", "with p zeros on each side the window moves over a longer input."),
        ([(n + 2 * p - k) // s for n, k, s, p in cases],
         "counts the steps but not the window's first position",
         "the window in its first position, before any step, is an output too."),
        ([math.ceil((n + 2 * p - k) / s) + 1 for n, k, s, p in cases],
         "rounds up, counting a last step that would take the window past the end",
         "when the steps do not fit exactly, the last one does not count: round down."),
    ]

    def where(i):
        n, k, s, p = cases[i]
        return f"out_size(n={n}, k={k}, s={s}, p={p})"

    _judge_cases(answers, expected, where, mistakes, hint, pending=pending)
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
        "a stride fits when the window, stepping s rows at a time from the first row, ends exactly "
        "on the last row (course_lib.conv.unused_input tells how many rows a stride leaves unseen). "
        "Try every stride from 1 up to n, n included."
    )
    cases = [(7, 3), (5, 5), (13, 6), (32, 5), (12, 1), (28, 4), (9, 2)]
    expected = [[s for s in range(1, n + 1) if unused_input(n, k, strides=s) == 0] for n, k in cases]
    answers, pending = [], None
    try:
        for n, k in cases:
            answer = _call(fitting_strides, (n, k), "fitting_strides", hint)
            try:
                answers.append([int(s) for s in answer])
            except (TypeError, ValueError):
                _fail(f"fitting_strides({n}, {k}) returned {answer!r}; expected a list of ints.", hint)
    except CheckFailed as failure:  # judged after the cases before it
        pending = failure
    mistakes = [
        ([[t for t in range(1, n + 1) if n % t == 0] for n, k in cases],
         "keeps the strides that divide n, but the window's start travels over fewer than n rows: "
         "the window itself covers k of them", None),
        ([[t for t in right if t < n] for (n, k), right in zip(cases, expected)],
         "never tries the stride n itself", "a range stops before its end value: make it include n."),
        ([[t for t in range(1, n - k + 1) if (n - k) % t == 0] for n, k in cases],
         "finds no stride when the kernel is as large as the input",
         "then there is one window and no step, so every stride fits."),
    ]
    for (n, k), answer, right in zip(cases, answers, expected):
        where = f"fitting_strides({n}, {k})"
        if answer == right:
            continue
        if sorted(set(answer)) == right:
            _fail(f"{where} returned {answer}: it has the right strides, in another order or repeated.",
                  "List each stride once, smallest first.")
        named = [(text, hint_) for predictions, text, hint_ in mistakes if all(map(list.__eq__, answers, predictions))]
        if named:
            _fail(f"{where} returned {answer}: it {named[0][0]}.", named[0][1] or hint)
        extra = sorted(set(answer) - set(right))
        if extra:
            _fail(
                f"{where} includes stride {extra[0]}, which does not fit: "
                f"{unused_input(n, k, strides=extra[0])} row(s) at the end are never seen.",
                hint,
            )
        _fail(f"{where} returned {answer}: it misses strides that fit.", hint)
    if pending is not None:
        raise pending
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
    from course_lib.conv import same_padding

    hint = (
        "\"same\" gives the output one position per stride step over the input, rounded up. Find "
        "where the last window starts and how far it reaches past the input: that many zeros in "
        "all (never fewer than none), split in two, the odd one after."
    )
    cases = [(13, 6, 5), (4, 2, 1), (5, 3, 1), (8, 1, 3)]
    cases += [(n, k, s) for n in (6, 7, 10, 13) for k in (1, 2, 3, 4) for s in (1, 2, 3, 4)]
    answers, expected = [], []
    pending = None
    try:
        for n, k, s in cases:
            expected.append(tuple(same_padding(n, k, s)))
            answer = _call(same_pads, (n, k, s), "same_pads", hint)
            where = f"same_pads(n={n}, k={k}, s={s})"
            answer = _read_shape(answer, where, hint, "a pair (before, after)")
            if len(answer) != 2:
                _fail(f"{where} returned {len(answer)} values; expected a pair (before, after).", hint)
            answers.append(answer)
    except CheckFailed as failure:  # judged after the cases before it
        pending = failure
    for (n, k, s), answer in zip(cases, answers):
        if min(answer) < 0:
            _fail(
                f"same_pads(n={n}, k={k}, s={s}) returned {answer}: a negative number of zeros.",
                "When the last window ends inside the input (the kernel is smaller than the "
                "stride), no padding is needed: the total never goes below 0.",
            )
    mistakes = [
        ([(right[1], right[0]) for right in expected],
         "puts the extra zero before the input",
         "when the total is odd, TensorFlow puts the extra zero *after* the input (bottom/right)."),
        ([((k - 1) // 2, k - 1 - (k - 1) // 2) for n, k, s in cases],
         "pads k - 1 zeros whatever the stride",
         "k - 1 zeros keep the size only with stride 1; with stride s the output has one position "
         "per stride step. " + hint),
    ]

    def where(i):
        n, k, s = cases[i]
        return f"same_pads(n={n}, k={k}, s={s})"

    _judge_cases(answers, expected, where, mistakes, hint, pending=pending)
    _passed(
        f'same_pads matches TensorFlow\'s "same" padding on {len(cases)} cases, '
        "e.g. (1, 2) for n=13, k=6, s=5."
    )



# The layer of cs231n's quiz: ten 5x5 filters at stride 1 with two zeros on each side, on a
# 32x32x3 input (the notes write it W x H x D; the input is square, so the order does not matter).
_QUIZ = {"input_shape": (32, 32, 3), "filters": 10, "kernel_size": 5, "strides": 1, "padding": 2}


def _quiz_layer():
    """Return ``(output_shape, params)`` of the quiz's layer as Keras builds it: ``(H, W, C)`` and an int."""
    from course_lib.session import import_keras

    keras = import_keras()
    model = keras.Sequential([
        keras.Input(_QUIZ["input_shape"]),
        keras.layers.ZeroPadding2D(_QUIZ["padding"]),
        keras.layers.Conv2D(_QUIZ["filters"], _QUIZ["kernel_size"], strides=_QUIZ["strides"]),
    ])
    return tuple(int(v) for v in model.output_shape[1:]), int(model.count_params())


def _quiz_slips():
    """Return the quiz's known slips: ``(side, what it does)`` pairs for the height and width, and
    ``(count, what it does)`` pairs for the parameters, each computed from the quiz's own numbers."""
    n, _, d = _QUIZ["input_shape"]
    k, s, p, f = _QUIZ["kernel_size"], _QUIZ["strides"], _QUIZ["padding"], _QUIZ["filters"]
    positions = ((n + 2 * p - k) // s + 1) ** 2  # of the output map, where the same filters slide
    per_position = (
        "counts the weights once per position of the output: the same filters slide over every position, "
        "so the map's size does not enter the count"
    )
    sides = [
        ((n - k) // s + 1, "is the size without padding: the zeros add rows before the window slides"),
        ((n + p - k) // s + 1, "counts the zeros on one side only: P zeros go on each side"),
        ((n + 2 * p - k) // s, "misses the + 1: the window in its first position is an output too"),
        (n + 2 * p, "is the size of the padded input: the window takes up F of its rows, so its start stops "
                    "short of the end"),
    ]
    counts = [
        (k * k * d * f, "counts the weights but not the biases: Conv2D adds one bias per filter"),
        (k * k * f + f, "leaves out the input's depth: a filter has one F x F slice per input channel"),
        (k * k * f, "leaves out the input's depth and the biases"),
        (k * k * d * d + d, "gives the layer as many filters as the input has channels: the number of filters K is "
                            "the layer's own setting"),
        (k * k * d + 1, "counts one filter: the layer has K of them, each with its own weights and bias"),
        (k * k * d * f + d, "gives one bias per input channel: there is one bias per filter"),
        (positions * (k * k * d * f + f), per_position),
        (positions * k * k * d * f + f, per_position),
        (n * n * d * f + f, "counts a dense layer's weights, one per input value and filter: a filter sees only "
                            "its F x F x D1 window"),
    ]
    return sides, counts


@exercise_check
def check_conv_layer_quiz(quiz_output_shape, quiz_params):
    """Notebook 04, exercise 4: check cs231n's quiz: ten 5x5 filters, stride 1, padding 2, on a 32x32x3 input.

    ``quiz_output_shape`` is the output volume ``(H, W, C)`` (Keras's order, no batch axis) and
    ``quiz_params`` the layer's parameters, weights and biases. Both are compared with Keras's
    ``ZeroPadding2D(2)`` then ``Conv2D(10, 5)`` built on a 32x32x3 input. No message names the
    expected shape or count.

    Example:
        >>> check_conv_layer_quiz((32, 32, 10), 760)
        Correct: the output volume is 32x32x10 and the layer has 760 parameters, as Keras builds it.
    """
    expected_shape, expected_params = _quiz_layer()
    _, _, depth = _QUIZ["input_shape"]
    filters = _QUIZ["filters"]
    sides, counts = _quiz_slips()
    shape_hint = (
        "Use the box above: the height and the width each follow the output-size formula of section 2, "
        "with the padding on both sides, and the depth is set by the layer, not by its input."
    )
    params_hint = (
        "Use the box above: count the weights of one filter (its height, width and depth), multiply by the "
        "number of filters, and add the biases."
    )
    shape = quiz_output_shape
    if isinstance(shape, np.ndarray) and shape.ndim == 1:
        shape = shape.tolist()
    if not isinstance(shape, (tuple, list)):
        _fail(
            f"quiz_output_shape should be a tuple (height, width, channels); received {type(shape).__name__}.",
            shape_hint,
        )
    if len(shape) == 4 and shape[0] is None:
        _fail(
            "quiz_output_shape has four values: leave out the batch axis (None) that Keras prints first.",
            "Give the volume of one image: (height, width, channels).",
        )
    if len(shape) != 3:
        _fail(
            f"quiz_output_shape has {len(shape)} value(s); a volume has three: (height, width, channels).",
            shape_hint,
        )
    if any(isinstance(v, (float, np.floating)) for v in shape):
        _fail(
            "quiz_output_shape holds a float: a size counts whole positions of the window, so it is an int.",
            "Divide with // (or write the int you worked out): / always gives a float.",
        )
    height, width, channels = (
        _read_answer(v, "int", "each value of quiz_output_shape", shape_hint) for v in shape
    )
    if (height, width, channels) != expected_shape:
        if height == filters and width == channels != height:
            _fail("quiz_output_shape puts the channels first.",
                  "Keras's NHWC order puts them last: (height, width, channels).")
        if channels == depth:
            _fail(
                "quiz_output_shape's depth is the input's depth.",
                "Each filter gives one feature map, whatever the input's depth, so the output has one "
                "channel per filter (D2 = K in the box).",
            )
        if channels == depth * filters:
            _fail(
                "quiz_output_shape's depth gives each filter one map per input channel.",
                "A filter sums over all the input's channels and gives one feature map (D2 = K in the box).",
            )
        if height != width:
            _fail("quiz_output_shape's height and width differ.",
                  "The input, the kernel, the stride and the padding are the same along both axes.")
        for side, slip in sides:
            if height == side != expected_shape[0]:
                _fail(f"quiz_output_shape's height, {height}, {slip}.", shape_hint)
        if height != expected_shape[0]:
            _fail("quiz_output_shape's height and width are not the layer's.", shape_hint)
        _fail("quiz_output_shape's depth is not the layer's.", shape_hint)
    params = _read_answer(quiz_params, "count", "quiz_params", params_hint)
    if params != expected_params:
        why = next((text for value, text in counts if params == value), None)
        _fail(f"quiz_params = {params:,}" + (f": that {why}." if why else " is not the layer's count."), params_hint)
    _passed(
        f"the output volume is {height}x{width}x{channels} and the layer has {params:,} parameters, "
        "as Keras builds it."
    )
