"""Checks for the exercises of notebook 14, ``notebooks/14_googlenet.ipynb``."""

from course_lib.session import import_keras
from course_lib.checks._common import CheckFailed, exercise_check, _call, _judge_cases, _passed, _read_answer


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
        "the module has six convolutions, all with biases: three 1x1 convolutions on the input "
        "(f1 and the two reduce layers), the 3x3 and the 5x5 on their reduce layer's output, and "
        "the 1x1 after the pooling (pool_proj), on the input. The pooling has no parameters."
    )
    cases = [(192, *googlenet.GOOGLENET_MODULES["3a"]), (3, 1, 2, 3, 4, 5, 6),
             (528, *googlenet.GOOGLENET_MODULES["4e"]), (16, *googlenet.SMALL_MODULES["a"])]
    answers, expected = [], []
    pending = None
    try:
        for c_in, *filters in cases:
            x = keras.Input((4, 4, c_in))
            with keras.StatelessScope(initialize_variables=False):  # shapes only: no random weights drawn
                expected.append(keras.Model(x, googlenet.inception_module(x, *filters, name="m")).count_params())
            answers.append(_read_answer(_call(module_params, (c_in, *filters), "module_params", hint), "count",
                                        "module_params", hint))
    except CheckFailed as failure:  # judged after the cases before it
        pending = failure
    mistakes = [
        ([googlenet.inception_params(*case, use_bias=False) for case in cases], "counts the weights but not the biases"),
        ([googlenet.inception_params(*case, bottlenecks=False) for case in cases],
         "lets the 3x3 and 5x5 filters see all c_in channels and leaves out the reduce layers: "
         "that is the module without bottlenecks"),
        ([e - conv2d_params(1, c, f3r) - conv2d_params(1, c, f5r)
          for e, (c, f1, f3r, f3, f5r, f5, pp) in zip(expected, cases)],
         "leaves out the two 1x1 reduce layers, which are convolutions with parameters too"),
        ([e - conv2d_params(1, c, pp) for e, (c, *_, pp) in zip(expected, cases)],
         "leaves out the 1x1 convolution after the pooling (pool_proj)"),
        ([e - conv2d_params(5, f5r, f5) + conv2d_params(3, f5r, f5)
          for e, (c, f1, f3r, f3, f5r, f5, pp) in zip(expected, cases)],
         "gives the 5x5 convolution 3x3 kernels"),
        ([e + conv2d_params(3, c, c) for e, (c, *_) in zip(expected, cases)],
         "counts the 3x3 max pooling as a convolution with weights; pooling learns nothing"),
    ]
    _judge_cases(answers, expected, lambda i: f"module_params({', '.join(map(str, cases[i]))})",
                 [(values, text, None) for values, text in mistakes], hint, pending=pending)
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
            with keras.StatelessScope(initialize_variables=False):  # shapes only: no random weights drawn
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
