"""Every public function, given bad arguments, raises a TypeError or a ValueError: no other
exception, no hang, no silent result (course_lib.validation's one rule).

The table is (function, good arguments, argument to spoil, kind of bad values); each kind lists
its bad values and the error each must raise: a wrong type is a TypeError, a wrong value of the
right type a ValueError.
"""

import signal

import numpy as np
import pytest

from course_lib import conv, counting, datasets, exercises, glossary, images, notebook_files, pooling, training
from course_lib import validation
from course_lib.architectures import alexnet, googlenet, lenet, resnet, senet, vgg, xception
from course_lib.session import import_keras

keras = import_keras()

HUGE = 10**18 + 9  # a size no computer holds: an error about it must come at once

KINDS = {
    "positive int": [(None, TypeError), ("3", TypeError), (True, TypeError), (2.5, TypeError),
                     (3.0, TypeError), (0, ValueError), (-1, ValueError)],
    "optional positive int": [("3", TypeError), (True, TypeError), (2.5, TypeError), (0, ValueError)],
    "size": [(None, TypeError), ("32x32", TypeError), (32, TypeError), ((32.0, 32), TypeError),
             ((32,), ValueError), ((0, 3), ValueError)],
    "profile": [(3, TypeError), ("fastest", ValueError)],
    "pair": [(None, TypeError), ("3", TypeError), (True, TypeError), ((2.5, 3.7), TypeError),
             ((2, 3, 4), TypeError), (0, ValueError), ((2, -1), ValueError)],
    "flag": [(None, TypeError), ("no", TypeError), (0, TypeError), (1, TypeError)],
    "conv padding": [(None, TypeError), (2.5, TypeError), ((1, 2, 3), TypeError), ("mirror", ValueError),
                     (-1, ValueError)],
    "name": [(None, TypeError), (3, TypeError), ("no such name", ValueError)],
    "image": [(None, TypeError), ("image", TypeError), (np.array([["a"]]), TypeError),
              (np.ones((0, 0)), ValueError), (np.ones(4), ValueError), (np.ones((2, 2, 2, 2, 2)), ValueError)],
    "finite image": [(np.array([[np.nan, 1.0], [1.0, 1.0]]), ValueError)],
    "rate": [(None, TypeError), ("0.5", TypeError), (True, TypeError), (float("nan"), ValueError),
             (-0.1, ValueError), (1.0, ValueError)],
    "input_shape": [(None, TypeError), ("32x32x3", TypeError), (32, TypeError), ((32.0, 32, 3), TypeError),
                    ((32, 32), ValueError), ((32, 0, 3), ValueError)],
    "classes": [(None, TypeError), ("10", TypeError), (True, TypeError), (10.0, TypeError),
                (1, ValueError), (0, ValueError)],
    "path": [(None, TypeError), (3, TypeError), ("/no/such/folder", ValueError)],
    "text": [(None, TypeError), (3, TypeError), ("", ValueError)],
}

IMAGE = np.ones((6, 6))
KERNEL = np.ones((3, 3))

TABLE = [
    (conv.output_size, {"n": 7, "kernel_size": 3}, "n", "positive int"),
    (conv.output_size, {"n": 7, "kernel_size": 3}, "kernel_size", "positive int"),
    (conv.output_size, {"n": 7, "kernel_size": 3}, "strides", "positive int"),
    (conv.output_size, {"n": 7, "kernel_size": 3}, "padding", "conv padding"),
    (conv.conv2d, {"x": IMAGE, "kernel": KERNEL}, "padding", "conv padding"),
    (conv.same_padding, {"n": 7, "kernel_size": 3}, "strides", "positive int"),
    (conv.padding_widths, {"n": 7, "kernel_size": 3}, "n", "positive int"),
    (conv.unused_input, {"n": 7, "kernel_size": 3}, "kernel_size", "positive int"),
    (conv.check_fit, {"n": 7, "kernel_size": 3}, "strides", "positive int"),
    (conv.conv2d, {"x": IMAGE, "kernel": KERNEL}, "x", "image"),
    (conv.conv2d, {"x": IMAGE, "kernel": KERNEL}, "kernel", "image"),
    (conv.conv2d, {"x": IMAGE, "kernel": KERNEL}, "strides", "pair"),
    (conv.conv2d_loops, {"x": IMAGE, "kernel": KERNEL}, "strides", "pair"),
    (conv.conv2d_backward, {"x": IMAGE, "kernel": KERNEL, "grad_output": np.ones((4, 4))}, "grad_output", "image"),
    (pooling.pool2d, {"x": IMAGE}, "x", "image"),
    (pooling.pool2d, {"x": IMAGE}, "x", "finite image"),
    (pooling.pool2d_loops, {"x": IMAGE}, "x", "finite image"),
    (pooling.pool2d, {"x": IMAGE}, "pool_size", "pair"),
    (pooling.pool2d_loops, {"x": IMAGE}, "pool_size", "pair"),
    (pooling.pool2d, {"x": IMAGE}, "mode", "name"),
    (pooling.pool2d, {"x": IMAGE}, "padding", "name"),
    (pooling.global_pool, {"x": np.ones((2, 2, 1))}, "mode", "name"),
    (counting.conv2d_params, {"kernel_size": 3, "c_in": 3, "filters": 8}, "kernel_size", "pair"),
    (counting.conv2d_params, {"kernel_size": 3, "c_in": 3, "filters": 8}, "c_in", "positive int"),
    (counting.conv2d_params, {"kernel_size": 3, "c_in": 3, "filters": 8}, "use_bias", "flag"),
    (counting.conv2d_params, {"kernel_size": 3, "c_in": 3, "filters": 8}, "groups", "positive int"),
    (counting.dense_params, {"inputs": 4, "units": 2}, "units", "positive int"),
    (counting.dense_params, {"inputs": 4, "units": 2}, "use_bias", "flag"),
    (counting.depthwise_conv2d_params, {"kernel_size": 3, "c_in": 3}, "depth_multiplier", "positive int"),
    (counting.separable_conv2d_params, {"kernel_size": 3, "c_in": 3, "filters": 4}, "use_bias", "flag"),
    (counting.batch_norm_params, {"channels": 4}, "channels", "positive int"),
    (counting.conv2d_macs, {"output_height": 4, "output_width": 4, "kernel_size": 3, "c_in": 3, "filters": 8},
     "output_height", "positive int"),
    (counting.dense_macs, {"inputs": 4, "units": 2}, "inputs", "positive int"),
    (images.to_gray, {"image": np.ones((2, 2, 3))}, "image", "image"),
    (images.resize, {"image": np.ones((4, 4)), "size": (2, 2)}, "size", "size"),
    (images.load_photo, {"name": "chelsea"}, "name", "name"),
    (images.load_photo, {"name": "chelsea"}, "gray", "flag"),
    (datasets.load_digits, {}, "test_fraction", "rate"),
    (datasets.load_photo_patches, {}, "size", "positive int"),
    (datasets.load_photo_patches, {}, "train_per_class", "positive int"),
    (datasets.load, {"name": "digits"}, "name", "name"),
    (datasets.load_keras_dataset, {"name": "mnist"}, "name", "name"),
    (datasets.load_keras_dataset, {"name": "mnist"}, "allow_download", "flag"),
    (training.dataset_name, {"task": "digits"}, "task", "name"),
    (training.dataset_name, {"task": "digits"}, "profile", "profile"),
    (training.epochs, {"fast": 1, "full": 2}, "fast", "positive int"),
    (glossary.korean_to_english, {"korean": "스트라이드"}, "korean", "text"),
    (notebook_files.course_notebooks, {"folder": "notebooks"}, "folder", "path"),
    (exercises.write_learners_edition, {"source_folder": "notebooks", "target_folder": "/tmp/unused"},
     "source_folder", "path"),
    (googlenet.inception_params, {"c_in": 192, "f1": 64, "f3_reduce": 96, "f3": 128, "f5_reduce": 16, "f5": 32,
                                  "pool_proj": 32}, "bottlenecks", "flag"),
    (googlenet.inception_params, {"c_in": 192, "f1": 64, "f3_reduce": 96, "f3": 128, "f5_reduce": 16, "f5": 32,
                                  "pool_proj": 32}, "f1", "positive int"),
    (googlenet.inception_macs, {"height": 28, "width": 28, "c_in": 192, "f1": 64, "f3_reduce": 96, "f3": 128,
                                "f5_reduce": 16, "f5": 32, "pool_proj": 32}, "bottlenecks", "flag"),
    (senet.se_params, {"channels": 256}, "channels", "positive int"),
    (senet.se_params, {"channels": 256}, "reduction", "positive int"),
    (lenet.lenet5, {}, "input_shape", "input_shape"),
    (lenet.lenet5, {}, "classes", "classes"),
    (alexnet.alexnet_small, {}, "input_shape", "input_shape"),
    (alexnet.alexnet_small, {}, "dropout", "rate"),
    (alexnet.alexnet_small, {}, "lrn", "flag"),
    (alexnet.alexnet, {}, "two_towers", "flag"),
    (vgg.vgg_small, {}, "classes", "classes"),
    (vgg.vgg_small, {}, "input_shape", "input_shape"),
    (googlenet.googlenet_small, {}, "aux_classifier", "flag"),
    (googlenet.googlenet, {}, "bottlenecks", "flag"),
    (resnet.resnet_small, {}, "classes", "classes"),
    (resnet.resnet_small, {}, "filters", "positive int"),
    (resnet.plain_net, {}, "filters", "positive int"),
    (xception.xception_small, {}, "width", "positive int"),
    (xception.xception_small, {}, "input_shape", "input_shape"),
    (senet.se_resnet_small, {}, "reduction", "optional positive int"),
]

CASES = [
    pytest.param(function, {**good, argument: value}, error, id=f"{function.__module__.split('.')[-1]}."
                 f"{function.__name__}-{argument}={value!r:.20}")
    for function, good, argument, kind in TABLE
    for value, error in KINDS[kind]
]


def _hang(signum, frame):
    raise TimeoutError("no answer within 10 s: a hang")


@pytest.fixture
def within_seconds():
    previous = signal.signal(signal.SIGALRM, _hang)
    signal.alarm(10)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize(("function", "kwargs", "error"), CASES)
def test_bad_arguments_raise_the_documented_error(function, kwargs, error, within_seconds):
    # Builders run without allocating weights: only the arguments are on trial.
    with keras.StatelessScope(initialize_variables=False), pytest.raises(error) as raised:
        function(**kwargs)
    assert type(raised.value) in (TypeError, ValueError), f"{type(raised.value).__name__}: {raised.value}"
    assert str(raised.value), "the message says what was given and what was expected"


@pytest.mark.parametrize(
    "call",
    [
        lambda: conv.check_fit(HUGE, 3, 4),
        lambda: counting.conv2d_params(3, HUGE, HUGE + 2, groups=7),
        lambda: lenet.lenet5(input_shape=(3, 3, 1)),
        lambda: datasets.load_photo_patches(train_per_class=HUGE),
        lambda: images.resize(np.ones((4, 4)), (HUGE, HUGE)),
    ],
    ids=["check_fit", "groups", "smallest input", "patches", "resize"],
)
def test_errors_about_huge_sizes_come_at_once(call, within_seconds):
    with pytest.raises(ValueError):
        call()


def test_numpy_integers_are_ints_everywhere():
    assert conv.output_size(np.int64(7), np.int32(3), strides=np.int16(2)) == 3
    assert counting.conv2d_params(np.int64(3), np.int64(1), np.int64(32)) == 320
    assert pooling.pool2d(np.ones((4, 4)), pool_size=np.int64(2)).shape == (2, 2)
    assert validation.positive_pair((np.int8(2), 3), "strides") == (2, 3)


def test_a_float_where_an_int_belongs_is_always_a_type_error():
    # It was a TypeError for se_params(2.5) and a ValueError for se_params(256, reduction=2.5).
    for call in (lambda: senet.se_params(2.5), lambda: senet.se_params(256, reduction=2.5)):
        with pytest.raises(TypeError, match="must be an int"):
            call()


def test_pool2d_and_pool2d_loops_agree_on_nan_by_refusing_it():
    x = np.array([[np.nan, 1.0], [2.0, 3.0]])
    for implementation in (pooling.pool2d, pooling.pool2d_loops):
        with pytest.raises(ValueError, match="NaN"):
            implementation(x, pool_size=3, padding="same")
