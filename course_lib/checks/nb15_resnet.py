"""Checks for the exercises of notebook 15, ``notebooks/15_resnet.ipynb``."""

import re
import warnings

from course_lib.session import import_keras
from course_lib.checks._common import CheckFailed, exercise_check, _call, _fail, _judge_cases, _passed, _read_answer

#: The residual unit's parts, as :func:`_unit_like` names the batch normalizations it keeps.
_ALL_NORMS = ("first", "second", "projection")


def _unit_like(project="shape", norms=_ALL_NORMS, relu="after", middle_relu=True, bias=(), stride_on="first",
               projection_kernel=1):
    """A residual unit layer class with the named part changed: the near misses a learner may write.

    ``project``: when the shortcut is a projection (``"shape"``: the stride is not 1 or the
    channels change; ``"always"``). ``norms``: the batch normalizations kept. ``relu``: where
    the unit's last ReLU is (``"after"`` the addition, ``"before"`` it on the branch, ``"both"``,
    ``"none"``). ``bias``: the convolutions with a bias (``"branch"``, ``"projection"``).
    ``stride_on``: the branch convolution with the stride.
    """
    keras = import_keras()
    L = keras.layers

    class Unit(L.Layer):
        def __init__(self, filters, strides=1, **kwargs):
            super().__init__(**kwargs)
            self.filters, self.strides = filters, strides

        def build(self, input_shape):
            f, s = self.filters, self.strides

            def norm(part):
                return [L.BatchNormalization()] if part in norms else []

            self.branch = [
                L.Conv2D(f, 3, strides=s if stride_on == "first" else 1, padding="same", use_bias="branch" in bias),
                *norm("first"),
                *([L.ReLU()] if middle_relu else []),
                L.Conv2D(f, 3, strides=s if stride_on == "second" else 1, padding="same", use_bias="branch" in bias),
                *norm("second"),
            ]
            projects = project == "always" or s != 1 or input_shape[-1] != f
            self.skip = [L.Conv2D(f, projection_kernel, strides=s, padding="same", use_bias="projection" in bias),
                         *norm("projection")] if projects else []

        def call(self, x):
            z, shortcut = x, x
            for layer in self.branch:
                z = layer(z)
            for layer in self.skip:
                shortcut = layer(shortcut)
            if relu in ("before", "both"):
                z = keras.ops.relu(z)
            y = z + shortcut
            return y if relu in ("before", "none") else keras.ops.relu(y)

    return Unit


def _unit(filters, strides=1, **change):
    """The library's ``ResidualUnit(filters, strides)`` or, with ``change``, the near miss
    ``_unit_like(**change)(filters, strides)``."""
    from course_lib.architectures.resnet import ResidualUnit

    return (_unit_like(**change) if change else ResidualUnit)(filters, strides)


def _facts_of(**change):
    from course_lib.checks._blocks import reference

    return reference(_unit, kind="layer", **change)


# The two ways a Keras addition of tensors of different shapes fails: ``z + x`` or
# ``keras.ops.add`` (TensorFlow's message), and ``keras.layers.Add`` (Keras's).
_SHAPES_NOT_ADDED = (
    re.compile(r"input shapes: \[\?,(\d+),(\d+),(\d+)\], \[\?,(\d+),(\d+),(\d+)\]"),
    re.compile(r"Received shapes \((\d+), (\d+), (\d+)\) and \((\d+), (\d+), (\d+)\)"),
)


@exercise_check
def check_residual_unit(MyResidualUnit):  # noqa: N803 - the learner's class, as the notebook names it
    """Notebook 15, exercise 1: check a learner's ``MyResidualUnit(filters, strides=1)``, a Keras
    layer: ``relu(F(x) + shortcut(x))`` where ``F`` is a 3x3 convolution with ``strides``, batch
    normalization, ReLU, a 3x3 convolution and batch normalization (convolutions ``"same"``,
    without bias), and the shortcut is ``x``, or a 1x1 convolution with ``strides`` (no bias)
    and batch normalization when the stride is not 1 or the input's channels differ from ``filters``.

    The layer is compared with :class:`course_lib.architectures.resnet.ResidualUnit` by
    :func:`course_lib.checks._blocks.judge_block`: output shape, parameter count and outputs
    with the same weights (in inference and in training mode), on four inputs: the identity
    shortcut, a stride of 2 with more channels, a stride of 2 alone, and more channels alone.
    """
    from course_lib.checks._blocks import judge_block

    name = "MyResidualUnit"
    hint = (
        "go through the exercise's three points one path at a time: the branch's layers and which "
        "convolution takes the stride; when the shortcut stays the input and what a projection holds "
        "(kernel, stride, filters, bias, normalization); and where the last ReLU goes."
    )
    cases = [((6, 6, 8), (8, 1)), ((7, 7, 4), (8, 2)), ((6, 6, 8), (8, 2)), ((6, 6, 4), (8, 1))]
    bias = ("gives the convolutions biases; ResNet's have none, since the batch normalization after "
            "each has a shift that does that job")
    mistakes = [
        (_facts_of(project="always"), "adds a projection also where the identity fits (stride 1 and as many "
                                       "channels as filters); there the shortcut is the input itself"),
        (_facts_of(norms=()), "leaves out the batch normalizations (each has four numbers per channel)"),
        (_facts_of(norms=("first", "second")), "leaves out the batch normalization after the projection"),
        (_facts_of(norms=("second", "projection")),
         "leaves out the batch normalization after the first convolution"),
        (_facts_of(norms=("first", "projection")),
         "leaves out the batch normalization after the second convolution"),
        (_facts_of(relu="before"), "applies the ReLU to the branch before the addition; ResNet adds the two "
                                    "paths first, then applies the ReLU"),
        (_facts_of(relu="both"), "applies a ReLU to the branch before the addition as well as after it"),
        (_facts_of(relu="none"), "leaves out the ReLU after the addition"),
        (_facts_of(middle_relu=False), "leaves out the ReLU between the two convolutions"),
        (_facts_of(bias=("branch", "projection")), bias),
        (_facts_of(bias=("branch",)), bias),
        (_facts_of(stride_on="second"), "puts the stride on the second convolution; ResNet's unit puts it on "
                                         "the first"),
        (_facts_of(projection_kernel=3), "gives the projection a 3x3 kernel; a 1x1 kernel is enough to match "
                                          "the channels"),
    ]
    try:
        with warnings.catch_warnings():
            # A layer whose call() crashes makes Keras warn, at length, that it could not build
            # it; the check's message says what went wrong instead.
            warnings.filterwarnings("ignore", category=UserWarning, module=r"keras\.")
            judge_block(MyResidualUnit, name, cases, _facts_of(),
                        mistakes, hint, library_names={"ResidualUnit"}, kind="layer")
    except CheckFailed as failure:
        _explain_crash(str(failure), name, hint)
        raise


# Keras wraps an error raised in a layer's call() on a symbolic input in a paragraph about
# output shapes; the learner's own error is in the middle, in bold.
_KERAS_WRAPPED = re.compile(r"Error encountered:\n\n(.*?)(?:\x1b\[0m)?\n\nArguments received", re.DOTALL)


def _why_sizes_differ(height, other_height):
    """Why two paths' maps have other heights: a stride the shortcut does not take, or convolutions
    without "same" padding (told apart by how much smaller the smaller is)."""
    big, small = max(height, other_height), min(height, other_height)
    stride = "a stride other than 1 shrinks the branch's maps, so there the shortcut must take the same stride"
    if small == -(-big // 2):  # what a stride of 2 gives
        return f"their heights and widths differ: {stride}"
    if big - small in (2, 4):
        return (f"their heights and widths differ by {big - small}: a 3x3 convolution without padding=\"same\" "
                "loses 2 rows and 2 columns, so the branch's maps no longer match the input's")
    return f"their heights and widths differ: {stride}, and a convolution without padding=\"same\" loses rows"


def _explain_crash(message, name, hint):
    """When the learner's layer crashed, fail with its own error without Keras's wrapping, and
    say why when it crashed adding two tensors of different shapes (a shortcut without the
    projection it needs); otherwise return."""
    crashed = re.match(rf"{name} raised (\w+): ", message)
    if not crashed:
        return
    for pattern in _SHAPES_NOT_ADDED:
        found = pattern.search(message)
        if found:
            sides = [int(side) for side in found.groups()]
            first, second = tuple(sides[:3]), tuple(sides[3:])
            causes = []
            if first[:2] != second[:2]:
                causes.append(_why_sizes_differ(first[0], second[0]))
            if first[2] != second[2]:
                causes.append("their channels differ: where filters differ from the input's channels, the "
                              "shortcut needs a 1x1 convolution with filters filters")
            _fail(f"{name} could not add its two paths: one gives maps of shape {first}, the other {second} "
                  f"(height, width, channels); {'; and '.join(causes)}.", hint)
    wrapped = _KERAS_WRAPPED.search(message)
    if wrapped:
        _fail(f"{name} raised {crashed.group(1)}: {wrapped.group(1).strip()}", hint)


def _bottleneck_expected(height, width, channels, filters):
    """MACs of a 1x1 / 3x3 / 1x1 stack from ``counting.layer_table`` of a real Keras model."""
    keras = import_keras()
    from course_lib.counting import layer_table

    L = keras.layers
    x = keras.Input((height, width, channels))
    y = L.Conv2D(filters, 1)(x)
    y = L.Conv2D(filters, 3, padding="same")(y)
    y = L.Conv2D(channels, 1)(y)
    return layer_table(keras.Model(x, y)).macs


@exercise_check
def check_bottleneck_macs(bottleneck_macs):
    """Notebook 15, exercise 2: check a learner's ``bottleneck_macs(height, width, channels, filters)``: the MACs of a
    bottleneck's 1x1 (channels -> filters), 3x3 (filters -> filters, "same") and 1x1
    (filters -> channels) convolutions on a ``height x width`` map.

    The expected value comes from :func:`course_lib.counting.layer_table` of a Keras model of the three
    convolutions. One case has ``channels`` other than ``4 * filters``, so an expansion hard-coded
    as ``4 * filters`` fails.
    """
    hint = (
        "every convolution keeps the height and width, so each costs one MAC per weight at every "
        "position: count the weights of the 1x1 reduction (channels to filters), of the 3x3 "
        "(filters to filters) and of the 1x1 expansion (filters back to channels)."
    )
    cases = [(56, 56, 256, 64), (7, 7, 2048, 512), (8, 6, 48, 16), (1, 1, 4, 1), (14, 14, 1024, 256)]
    answers, expected = [], []
    pending = None
    try:
        for height, width, channels, filters in cases:
            expected.append(_bottleneck_expected(height, width, channels, filters))
            call = f"bottleneck_macs({height}, {width}, {channels}, {filters})"
            answers.append(_read_answer(_call(bottleneck_macs, (height, width, channels, filters), "bottleneck_macs", hint),
                                        "count", call, hint, returned=True))
    except CheckFailed as failure:  # judged after the cases before it
        pending = failure

    def macs(h, w, c, f, reduce=1, middle=9, expand=1, out=None):
        out = c if out is None else out
        return h * w * (reduce * c * f + middle * f * f + expand * f * out)

    mistakes = [
        ([macs(*case, middle=1) for case in cases],
         "counts the 3x3 convolution as 1x1: a 3x3 filter has nine weights per input channel"),
        ([macs(*case, expand=0) for case in cases], "leaves out the 1x1 expansion back to channels"),
        ([macs(*case, reduce=0) for case in cases], "leaves out the 1x1 reduction"),
        ([macs(1, 1, c, f) for h, w, c, f in cases], "is the number of weights (MACs per position); multiply by "
                                                      "the number of positions"),
        ([macs(*case, reduce=9, expand=9) for case in cases], "makes every convolution 3x3"),
        ([h * w * 2 * 9 * c * c for h, w, c, f in cases],
         "is two 3x3 convolutions at full width, the unit the bottleneck replaces"),
        ([macs(h, w, 4 * f, f, out=4 * f) if c != 4 * f else None for h, w, c, f in cases],
         "takes the block's channels as 4 * filters, but here channels is not 4 * filters: use the "
         "channels argument"),
        ([2 * macs(*case) for case in cases], "counts two operations per multiply-accumulate (FLOPs): a MAC is "
                                              "one multiplication and its addition, counted once"),
        ([macs(h, w, c, f) + h * w * c * c for h, w, c, f in cases],
         "adds a 1x1 projection on the shortcut; the bottleneck's three convolutions are all the exercise counts"),
        ([macs(*case, reduce=0, expand=0) for case in cases], "counts the 3x3 convolution only"),
    ]
    _judge_cases(answers, expected, lambda i: f"bottleneck_macs{cases[i]}",
                 [(values, text, None) for values, text in mistakes], hint, pending=pending)
    _passed(f"bottleneck_macs agrees with counting.layer_table on all {len(cases)} maps.")
