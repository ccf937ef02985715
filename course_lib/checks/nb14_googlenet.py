"""Checks for the exercises of notebook 14, ``notebooks/14_googlenet.ipynb``."""

import functools
import itertools

import numpy as np

from course_lib.session import import_keras
from course_lib.checks._common import CheckFailed, exercise_check, _call, _fail, _judge_cases, _passed, _read_answer, _run


#: The module's branches, in the order the paper's Table 1 lists them and the library concatenates them.
_BRANCHES = ("1x1", "3x3", "5x5", "pooling")


def _module_like(x, f1, f3_reduce, f3, f5_reduce, f5, pool_proj, padding3="same", padding5="same", pool="max",
                 pool_strides=1, pool_padding="same", projection=True, relu=("branch", "reduce", "proj"),
                 project_first=False):
    """The inception module and its near misses: the four branches, concatenated in the paper's
    order, with the named part changed (``pool_strides=None`` is Keras's default: the pool size;
    ``relu`` lists the convolutions that keep their ReLU: ``"branch"``, the 1x1, 3x3 and 5x5
    ones that give a branch's output; ``"reduce"``, the two 1x1 reduce layers; ``"proj"``, pool_proj;
    ``project_first`` puts pool_proj before the pooling)."""
    keras = import_keras()
    L = keras.layers

    def conv(filters, size, inputs, role="branch", padding="same"):
        return L.Conv2D(filters, size, padding=padding, activation="relu" if role in relu else None)(inputs)

    branch_1x1 = conv(f1, 1, x)
    branch_3x3 = conv(f3, 3, conv(f3_reduce, 1, x, "reduce"), padding=padding3)
    branch_5x5 = conv(f5, 5, conv(f5_reduce, 1, x, "reduce"), padding=padding5)
    pooling = (L.MaxPooling2D if pool == "max" else L.AveragePooling2D)(3, strides=pool_strides, padding=pool_padding)
    if project_first:
        branch_pool = pooling(conv(pool_proj, 1, x, "proj"))
    else:
        branch_pool = conv(pool_proj, 1, pooling(x), "proj") if projection else pooling(x)
    return L.Concatenate(axis=-1)([branch_1x1, branch_3x3, branch_5x5, branch_pool])


def _build_error(block, input_shape, args):
    """What building ``block`` on an input of ``input_shape`` raised, as plain data
    (``{"error": type name, "message": ...}``), or None when it builds.

    Keras refuses to concatenate maps of different heights or widths while it builds, so a
    near miss that changes one branch's size ("valid" padding, a pooling with stride 2) fails
    there: the check compares what the learner's block raised with what each near miss raises.
    """
    keras = import_keras()
    try:
        block(keras.Input(tuple(input_shape)), *args)
    except ValueError as error:
        return {"error": type(error).__name__, "message": str(error)}
    return None


@functools.cache
def _near_miss_error(change, input_shape, args):
    """:func:`_build_error` of the near miss ``_module_like(**dict(change))``: the same for every
    learner, so kept for the process (Keras's messages name no layer)."""
    return _build_error(functools.partial(_module_like, **dict(change)), input_shape, args)


def _reordered(facts, args, order):
    """``facts`` of the right module with its four branches' channels concatenated in ``order``."""
    f1, _, f3, _, f5, pool_proj = args
    edges = np.cumsum((0, f1, f3, f5, pool_proj))
    output = np.asarray(facts["output"])
    parts = [output[..., edges[i]:edges[i + 1]] for i in range(4)]
    return {**facts, "output": np.concatenate([parts[i] for i in order], axis=-1)}


# What the check says of the near misses that Keras refuses to build.
_VALID = ("uses \"valid\" padding, Keras's default, where a convolution needs \"same\": a 3x3 convolution then "
          "loses 2 rows and 2 columns and a 5x5 loses 4, so the branches no longer have one size to be concatenated")
_STRIDE = ("pools with {stride}; the module's 3x3 max pooling has stride 1 and \"same\" padding, so that its "
           "branch keeps the height and width of the others")
_DEFAULT_STRIDE = "stride 3, Keras's default for a 3x3 pooling"


@exercise_check
def check_inception_module(inception_module):
    """Notebook 14, exercise 1: check a learner's ``inception_module(x, f1, f3_reduce, f3, f5_reduce,
    f5, pool_proj)``: four branches on ``x`` (a 1x1 convolution; a 1x1 reduce then a 3x3; a 1x1
    reduce then a 5x5; a 3x3 max pooling with stride 1 then a 1x1 projection), every convolution
    with stride 1, "same" padding and ReLU, concatenated along the channels in that order.

    The module is compared with :func:`course_lib.architectures.googlenet.inception_module` by
    :func:`course_lib.checks._blocks.judge_block` (output shape, parameter count and outputs with
    the same weights) on three inputs whose six widths all differ, so that branches concatenated
    in another order or arguments taken in another order compute something else. A block that
    Keras refuses to build (branches of different sizes) is compared with the near misses that
    fail the same way.
    """
    from course_lib.architectures.googlenet import inception_module as library_module
    from course_lib.checks._blocks import describe_call, judge_block, reference

    name = "inception_module"
    hint = (
        "compare each branch with the lesson's table, layer by layer and in order: what each branch "
        "starts from, how each keeps the height and width, what follows each convolution, and the "
        "order of the list given to Concatenate."
    )
    cases = [((8, 8, 6), (3, 4, 6, 2, 5, 7)), ((7, 9, 5), (6, 3, 4, 2, 3, 2)), ((5, 5, 9), (2, 7, 8, 3, 4, 5))]

    def call(input_shape, args):
        return describe_call(name, input_shape, args)

    # A module that Keras cannot build: named when a near miss fails the same way in every case.
    errors = [_run(inception_module, (shape, args), name, hint, probe=_build_error) for shape, args in cases]
    if any(errors):
        first = next(i for i, error in enumerate(errors) if error)
        problem = f"{call(*cases[first])} raised {errors[first]['error']}: {errors[first]['message']}"
        for change, text in [
            (dict(padding3="valid", padding5="valid"), _VALID),
            (dict(padding3="valid", padding5="valid", pool_padding="valid"), _VALID),
            (dict(padding3="valid"), _VALID),
            (dict(padding5="valid"), _VALID),
            (dict(pool_padding="valid"), "pools with \"valid\" padding, which loses 2 rows and 2 columns; the "
                                         "module's 3x3 pooling has \"same\" padding so that its branch keeps the size"),
            (dict(pool_strides=2), _STRIDE.format(stride="stride 2")),
            (dict(pool_strides=2, pool_padding="valid"), _STRIDE.format(stride="stride 2")),
            (dict(pool_strides=None), _STRIDE.format(stride=_DEFAULT_STRIDE)),
            (dict(pool_strides=None, pool_padding="valid"), _STRIDE.format(stride=_DEFAULT_STRIDE)),
        ]:
            if [_near_miss_error(tuple(sorted(change.items())), shape, tuple(args)) for shape, args in cases] == errors:
                _fail(f"{problem}\nIt {text}.", hint)
        _fail(problem, hint)

    right = reference(library_module, name="module")

    def near_miss(**change):
        return reference(_module_like, **change)

    mistakes = [
        (near_miss(projection=False), "leaves out the 1x1 convolution after the pooling (pool_proj): the pooling "
                                      "branch then passes all the input's channels through"),
        (reference(library_module, name="flat", bottlenecks=False),
         "leaves out the two 1x1 reduce layers: the 3x3 and 5x5 convolutions then see all the input's channels, "
         "the costly module that the bottlenecks avoid"),
        (near_miss(relu=()), "leaves out the ReLU after the convolutions"),
        (near_miss(relu=("branch", "proj")), "leaves out the ReLU after the two 1x1 reduce layers; in GoogLeNet "
                                              "every convolution, the reduce layers included, is followed by a ReLU"),
        (near_miss(relu=("branch", "reduce")), "leaves out the ReLU after the 1x1 convolution of the pooling branch "
                                               "(pool_proj); in GoogLeNet every convolution is followed by a ReLU"),
        (near_miss(pool="average"), "pools with the average; the module's pooling takes the maximum"),
        (near_miss(project_first=True), "applies the 1x1 projection (pool_proj) before the pooling; the branch pools "
                                        "x first, then projects"),
    ]
    for order in itertools.permutations(range(4)):
        if order != (0, 1, 2, 3):
            mistakes.append((lambda shape, args, order=order: _reordered(right(shape, args), args, order),
                             f"concatenates the branches in the order {', '.join(_BRANCHES[i] for i in order)}; "
                             "the module's order is the paper's, 1x1, 3x3, 5x5, pooling, and the layers after it "
                             "expect each branch's channels in their place"))
    judge_block(inception_module, name, cases, right, mistakes, hint, library_names={"inception_module"})


@exercise_check
def check_aux_head_params(aux_head_params):
    """Notebook 14, exercise 2: check a learner's ``aux_head_params(c_in, side, classes)``: the parameters of GoogLeNet's
    auxiliary classifier on a ``side x side x c_in`` map.

    The head: 5x5 average pooling with stride 3 (no padding), 1x1 convolution with 128 filters,
    flatten, dense 1,024, dropout, dense ``classes``. The expected count is that of the head built
    by ``course_lib.architectures.googlenet.auxiliary_classifier`` in Keras.
    """
    keras = import_keras()
    from course_lib.architectures import googlenet
    from course_lib._keras_internals import shapes_only
    from course_lib.counting import conv2d_params, dense_params

    hint = (
        "the 5x5 average pooling with stride 3 (no padding) shrinks the map first; then come the "
        "1x1 convolution down to 128 channels, the Dense layer of 1,024 units on the flattened "
        "map, and the classifier, all with biases. Pooling and dropout have no parameters."
    )
    cases = [(512, 14, 1000), (40, 16, 6), (528, 14, 1000), (64, 8, 10), (32, 20, 5)]
    answers, expected = [], []
    pending = None
    try:
        for c_in, side, classes in cases:
            x = keras.Input((side, side, c_in))
            with shapes_only(keras):  # no random weights drawn, now or later
                expected.append(keras.Model(x, googlenet.auxiliary_classifier(x, classes, "aux")).count_params())
            answers.append(_read_answer(_call(aux_head_params, (c_in, side, classes), "aux_head_params", hint), "count",
                                        "aux_head_params", hint))
    except CheckFailed as failure:  # judged after the cases before it
        pending = failure

    def head(c_in, side, classes, conv=True, flat=None, last=True, bias=True):
        pooled = (side - 5) // 3 + 1
        flat = pooled**2 * 128 if flat is None else flat
        return ((conv2d_params(1, c_in, 128, use_bias=bias) if conv else 0)
                + dense_params(flat if conv else flat // 128 * c_in, 1024, use_bias=bias)
                + (dense_params(1024, classes, use_bias=bias) if last else 0))

    mistakes = [
        ([head(*case, bias=False) for case in cases], "counts the weights but not the biases"),
        ([head(c, s, k, flat=s * s * 128) for c, s, k in cases],
         "flattens the map before the pooling; the 5x5/3 pooling shrinks it first"),
        ([head(c, s, k, flat=128) for c, s, k in cases],
         "flattens only the 128 channels of one position; Flatten keeps every position"),
        ([head(*case, conv=False) for case in cases], "leaves out the 1x1 convolution down to 128 channels"),
        ([head(c, s, k, flat=(s // 3) ** 2 * 128) for c, s, k in cases],
         "divides the side by 3, but a 5x5 window with stride 3 fits fewer times: it must fit inside the map"),
        ([head(*case, last=False) for case in cases], "leaves out the last dense layer, the classifier itself"),
        ([e + conv2d_params(5, c, c) for e, (c, _, _) in zip(expected, cases)],
         "counts the 5x5 average pooling as a convolution with weights; pooling learns nothing"),
    ]
    _judge_cases(answers, expected, lambda i: f"aux_head_params{cases[i]}",
                 [(values, text, None) for values, text in mistakes], hint, pending=pending)
    _passed(f"aux_head_params agrees with Keras on all {len(cases)} heads.")
