"""Checks for the exercises of notebook 11, ``notebooks/11_lenet.ipynb``."""

from course_lib.checks._common import CheckFailed, exercise_check, _call, _judge_cases, _passed, _read_answer


def _partial_tables():
    """``(table, kernel_size, what the messages call it)`` cases: LeNet-5's C3, a full table,
    and two small irregular ones."""
    from course_lib.architectures import lenet

    return [
        (lenet.C3_TABLE, 5, "LeNet-5's C3 table"),
        (tuple(tuple(range(6)) for _ in range(16)), 5, "a full table (16 maps, each reading all 6 inputs)"),
        (((0,), (1, 2), (0, 1, 2)), 3, "the table ((0,), (1, 2), (0, 1, 2))"),
        (((0, 3), (1,), (2, 3), (0, 1, 2, 3), (1, 2)), 7, "the table ((0, 3), (1,), (2, 3), (0, 1, 2, 3), (1, 2))"),
    ]


@exercise_check
def check_partial_params(partial_params):
    """Notebook 11, exercise 1: check a learner's ``partial_params(table, kernel_size)``: the parameters of a partly connected layer.

    The expected count is :func:`course_lib.architectures.lenet.partial_conv2d_params`: one
    single-filter ``Conv2D`` per output map, over the maps its row of the table lists.
    """
    from course_lib import counting

    hint = (
        "each output map has its own filter: one kernel_size x kernel_size slice for every input "
        "map its row of the table lists, and one bias. Add up over the rows of the table."
    )
    cases = _partial_tables()
    answers, expected = [], []
    pending = None
    try:
        for table, k, what in cases:
            expected.append(sum(counting.conv2d_params(k, len(inputs), 1) for inputs in table))
            answer = _call(partial_params, (table, k), "partial_params", hint)
            answers.append(_read_answer(answer, "count", f"partial_params({what}, {k})", hint))
    except CheckFailed as failure:  # judged after the cases before it
        pending = failure
    mistakes = [
        ([e - len(table) for e, (table, _, _) in zip(expected, cases)],
         "leaves out the biases: each output map has one", None),
        ([sum(k * len(inputs) + 1 for inputs in table) for table, k, _ in cases],
         "counts kernel_size weights per input map; a kernel_size x kernel_size filter has its square", None),
        ([len(table) * (k * k * max(map(len, table)) + 1) for table, k, _ in cases],
         "gives every output map as many inputs as the longest row of the table", None),
    ]
    _judge_cases(
        answers, expected, lambda i: f"partial_params({cases[i][2]}, {cases[i][1]})", mistakes, hint,
        pending=pending,
    )
    _passed("partial_params gives 1,516 for LeNet-5's C3 and the right count for every table tried.")


@exercise_check
def check_flatten_length(flatten_length):
    """Notebook 11, exercise 2: check a learner's ``flatten_length(side)``: the values LeNet-5's ``flatten`` layer passes on.

    The expected value follows each layer of :func:`course_lib.architectures.lenet.lenet5` with
    :func:`course_lib.conv.output_size` (5x5 convolution, 2x2 pooling with stride 2, twice).
    """
    import math

    from course_lib.conv import output_size

    hint = (
        "follow the layers: a 5x5 convolution without padding loses a border of pixels, a 2x2 "
        "pooling halves the side and drops an odd last row; twice each. Flatten then passes on "
        "every value of every map of S4."
    )
    sides = (32, 28, 33, 64, 100, 16)
    answers, expected, last = [], [], []
    pending = None
    try:
        for side in sides:
            s = side
            for kernel, stride in ((5, 1), (2, 2), (5, 1), (2, 2)):
                s = output_size(s, kernel, stride)
            last.append(s)
            expected.append(s * s * 16)
            answers.append(_read_answer(_call(flatten_length, (side,), "flatten_length", hint), "count",
                                        f"flatten_length({side})", hint))
    except CheckFailed as failure:  # judged after the cases before it
        pending = failure
    rounded_up = [math.ceil((math.ceil((side - 4) / 2) - 4) / 2) for side in sides]
    mistakes = [
        (last, "is the side of the last map; flatten passes side x side values of each map", None),
        ([s * s for s in last], "counts one map; S4 has 16 of them", None),
        ([16 * s * s for s in rounded_up], "rounds the pooled sides up; a 2x2 pooling drops an odd last row", None),
    ]
    _judge_cases(answers, expected, lambda i: f"flatten_length({sides[i]})", mistakes, hint, pending=pending)
    _passed("flatten_length matches LeNet-5's flatten layer for inputs from 16x16 to 100x100.")
