"""Checks for the exercises of notebook 13, ``notebooks/13_vgg.ipynb``."""

import numpy as np

from course_lib.checks._common import exercise_check, _call, _fail, _passed, _read_answer


@exercise_check
def check_stacked_3x3(stacked_3x3):
    """Notebook 13, exercise 1: check a learner's ``stacked_3x3(n, channels)``: ``(field, params)`` of ``n`` stacked 3x3 convolutions.

    Each convolution has stride 1, ``channels`` input channels and ``channels`` filters, with
    biases. ``field`` is the side of the input window one output unit sees. The expected values
    come from :func:`course_lib.counting.receptive_field` and :func:`course_lib.counting.conv2d_params`.
    """
    from course_lib.counting import conv2d_params, receptive_field

    hint = (
        "Each extra 3x3 layer widens the field by 2 pixels: receptive_field([(3, 1)] * n).size. "
        "Each layer has conv2d_params(3, channels, channels) parameters (9 * channels * channels "
        "weights and channels biases), and there are n layers."
    )
    cases = [(n, c) for n in (1, 2, 3, 4) for c in (1, 3, 64, 256)]
    for n, channels in cases:
        field = receptive_field([(3, 1)] * n).size
        params = n * conv2d_params(3, channels, channels)
        call = f"stacked_3x3({n}, {channels})"
        got_field, got_params = _read_answer(_call(stacked_3x3, (n, channels), "stacked_3x3", hint), "pair", call, hint, returned=True,
                                                   expected="a pair of numbers (field, params)")
        if got_field != field:
            known = [
                (3 * n, "adds up the kernel sizes, but neighbouring layers overlap: each layer after "
                        "the first adds 2 pixels, not 3"),
                (field * field, "is the field's area; give its side"),
                (n, "is the number of layers"),
            ]
            why = next((text for value, text in known if got_field == value), None)
            _fail(
                f"{call} gave field {got_field:g}; expected {field}" + (f": {got_field:g} {why}." if why else "."),
                hint,
            )
        if got_params != params:
            known = [
                (n * conv2d_params(3, channels, channels, use_bias=False),
                 "counts the weights but not the biases (one per filter in every layer)"),
                (conv2d_params(field, channels, channels),
                 f"is one {field}x{field} convolution, the single layer the stack replaces"),
                (conv2d_params(3, channels, channels), "is one 3x3 layer; the stack has n of them"),
                (n * (9 * channels + channels), "gives each layer only 9 * channels weights, but each of "
                                                "its channels filters has 3 x 3 x channels weights"),
            ]
            why = next((text for value, text in known if got_params == value), None)
            _fail(
                f"{call} gave {got_params:,.0f} parameters; expected {params:,}"
                + (f": {got_params:,.0f} {why}." if why else "."),
                hint,
            )
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
        "Each of the five 2x2 poolings halves the side (rounding down): side // 32 pixels are left. "
        "Flatten gives (side // 32) ** 2 * 512 values, and fc1 has dense_params(that, 4096) "
        "parameters."
    )
    sides = (224, 32, 64, 100, 256, 320, 383)
    for side in sides:
        final = side // 32
        expected = dense_params(final * final * 512, 4096)
        answer = _call(first_dense_params, (side,), "first_dense_params", hint)
        value = _read_answer(answer, "count", "first_dense_params", hint)
        if value == expected:
            continue
        known = [
            (dense_params(final * final * 512, 4096, use_bias=False), "counts the weights but forgets the 4,096 biases"),
            ((side / 32) ** 2 * 512 * 4096 + 4096, "does not round down: a pooling of an odd side drops the last row"),
            (dense_params((side // 16) ** 2 * 512, 4096), "halves the side four times; VGG16 has five poolings"),
            (dense_params(final * final, 4096), "forgets the 512 channels of the last feature map"),
            (dense_params(final * 512, 4096), "uses one side of the map instead of side x side positions"),
            (dense_params(7 * 7 * 512, 4096), "is the count for 224x224 whatever the side: the map shrinks or grows with the input"),
        ]
        why = next((text for wrong, text in known if np.isclose(value, wrong)), None)
        _fail(
            f"first_dense_params({side}) returned {value:,.0f}; expected {expected:,}"
            + (f": that {why}." if why else "."),
            hint,
        )
    _passed(f"first_dense_params is right for sides {', '.join(map(str, sides))}.")
