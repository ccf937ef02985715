"""Checks for the exercises of notebook 14, ``notebooks/14_googlenet.ipynb``."""

from course_lib.session import import_keras
from course_lib.checks._common import exercise_check, _call, _fail, _passed, _read_answer


@exercise_check
def check_module_params(module_params):
    """Notebook 14, exercise 1: check a learner's ``module_params(c_in, f1, f3_reduce, f3, f5_reduce, f5, pool_proj)``: the
    parameters of one inception module, biases included.

    The expected count is that of a module built by ``course_lib.architectures.googlenet``
    (``inception_module``) in Keras.
    """
    keras = import_keras()
    from course_lib.architectures import googlenet
    from course_lib.counting import conv2d_params

    hint = (
        "Six convolutions, each conv2d_params(kernel_size, c_in, filters) with biases: 1x1 on c_in "
        "(f1); 1x1 on c_in (f3_reduce), then 3x3 on f3_reduce channels (f3); 1x1 on c_in "
        "(f5_reduce), then 5x5 on f5_reduce channels (f5); and the 1x1 after the pooling, on c_in "
        "channels (pool_proj). The pooling has no parameters."
    )
    cases = [(192, *googlenet.GOOGLENET_MODULES["3a"]), (3, 1, 2, 3, 4, 5, 6),
             (528, *googlenet.GOOGLENET_MODULES["4e"]), (16, *googlenet.SMALL_MODULES["a"])]
    for c_in, *filters in cases:
        x = keras.Input((4, 4, c_in))
        with keras.StatelessScope(initialize_variables=False):  # shapes only: no random weights drawn
            expected = keras.Model(x, googlenet.inception_module(x, *filters, name="m")).count_params()
        f1, f3r, f3, f5r, f5, pp = filters
        call = f"module_params({c_in}, {', '.join(map(str, filters))})"
        value = _read_answer(_call(module_params, (c_in, *filters), "module_params", hint), "count", "module_params", hint)
        if value == expected:
            continue
        known = [
            (googlenet.inception_params(c_in, *filters, use_bias=False), "counts the weights but not the biases"),
            (googlenet.inception_params(c_in, *filters, bottlenecks=False),
             "lets the 3x3 and 5x5 filters see all c_in channels and leaves out the reduce layers: "
             "that is the module without bottlenecks"),
            (expected - conv2d_params(1, c_in, f3r) - conv2d_params(1, c_in, f5r),
             "leaves out the two 1x1 reduce layers, which are convolutions with parameters too"),
            (expected - conv2d_params(1, c_in, pp), "leaves out the 1x1 convolution after the pooling (pool_proj)"),
            (expected - conv2d_params(5, f5r, f5) + conv2d_params(3, f5r, f5), "gives the 5x5 convolution 3x3 kernels"),
        ]
        why = next((text for wrong, text in known if value == wrong), None)
        _fail(f"{call} returned {value:,}; expected {expected:,}" + (f": that {why}." if why else "."), hint)
    _passed(f"module_params agrees with Keras on all {len(cases)} modules.")


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
    from course_lib.counting import conv2d_params, dense_params

    hint = (
        "The pooling leaves (side - 5) // 3 + 1 pixels per side (4 for 14). Then "
        "conv2d_params(1, c_in, 128) + dense_params(pooled * pooled * 128, 1024) + "
        "dense_params(1024, classes)."
    )
    cases = [(512, 14, 1000), (40, 16, 6), (528, 14, 1000), (64, 8, 10), (32, 20, 5)]
    for c_in, side, classes in cases:
        x = keras.Input((side, side, c_in))
        with keras.StatelessScope(initialize_variables=False):  # shapes only: no random weights drawn
            expected = keras.Model(x, googlenet.auxiliary_classifier(x, classes, "aux")).count_params()
        pooled = (side - 5) // 3 + 1
        head = dense_params(1024, classes)
        call = f"aux_head_params({c_in}, {side}, {classes})"
        value = _read_answer(_call(aux_head_params, (c_in, side, classes), "aux_head_params", hint), "count", "aux_head_params", hint)
        if value == expected:
            continue
        known = [
            (conv2d_params(1, c_in, 128, use_bias=False) + dense_params(pooled**2 * 128, 1024, use_bias=False)
             + dense_params(1024, classes, use_bias=False), "counts the weights but not the biases"),
            (conv2d_params(1, c_in, 128) + dense_params(side**2 * 128, 1024) + head,
             "flattens the map before the pooling; the 5x5/3 pooling shrinks it first"),
            (conv2d_params(1, c_in, 128) + dense_params(128, 1024) + head,
             "flattens only the 128 channels of one position; Flatten keeps every position"),
            (dense_params(pooled**2 * c_in, 1024) + head, "leaves out the 1x1 convolution down to 128 channels"),
            (conv2d_params(1, c_in, 128) + dense_params((side // 3) ** 2 * 128, 1024) + head,
             "divides the side by 3, but a 5x5 window with stride 3 fits (side - 5) // 3 + 1 times"),
            (conv2d_params(1, c_in, 128) + dense_params(pooled**2 * 128, 1024),
             "leaves out the last dense layer, the classifier itself"),
        ]
        why = next((text for wrong, text in known if value == wrong), None)
        _fail(f"{call} returned {value:,}; expected {expected:,}" + (f": that {why}." if why else "."), hint)
    _passed(f"aux_head_params agrees with Keras on all {len(cases)} heads.")
