"""Argument checks shared by the builders of :mod:`course_lib.architectures`.

Every family checks the same things before it builds a layer: ``classes``, counts such as
``filters``, an ``input_shape`` of ``(height, width, channels)``, and whether that input is large
enough for the network's downsampling stages. The messages name what was given and what would
fit; the *why* (which layers shrink the input) stays in each family's module, which knows it.

A *stage* is a ``(kernel_size, strides, padding)`` triple along one axis, ``padding`` being
``"valid"`` or ``"same"``: a convolution or a pooling layer.
"""

from course_lib.conv import output_size
from course_lib.validation import positive_ints, rate, whole_number


def check_count(value, name, smallest=1):
    """Return ``value`` if it is an int >= ``smallest``: see :func:`course_lib.validation.whole_number`.

    Example:
        >>> check_count(16, "filters")
        16
        >>> check_count(0, "filters")
        Traceback (most recent call last):
        ...
        ValueError: filters must be a positive int; received filters=0.
    """
    return whole_number(value, name, minimum=smallest)


def check_classes(classes):
    """Return ``classes`` if it is an int >= 2: the output layer has one unit per class.

    Example:
        >>> check_classes(10)
        10
    """
    whole_number(classes, "classes")
    if classes < 2:
        raise ValueError(
            f"classes must be an int >= 2 (the output layer has one unit per class, and with one "
            f"class there is nothing to tell apart); received classes={classes!r}."
        )
    return int(classes)


def check_rate(value, name):
    """Return ``value`` if it is a number in ``[0, 1)``, a dropout rate.

    Example:
        >>> check_rate(0.5, "dropout")
        0.5
    """
    return rate(value, name)


def check_stage_units(units, kind):
    """Return ``units`` as a tuple of positive ints, the ``kind`` units of each stage of a ResNet.

    Example:
        >>> check_stage_units([2, 2], "residual")
        (2, 2)
    """
    return positive_ints(
        units, "units", expected=f"a non-empty sequence of positive ints, the {kind} units of each stage"
    )


def check_input_shape(input_shape, example):
    """Return ``input_shape`` as a tuple if it is ``(height, width, channels)``, three positive ints.

    ``example`` is the network's usual shape, quoted in the error message.

    Example:
        >>> check_input_shape([32, 32, 3], example=(32, 32, 3))
        (32, 32, 3)
        >>> check_input_shape((32, 32), example=(32, 32, 3))  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: input_shape must be (height, width, channels), three positive ints, ...=(32, 32).
    """
    return positive_ints(
        input_shape, "input_shape", length=3,
        expected=f"(height, width, channels), three positive ints, e.g. {example}",
    )


def side_after(side, stages):
    """Return the positions left along one axis of ``side`` after ``stages``; 0 if one does not fit.

    A stage fits when its window fits (``side >= kernel_size`` with ``"valid"`` padding) and, if it
    has a stride, when there is something to step over (``side >= strides``, even with ``"same"``
    padding: a stride-2 layer on one position halves nothing). Each stage leaves
    :func:`course_lib.conv.output_size` positions.

    Example:
        >>> side_after(32, [(5, 1, "valid"), (2, 2, "valid")])  # LeNet's C1 and S2
        14
        >>> side_after(3, [(5, 1, "valid")])
        0
    """
    for kernel_size, strides, padding in stages:
        if side < strides or (padding == "valid" and side < kernel_size):
            return 0
        side = output_size(side, kernel_size, strides, padding)
    return side


def smallest_side(stages):
    """Return the smallest side that leaves at least one position after every stage.

    Walked backwards from one position: a stage that must leave ``m`` positions needs
    ``(m - 1) * strides + kernel_size`` (``+ 1`` with ``"same"`` padding), and at least ``strides``.

    Example:
        >>> smallest_side([(3, 2, "valid"), (3, 1, "valid")] + [(3, 2, "same")] * 4)  # Xception
        23
    """
    side = 1
    for kernel_size, strides, padding in reversed(stages):
        side = max((side - 1) * strides + (kernel_size if padding == "valid" else 1), strides)
    return side


def check_input_fits(shape, stages, network, why, minimum_note=""):
    """Return ``shape`` if its height and width each leave a position after ``stages``.

    Otherwise raise a ``ValueError`` that names ``shape``, the ``network``, ``why`` it shrinks
    (which layers, e.g. "its 5 max poolings each halve the height and width") and the smallest
    input that fits, followed by ``minimum_note`` (e.g. ``"(2**5)"``).

    Example:
        >>> check_input_fits((15, 15, 1), [(5, 1, "valid"), (2, 2, "valid")] * 2, "LeNet-5",
        ...                  "its 5x5 convolutions and subsamplings shrink it")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: input_shape=(15, 15, 1) is too small for LeNet-5: its 5x5 convolutions and
        subsamplings shrink it, so 15x15 would shrink to nothing. The input must be at least 16x16.
    """
    height, width = shape[:2]
    if not (side_after(height, stages) and side_after(width, stages)):
        minimum = smallest_side(stages)
        note = f" {minimum_note}" if minimum_note else ""
        raise ValueError(
            f"input_shape={shape} is too small for {network}: {why}, so {height}x{width} would "
            f"shrink to nothing. The input must be at least {minimum}x{minimum}{note}."
        )
    return shape


def check_halvings(shape, count, network, why=None):
    """Return ``shape`` if its height and width survive ``count`` exact halvings: at least ``2**count``.

    VGG's 2x2 max poolings with stride 2 halve exactly; ResNet's stride-2 layers round up, but
    its builders ask for the same ``2**count`` so that every halving has a full side to halve.
    ``why`` defaults to "it halves the height and width ``count`` times" (or "once").

    Example:
        >>> check_halvings((24, 24, 3), 5, "VGG16")
        Traceback (most recent call last):
        ...
        ValueError: input_shape=(24, 24, 3) is too small for VGG16: it halves the height and width
        5 times, so 24x24 would shrink to nothing. The input must be at least 32x32 (2**5).
    """
    why = why or f"it halves the height and width {'once' if count == 1 else f'{count} times'}"
    return check_input_fits(shape, ((2, 2, "valid"),) * count, network, why, minimum_note=f"(2**{count})")
