"""Checks for the exercises: each raises ``AssertionError`` with a hint, or prints one line.

Convention (shared by every notebook): an exercise cell holds the learner's code between
``# BEGIN SOLUTION`` and ``# END SOLUTION`` lines; the next cell calls one function from this
module with the learner's answer. A check never trusts the answer's own claims: it recomputes
the expected value from the course's reference code and compares.

One module per notebook, ``nbNN_name`` for ``notebooks/NN_name.ipynb``, and ``_common`` for what
they share; this package re-exports every check, so a notebook calls ``checks.check_xxx(...)``.
``tests/test_checks_NN_name.py`` proves that every check accepts a right answer and rejects at
least one wrong one.

Each check is in two parts (``REGISTRY`` maps its name to them): *collect* runs the learner's
code and keeps plain data, *verdict* judges that data alone, so a grader can judge in a process
of its own what :func:`save_collected` wrote. See :mod:`course_lib.checks._common`.
"""

from course_lib.checks._common import (
    REGISTRY,
    CheckFailed,
    Verdict,
    load_collected,
    save_collected,
)
from course_lib.checks.nb00_welcome import (
    check_single_pixel_image,
    check_glossary_term,
    check_glossary_search,
)
from course_lib.checks.nb01_images_and_dense_layers import (
    check_unit_range,
    check_dense_params,
    check_flat_index,
)
from course_lib.checks.nb02_convolution import (
    check_corr2d,
    check_convolve,
    check_horizontal_edge_filter,
)
from course_lib.checks.nb03_channels_and_filters import (
    check_conv_multi,
    check_conv_output_shape,
    check_conv_params,
)
from course_lib.checks.nb04_padding_and_stride import (
    check_out_size,
    check_fitting_strides,
    check_same_pads,
    check_conv_layer_quiz,
)
from course_lib.checks.nb05_pooling import (
    check_max_pool_2x2,
    check_pooled_shape,
    check_max_pool_backward,
)
from course_lib.checks.nb06_counting import (
    check_conv_layer_params,
    check_conv_macs,
    check_batch_activation_mb,
    check_receptive_field_size,
)
from course_lib.checks.nb07_how_filters_learn import (
    check_kernel_gradient,
    check_softmax_cross_entropy,
    check_learn_kernel,
)
from course_lib.checks.nb08_first_cnn_in_keras import (
    check_small_cnn,
    check_accuracy,
    check_callbacks,
)
from course_lib.checks.nb09_deeper_cnns_and_augmentation import (
    check_block_output_shapes,
    check_inverted_dropout,
    check_batch_norm,
    check_translate,
)
from course_lib.checks.nb10_seeing_what_a_cnn_learned import (
    check_maps_shape,
    check_most_exciting_image,
    check_class_activation_map,
)
from course_lib.checks.nb11_lenet import (
    check_partial_params,
    check_lenet5_sequential,
)
from course_lib.checks.nb12_alexnet import (
    check_lrn,
    check_two_tower_conv,
)
from course_lib.checks.nb13_vgg import (
    check_stacked_3x3,
    check_vgg_block,
)
from course_lib.checks.nb14_googlenet import (
    check_inception_module,
    check_aux_head_params,
)
from course_lib.checks.nb15_resnet import (
    check_residual_unit,
    check_bottleneck_macs,
)
from course_lib.checks.nb16_xception import (
    check_pointwise_conv,
    check_separable_block,
    check_middle_block_params,
)
from course_lib.checks.nb17_senet import (
    check_se_block,
    check_se_resnet50_extra,
)
from course_lib.checks.nb18_comparing_architectures import (
    check_caffe_preprocess,
    check_unfreeze_top,
)

__all__ = [
    "REGISTRY",
    "CheckFailed",
    "Verdict",
    "load_collected",
    "save_collected",
    "check_single_pixel_image",
    "check_glossary_term",
    "check_glossary_search",
    "check_unit_range",
    "check_dense_params",
    "check_flat_index",
    "check_corr2d",
    "check_convolve",
    "check_horizontal_edge_filter",
    "check_conv_multi",
    "check_conv_output_shape",
    "check_conv_params",
    "check_out_size",
    "check_fitting_strides",
    "check_same_pads",
    "check_conv_layer_quiz",
    "check_max_pool_2x2",
    "check_pooled_shape",
    "check_max_pool_backward",
    "check_conv_layer_params",
    "check_conv_macs",
    "check_batch_activation_mb",
    "check_receptive_field_size",
    "check_kernel_gradient",
    "check_softmax_cross_entropy",
    "check_learn_kernel",
    "check_small_cnn",
    "check_accuracy",
    "check_callbacks",
    "check_block_output_shapes",
    "check_inverted_dropout",
    "check_batch_norm",
    "check_translate",
    "check_maps_shape",
    "check_most_exciting_image",
    "check_class_activation_map",
    "check_partial_params",
    "check_lenet5_sequential",
    "check_lrn",
    "check_two_tower_conv",
    "check_stacked_3x3",
    "check_vgg_block",
    "check_inception_module",
    "check_aux_head_params",
    "check_residual_unit",
    "check_bottleneck_macs",
    "check_pointwise_conv",
    "check_separable_block",
    "check_middle_block_params",
    "check_se_block",
    "check_se_resnet50_extra",
    "check_caffe_preprocess",
    "check_unfreeze_top",
]
