"""Every public function, given bad arguments, raises a TypeError or a ValueError: no other
exception, no hang, no silent result (course_lib.validation's one rule).

The table is (function, good arguments, argument to spoil, kind of bad values); each kind lists
its bad values and the error each must raise: a wrong type is a TypeError, a wrong value of the
right type a ValueError. Every public function of every public module (but ``course_lib.checks``,
whose functions judge learners' answers) has a row, or a reason in ``EXEMPT``: a new function
without either fails ``test_every_public_function_has_a_row_or_a_reason``.
"""

import importlib
import inspect
import pkgutil
import signal
from pathlib import Path

import nbformat
import numpy as np
import pytest

import course_lib
from course_lib import conv, counting, datasets, exercises, glossary, grading, images, notebook_files, pooling
from course_lib import grade_report, progress, sandbox, session, training, validation, viz, widgets
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
    "whole number": [(None, TypeError), ("42", TypeError), (True, TypeError), (1.5, TypeError), (-1, ValueError)],
    "positive number": [(None, TypeError), ("2", TypeError), (True, TypeError), (float("nan"), ValueError),
                        (0, ValueError), (-1.0, ValueError)],
    "arrays": [(None, TypeError), ("image", TypeError), ([np.array([["a"]])], TypeError), ([np.ones(4)], ValueError),
               ([np.ones((0, 0))], ValueError), ([np.ones((2, 2, 2, 2))], ValueError)],
    "labels": [("abc", TypeError), (3, TypeError), ({"a": 1}, TypeError)],
    "cell": [(None, TypeError), ("00", TypeError), ((0.5, 1), TypeError), ((1,), TypeError), ((-1, 0), ValueError)],
    "box": [("box", TypeError), ((0, 0, 2.5, 2), TypeError), ((0, 0, 3), TypeError), ((0, 0, 0, 2), ValueError)],
    "history": [(None, TypeError), ("history", TypeError), ([0.5, 0.4], TypeError)],
    "model": [(None, TypeError), ("model", TypeError), (np.ones(3), TypeError)],
    "mapping": [(None, TypeError), ([1, 2], TypeError), ("curves", TypeError)],
    "sequence": [(None, TypeError), ("abc", TypeError), (3, TypeError)],
    "notebook": [(None, TypeError), ("nb.ipynb", TypeError), ({"cells": None}, TypeError)],
    "nbformat notebook": [(None, TypeError), ({"cells": []}, TypeError)],
    "notebook cell": [(None, TypeError), ("x = 1", TypeError), (["x = 1"], TypeError)],
    "string": [(None, TypeError), (3, TypeError), (b"log", TypeError)],
    "path object": [(None, TypeError), (3, TypeError), ("grading/nb.ipynb", TypeError)],
    "path type": [(None, TypeError), (3, TypeError)],
    "names": [(None, TypeError), ("numpy", TypeError), ([3], TypeError), ([""], ValueError)],
    "layers": [(None, TypeError), ("conv", TypeError), ([(0, 1)], ValueError), ([(2.5, 1)], TypeError)],
    "table": [(None, TypeError), ("012", TypeError), (((0, 9),), ValueError), (((0.5, 1),), TypeError)],
    "notebook path": [(None, TypeError), (3, TypeError), ("notes.txt", ValueError)],
    "tensor": [(None, TypeError), ("x", TypeError)],
    "array": [(None, TypeError), ("image", TypeError), (np.array([["a"]]), TypeError), (np.ones((0, 0)), ValueError)],
    "fraction": [(None, TypeError), ("0.5", TypeError), (True, TypeError), (float("nan"), ValueError),
                 (-0.1, ValueError), (1.5, ValueError)],
    "explorer padding": [(None, TypeError), (2.5, TypeError), ("mirror", ValueError), (7, ValueError)],
    "grading object": [(None, TypeError), ("passed", TypeError), ({"grade_id": "02-ex1-check"}, TypeError)],
    "grading results": [(None, TypeError), ("results", TypeError), ([{"score": 1}], TypeError)],
    "slider size": [(None, TypeError), (2.5, TypeError), (0, ValueError), (99, ValueError)],
}

IMAGE = np.ones((6, 6))
KERNEL = np.ones((3, 3))
X = keras.Input((16, 16, 8))  # a Keras tensor for the blocks that take one
NOTEBOOK = {"cells": []}
NBFORMAT_NOTEBOOK = nbformat.v4.new_notebook()
HISTORY = {"loss": [1.0, 0.5], "accuracy": [0.5, 0.7]}
INCEPTION = {"f1": 4, "f3_reduce": 4, "f3": 4, "f5_reduce": 2, "f5": 2, "pool_proj": 2}
RUN = {"cell_timeout": 5, "notebook_timeout": 10}
EXERCISE = grading.Exercise("02-ex1-check", 1.0, passed=True, reason="right")
RESULT = grading.Result("a.ipynb", notebook="02", score=1.0, max_score=1.0, exercises=[EXERCISE])

def _rows(function, good, **kinds):
    """Rows of TABLE for ``function``: each keyword names an argument and its kind (or kinds) of bad values."""
    return [
        (function, good, argument, kind)
        for argument, named in kinds.items()
        for kind in ((named,) if isinstance(named, str) else named)
    ]


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
    (datasets.render_letters, {}, "per_class", "positive int"),
    (datasets.render_letters, {}, "canvas", "positive int"),
    (datasets.place_at_random, {"images": np.ones((1, 2, 2, 1)), "canvas": 4}, "canvas", "positive int"),
    (datasets.place_at_random, {"images": np.ones((1, 2, 2, 1)), "canvas": 4}, "images", "finite image"),
    (datasets.load, {"name": "digits"}, "name", "name"),
    (datasets.load_keras_dataset, {"name": "mnist"}, "name", "name"),
    (datasets.load_keras_dataset, {"name": "mnist"}, "allow_download", "flag"),
    (training.dataset_name, {"task": "digits"}, "task", "name"),
    (training.dataset_name, {"task": "digits"}, "profile", "profile"),
    (training.epochs, {"fast": 1, "full": 2}, "fast", "positive int"),
    (training.imagenet_weights, {"application": "MobileNet"}, "application", "name"),
    (training.imagenet_weights, {"application": "MobileNet"}, "include_top", "flag"),
    (training.imagenet_weights, {"application": "MobileNet"}, "profile", "profile"),
    (progress.summary_line, {"history": {"loss": [1.0]}, "planned_epochs": 1}, "planned_epochs", "positive int"),
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
    (senet.se_resnet_small, {}, "bn_momentum", "rate"),
    (resnet.resnet_small, {}, "bn_momentum", "rate"),
    # counting, datasets, images, notebook_files, training: what the core does not cover above
    *_rows(counting.receptive_field, {"layers": [(3, 1)]}, layers="layers"),
    *_rows(counting.receptive_field_of, {"model": None}, model="model"),
    *_rows(counting.layer_table, {"model": None}, model="model"),
    *_rows(datasets.online, {}, timeout="positive number"),
    *_rows(images.to_unit_range, {"image": IMAGE}, image="array"),
    *_rows(notebook_files.notebook_number, {"path": "notebooks/01_images.ipynb"}, path="notebook path"),
    *_rows(notebook_files.cell_source, {"cell": {"source": ""}}, cell="notebook cell"),
    *_rows(notebook_files.slide_type_of, {"cell": {"source": ""}}, cell="notebook cell"),
    *_rows(notebook_files.is_speaker_notes, {"cell": {"source": ""}}, cell="notebook cell"),
    *_rows(training.load_task, {"task": "digits"}, task="name"),
    *_rows(training.plan, {"fast": {"epochs": 1}, "full": {"epochs": 2}}, fast="mapping", full="mapping", profile="profile"),
    *_rows(training.fit_curves, {"model": None, "x": IMAGE, "y": IMAGE}, model="model"),
    *_rows(training.fit_seeds, {"build": None, "x": IMAGE, "y": IMAGE}, build="model"),
    *_rows(training.fit_seeds, {"build": lambda: None, "x": np.ones((4, 2)), "y": np.arange(4), "batch_size": 2},
           seeds="sequence", decay_epochs="sequence", epochs="positive int", keep_models="flag"),
    # architecture blocks and full-size builders
    *_rows(googlenet.inception_module, {"x": X, "name": "m", **INCEPTION}, f3="positive int", bottlenecks="flag"),
    *_rows(googlenet.auxiliary_classifier, {"x": X, "classes": 10, "name": "aux"}, dropout="rate", classes="classes"),
    *_rows(lenet.scaled_tanh, {"x": IMAGE}, x="tensor"),
    *_rows(lenet.lenet5_1998, {}, input_shape="input_shape"),
    *_rows(lenet.c3_connection_matrix, {}, input_maps="positive int", table="table"),
    *_rows(lenet.partial_conv2d_params, {"kernel_size": 5, "table": ((0, 1),)}, kernel_size="positive int"),
    *_rows(lenet.subsampling_params, {"maps": 6}, maps="positive int"),
    *_rows(lenet.paper_layers, {}, table="table"),
    *_rows(resnet.resnet34, {}, classes="classes"),
    *_rows(resnet.resnet50, {}, input_shape="input_shape"),
    *_rows(resnet.residual_net, {}, depth="positive int"),
    *_rows(resnet.cifar_plain, {"depth": 8}, depth="positive int", input_shape="input_shape", classes="classes",
           filters="positive int", stem_strides="positive int", bn_momentum="rate"),
    *_rows(resnet.cifar_resnet, {"depth": 8}, depth="positive int", classes="classes"),
    *_rows(resnet.bottleneck_unit, {"x": X, "filters": 4}, filters="positive int", bn_momentum="rate"),
    *_rows(senet.se_block, {"x": X}, reduction="positive int"),
    *_rows(senet.se_resnet50, {}, classes="classes"),
    *_rows(vgg.vgg_block, {"x": X, "filters": 4, "convs": 2, "name": "b"}, convs="positive int"),
    *_rows(vgg.vgg, {"blocks": [(1, 8)], "dense": (16,), "input_shape": (32, 32, 3), "classes": 10}, dropout="rate"),
    *_rows(vgg.vgg16, {}, input_shape="input_shape"),
    *_rows(vgg.vgg19, {}, classes="classes"),
    *_rows(xception.smallest_input, {"stem": 2, "halvings": 3}, halvings="whole number"),
    *_rows(xception.separable_block, {"x": X, "filters": 4, "name": "s"}, bn_momentum="rate", filters="positive int"),
    *_rows(xception.downsampling_block, {"x": X, "filters": 4, "block": 1}, bn_momentum="rate", first_relu="flag"),
    *_rows(xception.middle_block, {"x": X, "block": 1}, bn_momentum="rate", convolutions="positive int"),
    *_rows(xception.xception, {}, input_shape="input_shape"),
    # viz
    *_rows(viz.show_images, {"images": [IMAGE]},
           images="arrays", titles="labels", cols="optional positive int", size="positive number"),
    *_rows(viz.show_values, {"array": KERNEL}, array="image", fmt="text", highlight="box"),
    *_rows(viz.show_value_grids, {"arrays": [KERNEL]}, arrays="arrays", size="positive number"),
    *_rows(viz.show_patch, {"image": IMAGE, "top": 0, "left": 0, "size": 2},
           image="image", top="whole number", size="positive int"),
    *_rows(viz.show_image_rows, {"rows": [[IMAGE]], "row_titles": ["a"]}, rows="sequence", row_titles="sequence"),
    *_rows(viz.show_sliding_window, {"image": IMAGE, "kernel": KERNEL, "output": np.ones((4, 4)), "position": (0, 0)},
           position="cell", kernel="image"),
    *_rows(viz.show_channel_sum, {"image": np.ones((4, 4, 3)), "kernel": np.ones((3, 3, 3)),
                                  "channel_maps": [KERNEL] * 3, "total": KERNEL}, channel_maps="arrays"),
    *_rows(viz.show_gradient_spread, {"grad_output": np.ones((4, 4)), "kernel": KERNEL, "grad_x": IMAGE,
                                      "position": (0, 0)}, position="cell", grad_x="image"),
    *_rows(viz.show_filter_learning, {"losses": [1.0, 0.5], "kernels": [KERNEL], "titles": ["k"]},
           kernels="arrays", titles="sequence"),
    *_rows(viz.show_receptive_field, {"layers": [(3, 1)], "names": ["conv"]},
           layers="layers", names="sequence", inputs="positive int", cols="positive int"),
    *_rows(viz.show_bar_groups, {"values": [[1.0]], "groups": ["g"], "bars": ["b"], "ylabel": "y"},
           values="image", groups="sequence"),
    *_rows(viz.show_bar_panels, {"labels": ["a"], "panels": {"p": [1.0]}}, panels="mapping", labels="sequence"),
    *_rows(viz.show_scale, {"values": [1, 2], "labels": ["a", "b"], "xlabel": "channels"},
           labels="sequence", xlabel="text"),
    *_rows(viz.show_memory_vs_batch, {"batch_sizes": [1, 2], "curves": {"c": [1.0, 2.0]}},
           curves="mapping", batch_sizes="sequence"),
    *_rows(viz.show_accuracy_vs_operations, {"names": ["a"], "macs": [1e9], "accuracy": [0.7], "params": [1e6]},
           macs="finite image", names="sequence"),
    *_rows(viz.plot_history, {"history": HISTORY}, history="history", best_epoch="optional positive int", log_loss="flag"),
    *_rows(viz.compare_histories, {"histories": [HISTORY], "labels": ["a"]}, histories="sequence", labels="sequence"),
    *_rows(viz.show_spread, {"x": [1, 2], "runs": {"a": [[1, 2]]}, "xlabel": "epoch", "ylabel": "error"},
           x="array", runs="mapping", xlabel="text", ylabel="text", log_x="flag"),
    *_rows(viz.show_filters, {"kernel": np.ones((3, 3, 2))}, kernel="image", cols="positive int"),
    *_rows(viz.show_feature_maps, {"maps": np.ones((4, 4, 2))}, maps="image", count="positive int"),
    *_rows(viz.show_images_with_boxes, {"images": [IMAGE], "boxes": [None]}, images="arrays", boxes="sequence"),
    *_rows(viz.overlay_heatmap, {"image": IMAGE, "heatmap": IMAGE}, heatmap="image", outline="flag", alpha="fraction"),
    *_rows(viz.show_heatmaps, {"images": [IMAGE], "heatmaps": [IMAGE]}, heatmaps="arrays", size="positive number"),
    *_rows(viz.draw_model, {"model": None}, model="model"),
    *_rows(viz.draw_branches, {"model": None, "branches": [["a"]]}, model="model"),
    *_rows(viz.draw_block_diagram, {"boxes": [("a", "b")]}, boxes="sequence", width="positive number"),
    *_rows(viz.show_connection_table, {"matrix": np.eye(2)}, matrix="image"),
    # widgets
    *_rows(widgets.describe_conv, {"n": 7, "kernel_size": 3}, strides="positive int"),
    *_rows(widgets.draw_conv_geometry, {"n": 7, "kernel_size": 3}, position="cell", n="positive int"),
    *_rows(widgets.conv_explorer, {}, n="slider size", padding="explorer padding"),
    *_rows(widgets.describe_pool, {"x": IMAGE}, x="image", pool_size="positive int"),
    *_rows(widgets.draw_pool, {"x": IMAGE}, position="cell", strides="optional positive int"),
    *_rows(widgets.pool_explorer, {"x": IMAGE}, x=("image", "finite image")),
    # exercises, grading's Python API, sandbox, session
    *_rows(exercises.is_answer_cell, {"cell": {}}, cell="notebook cell"),
    *_rows(exercises.find_exercises, {"notebook": NOTEBOOK}, notebook="notebook"),
    *_rows(exercises.mark_exercises, {"notebook": NOTEBOOK, "prefix": "01"},
           prefix="text", notebook="notebook", points="positive number"),
    *_rows(exercises.strip_solution, {"source": ""}, source="string"),
    *_rows(exercises.placeholder, {"region": ["x = 1"]}, region="sequence", indent="string"),
    *_rows(exercises.is_untouched, {"source": ""}, source="string"),
    *_rows(exercises.cell_names, {"source": ""}, source="string"),
    *_rows(exercises.answer_readers, {"notebook": NOTEBOOK}, notebook="notebook"),
    *_rows(exercises.cells_the_checks_need, {"notebook": NOTEBOOK}, notebook="notebook"),
    *_rows(exercises.cells_needed, {"notebook": NOTEBOOK, "targets": []}, notebook="notebook", targets="sequence"),
    *_rows(exercises.learners_edition, {"notebook": NOTEBOOK}, notebook="notebook"),
    *_rows(grading.prepare, {"submission": NBFORMAT_NOTEBOOK, "instructor": NBFORMAT_NOTEBOOK},
           submission="nbformat notebook"),
    *_rows(grading.check_call, {"cell": None}, cell="notebook cell"),
    *_rows(grading.run, {"notebook_path": Path("nb.ipynb"), **RUN},
           notebook_path="path object", cell_timeout="positive number", sandboxed="flag"),
    *_rows(grading.judge_collected, {"folder": Path("collected"), "check": "check_x", "options": {}},
           folder="path object", check="text", options="mapping"),
    *_rows(grading.stopped_by_sandbox, {"log": "", "hidden": ()}, log="string", hidden="sequence"),
    *_rows(grading.grade_one, {"path": "nb.ipynb", **RUN}, path="path type", notebook_timeout="positive number"),
    *_rows(grading.table, {"results": []}, results="sequence"),
    *_rows(sandbox.bwrap_arguments, {"scratch": "/tmp", "environment": {}},
           scratch="path type", environment="mapping"),
    *_rows(sandbox.limit_resources, {"limits": None}, limits="mapping"),
    *_rows(sandbox.prepare_scratch, {"scratch": "/tmp"}, scratch="path"),
    *_rows(session.setup, {"tensorflow": False}, seed="whole number", report="flag"),
    *_rows(session.package_versions, {}, names="names"),
    # validation checks itself
    *_rows(validation.whole_number, {"value": 0, "name": "n"}, value="whole number"),
    *_rows(validation.positive_int, {"value": 1, "name": "n"}, value="positive int"),
    *_rows(validation.positive_pair, {"value": 1, "name": "n"}, value="pair"),
    *_rows(validation.positive_ints, {"value": (32, 32, 3), "name": "n", "length": 3}, value="input_shape"),
    *_rows(validation.index_pair, {"value": (0, 0), "name": "n"}, value="cell"),
    *_rows(validation.number, {"value": 1, "name": "n", "minimum": 0, "below": 1}, value="rate"),
    *_rows(validation.rate, {"value": 0.5, "name": "n"}, value="rate"),
    *_rows(validation.boolean, {"value": True, "name": "n"}, value="flag"),
    *_rows(validation.one_of, {"value": "max", "name": "n", "choices": ("max", "average")}, value="name"),
    *_rows(validation.text, {"value": "a", "name": "n"}, value="text"),
    *_rows(validation.existing_path, {"value": "/tmp", "name": "n", "kind": "folder"}, value="path"),
    *_rows(validation.numeric_array, {"value": IMAGE, "name": "n", "ndim": (2, 3)}, value="image"),
    *_rows(validation.divisors, {"n": 12}, n="positive int"),
    *_rows(validation.instance_of, {"value": 1, "name": "n", "kind": int, "expected": "an int"}, value="grading object"),
    *_rows(grade_report.verdict_markdown, {"exercise": EXERCISE}, exercise="grading object"),
    *_rows(grade_report.html_report, {"results": [RESULT]}, results="grading results"),
    *_rows(grade_report.feedback_notebook, {"notebook": NBFORMAT_NOTEBOOK, "result": RESULT},
           notebook="nbformat notebook", result="grading object"),
    *_rows(grade_report.write_feedback, {"results": [RESULT], "notebooks": {}, "folder": "/tmp"},
           results="grading results", notebooks="mapping", folder="path type"),
]

# Public functions deliberately without a row, and why. Private modules (a name starting with "_")
# and course_lib.checks, whose functions judge learners' answers, are not on trial.
EXEMPT = {
    "progress.bar": "passes metric to summary_line, which checks it against the history",
    "progress.is_live": "takes no arguments",
    "datasets.keras_home": "takes no arguments",
    "sandbox.visible_paths": "takes no arguments",
    "sandbox.sandbox_problem": "takes no arguments",
    "session.import_tensorflow": "takes no arguments",
    "session.import_keras": "takes no arguments",
    "session.offline_data_report": "takes no arguments",
    "session.devices": "takes no arguments",
    "session.environment_report": "takes no arguments",
    "session.environment_ok": "takes no arguments",
    "training.current_profile": "takes no arguments",
    "training.distribution_strategy": "takes no arguments",
    "grading.isolation": "takes no arguments",
    "grading.main": "the command line: argparse and UsageError print one line and exit (tests/test_grading.py)",
    "grading.grade": "the command line's engine: every wrong argument is a UsageError that main prints as one line",
    "grading.submissions": "the command line's engine: every wrong argument is a UsageError that main prints as one line",
    "validation.is_int": "a predicate: it answers False for a bad value, by design",
}

CASES = [
    pytest.param(function, {**good, argument: value}, error, id=f"{function.__module__.split('.')[-1]}."
                 f"{function.__name__}-{argument}={value!r:.20}")
    for function, good, argument, kind in TABLE
    for value, error in KINDS[kind]
]


def _public_functions():
    """Return ``{"module.function": function}`` for every public function of every public module."""
    found = {}
    for info in pkgutil.walk_packages(course_lib.__path__, "course_lib."):
        parts = info.name.split(".")
        if parts[1] == "checks" or any(part.startswith("_") for part in parts):
            continue
        module = importlib.import_module(info.name)
        for name, function in vars(module).items():
            if not name.startswith("_") and inspect.isfunction(function) and function.__module__ == info.name:
                found[f"{parts[-1]}.{name}"] = function
    return found


def _key(function):
    return f"{function.__module__.split('.')[-1]}.{function.__name__}"


def test_every_public_function_has_a_row_or_a_reason():
    public = _public_functions()
    rows = {_key(function) for function, *_ in TABLE}
    missing = sorted(set(public) - rows - set(EXEMPT))
    assert not missing, f"public functions without a row in TABLE (or a reason in EXEMPT): {missing}"
    assert not rows & set(EXEMPT), "a function is both tried and exempt"
    assert set(EXEMPT) <= set(public), f"stale exemptions: {sorted(set(EXEMPT) - set(public))}"
    # The size of the trial: public functions tried x bad inputs. Update it when the table grows.
    assert (len(rows), len(CASES)) == (159, 1260)


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
