"""Checks for the exercises of notebook 11, ``notebooks/11_lenet.ipynb``."""

from course_lib.checks._common import exercise_check, _call, _fail, _passed, _read_answer


def _partial_tables():
    """``(table, kernel_size)`` cases: LeNet-5's C3, a full table, and two small irregular ones."""
    from course_lib.architectures import lenet

    return [
        (lenet.C3_TABLE, 5),
        (tuple(tuple(range(6)) for _ in range(16)), 5),
        (((0,), (1, 2), (0, 1, 2)), 3),
        (((0, 3), (1,), (2, 3), (0, 1, 2, 3), (1, 2)), 7),
    ]


@exercise_check
def check_partial_params(partial_params):
    """Notebook 11, exercise 1: check a learner's ``partial_params(table, kernel_size)``: the parameters of a partly connected layer.

    The expected count is :func:`course_lib.architectures.lenet.partial_conv2d_params`: one
    single-filter ``Conv2D`` per output map, over the maps its row of the table lists.
    """
    from course_lib import counting

    hint = (
        "Output map i has kernel_size * kernel_size weights for each input map it reads, "
        "len(table[i]) of them, and one bias: sum(kernel_size * kernel_size * len(inputs) + 1 "
        "for inputs in table)."
    )
    for table, k in _partial_tables():
        expected = sum(counting.conv2d_params(k, len(inputs), 1) for inputs in table)
        answer = _call(partial_params, (table, k), "partial_params", hint)
        name = f"partial_params(table of {len(table)} maps, {k})"
        answer = _read_answer(answer, "count", name, hint)
        if answer == expected:
            continue
        known = [
            (expected - len(table), "leaves out the biases: each output map has one"),
            (sum(k * len(inputs) + 1 for inputs in table),
             "counts kernel_size weights per input map; a kernel_size x kernel_size filter has its square"),
            (len(table) * (k * k * max(map(len, table)) + 1),
             "gives every output map as many inputs as the longest row of the table"),
        ]
        problem = next((text for value, text in known if answer == value), f"should be {expected:,}")
        _fail(f"{name} = {answer:,}: it {problem}.", hint)
    _passed("partial_params gives 1,516 for LeNet-5's C3 and the right count for every table tried.")


@exercise_check
def check_flatten_length(flatten_length):
    """Notebook 11, exercise 2: check a learner's ``flatten_length(side)``: the values LeNet-5's ``flatten`` layer passes on.

    The expected value follows each layer of :func:`course_lib.architectures.lenet.lenet5` with
    :func:`course_lib.conv.output_size` (5x5 convolution, 2x2 pooling with stride 2, twice).
    """
    from course_lib.conv import output_size

    hint = (
        "A 5x5 convolution without padding gives side - 4; a 2x2 pooling gives side // 2 (an odd "
        "last row is dropped). Do both twice, then multiply the final side by itself and by 16 maps."
    )
    for side in (32, 28, 33, 64, 100, 16):
        s = side
        for kernel, stride in ((5, 1), (2, 2), (5, 1), (2, 2)):
            s = output_size(s, kernel, stride)
        expected = s * s * 16
        answer = _read_answer(_call(flatten_length, (side,), "flatten_length", hint), "count", f"flatten_length({side})", hint)
        if answer == expected:
            continue
        if answer == s:
            problem = f"is the side of the last map ({s}); flatten passes side x side x 16 values"
        elif answer == s * s:
            problem = f"counts one map ({s}x{s}); S4 has 16 of them"
        else:
            problem = f"should be {expected:,} ({s}x{s}x16)"
        _fail(f"flatten_length({side}) = {answer:,}: it {problem}.", hint)
    _passed("flatten_length matches LeNet-5's flatten layer for inputs from 16x16 to 100x100.")
