"""Checks for the exercises of notebook 13, ``notebooks/13_vgg.ipynb``."""

import numpy as np

from course_lib.checks._common import CheckFailed, exercise_check, _call, _judge_cases, _passed, _read_answer


@exercise_check
def check_stacked_3x3(stacked_3x3):
    """Notebook 13, exercise 1: check a learner's ``stacked_3x3(n, channels)``: ``(field, params)`` of ``n`` stacked 3x3 convolutions.

    Each convolution has stride 1, ``channels`` input channels and ``channels`` filters, with
    biases. ``field`` is the side of the input window one output unit sees. The expected values
    come from :func:`course_lib.counting.receptive_field` and :func:`course_lib.counting.conv2d_params`.
    """
    from course_lib.counting import conv2d_params, receptive_field

    hint = (
        "each extra 3x3 layer lets an output unit see a little further on each side of the window "
        "the layers below it see: count how far. Every layer of the stack is a 3x3 convolution "
        "from channels to channels, with biases."
    )
    cases = [(n, c) for n in (1, 2, 3, 4) for c in (1, 3, 64, 256)]
    fields, params, got_fields, got_params = [], [], [], []
    pending = None
    try:
        for n, channels in cases:
            fields.append(receptive_field([(3, 1)] * n).size)
            params.append(n * conv2d_params(3, channels, channels))
            call = f"stacked_3x3({n}, {channels})"
            got_field, got_param = _read_answer(_call(stacked_3x3, (n, channels), "stacked_3x3", hint), "pair", call,
                                                hint, returned=True, expected="a pair of numbers (field, params)")
            got_fields.append(got_field)
            got_params.append(got_param)
    except CheckFailed as failure:  # judged after the cases before it
        pending = failure
    field_mistakes = [
        ([3 * n for n, _ in cases], "adds up the kernel sizes, but neighbouring layers overlap: each "
                                    "layer after the first widens the field by less than 3", None),
        ([f * f for f in fields], "gives the field's area; give its side", None),
        ([n for n, _ in cases], "gives the number of layers", None),
        (params, "gives the parameter count first: the pair is swapped",
         "the exercise asks for the field first, then the parameter count."),
    ]
    _judge_cases(got_fields, fields, lambda i: f"stacked_3x3{cases[i]}",
                 field_mistakes, hint, verb="gave the field")
    param_mistakes = [
        ([n * conv2d_params(3, c, c, use_bias=False) for n, c in cases],
         "counts the weights but not the biases (one per filter in every layer)", None),
        ([conv2d_params(f, c, c) for f, (_, c) in zip(fields, cases)],
         "is one convolution as large as the field, the single layer the stack replaces", None),
        ([conv2d_params(3, c, c) for _, c in cases], "is one 3x3 layer; the stack has n of them", None),
        ([n * (9 * c + c) for n, c in cases],
         "counts one filter's weights per layer, but each layer has channels filters", None),
    ]
    _judge_cases(got_params, params, lambda i: f"stacked_3x3{cases[i]}",
                 param_mistakes, hint, verb="gave the parameter count", pending=pending)
    _passed(f"stacked_3x3 agrees with receptive_field and conv2d_params on all {len(cases)} stacks.")


@exercise_check
def check_first_dense_params(first_dense_params):
    """Notebook 13, exercise 2: check a learner's ``first_dense_params(side)``: the parameters of VGG16's ``fc1`` on a
    ``side x side`` input.

    Five 2x2 poolings leave ``side // 32`` pixels per side (floor), times 512 channels, all
    connected to 4,096 units with biases. The expected value is recomputed with
    :func:`course_lib.counting.dense_params` and, for 224, checked against the VGG16 builder's layer.
    """
    from course_lib.counting import dense_params

    hint = (
        "follow the side through VGG16's five 2x2 poolings (each halves it, dropping an odd last "
        "row); fc1 connects every value of the last 512-channel map, flattened, to its 4,096 "
        "units, each unit with a bias."
    )
    sides = (224, 32, 64, 100, 256, 320, 383)
    answers, expected = [], []
    pending = None
    try:
        for side in sides:
            final = side // 32
            expected.append(dense_params(final * final * 512, 4096))
            answer = _call(first_dense_params, (side,), "first_dense_params", hint)
            answers.append(_read_answer(answer, "count", "first_dense_params", hint))
    except CheckFailed as failure:  # judged after the cases before it
        pending = failure
    finals = [side // 32 for side in sides]
    mistakes = [
        ([dense_params(f * f * 512, 4096, use_bias=False) for f in finals], "forgets the 4,096 biases", None),
        ([(side / 32) ** 2 * 512 * 4096 + 4096 if side % 32 else None for side in sides],
         "does not round down: a pooling of an odd side drops the last row", None),
        ([dense_params((side // 16) ** 2 * 512, 4096) for side in sides], "halves the side four times; VGG16 has five poolings", None),
        ([dense_params(f * f, 4096) for f in finals], "forgets the 512 channels of the last feature map", None),
        ([dense_params(f * 512, 4096) for f in finals], "uses one side of the map instead of side x side positions", None),
        ([dense_params(7 * 7 * 512, 4096)] * len(sides),
         "gives the count for 224x224 whatever the side: the map shrinks or grows with the input", None),
    ]
    _judge_cases(answers, expected, lambda i: f"first_dense_params({sides[i]})", mistakes, hint,
                 same=lambda a, b: bool(np.isclose(a, b, rtol=0, atol=1e-6)), pending=pending)
    _passed(f"first_dense_params is right for sides {', '.join(map(str, sides))}.")
