"""The checks of notebook 06, ``course_lib.checks.nb06_counting``, accept right answers and
reject wrong ones."""

import functools

import numpy as np
import pytest

from course_lib import checks


CONV_128_WEIGHTS = 3 * 3 * 64 * 128


def test_conv_layer_params_accepts_right_answer(capsys):
    checks.check_conv_layer_params(CONV_128_WEIGHTS + 128, CONV_128_WEIGHTS)
    checks.check_conv_layer_params(float(CONV_128_WEIGHTS + 128), np.int64(CONV_128_WEIGHTS))
    assert capsys.readouterr().out.count("Correct:") == 2


def test_conv_layer_params_rejects_missing_c_in():
    with pytest.raises(AssertionError, match="with_bias = 1,280: the factor c_in = 64 is missing"):
        checks.check_conv_layer_params(3 * 3 * 128 + 128, CONV_128_WEIGHTS)


def test_conv_layer_params_rejects_missing_bias():
    with pytest.raises(AssertionError, match="the 128 biases are missing"):
        checks.check_conv_layer_params(CONV_128_WEIGHTS, CONV_128_WEIGHTS)


def test_conv_layer_params_rejects_bias_without_bias():
    with pytest.raises(AssertionError, match="counts the biases too"):
        checks.check_conv_layer_params(CONV_128_WEIGHTS + 128, CONV_128_WEIGHTS + 128)


def test_conv_layer_params_rejects_bias_per_input_channel():
    with pytest.raises(AssertionError, match="one bias per input channel"):
        checks.check_conv_layer_params(CONV_128_WEIGHTS + 64, CONV_128_WEIGHTS)


def test_conv_layer_params_rejects_counting_positions():
    with pytest.raises(AssertionError, match="once per position"):
        checks.check_conv_layer_params(14 * 14 * CONV_128_WEIGHTS + 128, CONV_128_WEIGHTS)


def test_conv_layer_params_rejects_other_numbers_and_types():
    with pytest.raises(AssertionError, match="with_bias = 12,345, which is too small"):
        checks.check_conv_layer_params(12345, CONV_128_WEIGHTS)
    with pytest.raises(AssertionError, match="should be a number"):
        checks.check_conv_layer_params("73856", CONV_128_WEIGHTS)
    with pytest.raises(AssertionError, match="whole number"):
        checks.check_conv_layer_params(73856.5, CONV_128_WEIGHTS)
    with pytest.raises(AssertionError, match="should be a number"):
        checks.check_conv_layer_params(CONV_128_WEIGHTS + 128, None)


def _conv_macs_right(h_out, w_out, k, c_in, filters):
    return h_out * w_out * k * k * c_in * filters


def _conv_macs_not_written(h_out, w_out, k, c_in, filters):
    raise NotImplementedError


def test_conv_macs_accepts_right_answer(passes):
    passes(checks.check_conv_macs, _conv_macs_right)


def test_conv_macs_rejects_flops():
    with pytest.raises(AssertionError, match="FLOPs"):
        checks.check_conv_macs(lambda h, w, k, c, f: 2 * _conv_macs_right(h, w, k, c, f))


def test_conv_macs_rejects_bias_additions():
    with pytest.raises(AssertionError, match="bias additions"):
        checks.check_conv_macs(lambda h, w, k, c, f: _conv_macs_right(h, w, k, c, f) + h * w * f)


def test_conv_macs_rejects_missing_c_in():
    with pytest.raises(AssertionError, match="it leaves out the factor c_in"):
        checks.check_conv_macs(lambda h, w, k, c, f: h * w * k * k * f)


def test_conv_macs_rejects_k_once():
    with pytest.raises(AssertionError, match="it has k once"):
        checks.check_conv_macs(lambda h, w, k, c, f: h * w * k * c * f)


def test_conv_macs_rejects_a_function_that_calls_conv2d_macs():
    from course_lib import counting
    from course_lib.counting import conv2d_macs

    macs = conv2d_macs  # an alias

    def with_a_helper(h, w, k, c, f):
        return _delegating_helper(h, w, k, c, f)

    for delegating in (
        lambda h, w, k, c, f: conv2d_macs(h, w, k, c, f),
        lambda h, w, k, c, f: counting.conv2d_macs(h, w, k, c, f),
        lambda h, w, k, c, f: macs(h, w, k, c, f),
        with_a_helper,
        conv2d_macs,
        functools.partial(conv2d_macs),
    ):
        with pytest.raises(AssertionError, match="calls course_lib's conv2d_macs[\\s\\S]*Write the count yourself"):
            checks.check_conv_macs(delegating)


def _delegating_helper(h, w, k, c, f):
    from course_lib.counting import conv2d_macs

    return conv2d_macs(h, w, k, c, f)


def test_conv_macs_rejects_unwritten_and_wrong_types():
    with pytest.raises(AssertionError, match="not attempted yet"):
        checks.check_conv_macs(_conv_macs_not_written)
    with pytest.raises(AssertionError, match="conv_macs returned None"):
        checks.check_conv_macs(lambda h, w, k, c, f: None)
    with pytest.raises(AssertionError, match="it leaves out the kernel's window"):
        checks.check_conv_macs(lambda h, w, k, c, f: h * w * c * f)


BATCH_MB = 256 * 28 * 28 * 32 * 4 / 1e6


def test_batch_activation_mb_accepts_right_answer(capsys):
    checks.check_batch_activation_mb(BATCH_MB)
    checks.check_batch_activation_mb(round(BATCH_MB, 2))
    assert capsys.readouterr().out.count("25.69 MB") == 2


def test_batch_activation_mb_rejects_bytes():
    with pytest.raises(AssertionError, match="number of bytes, not megabytes"):
        checks.check_batch_activation_mb(BATCH_MB * 1e6)


def test_batch_activation_mb_rejects_values_not_bytes():
    with pytest.raises(AssertionError, match="counts values, not bytes"):
        checks.check_batch_activation_mb(BATCH_MB / 4)


def test_batch_activation_mb_rejects_mebibytes():
    with pytest.raises(AssertionError, match="MiB"):
        checks.check_batch_activation_mb(BATCH_MB * 1e6 / 2**20)


def test_batch_activation_mb_rejects_one_image_and_one_map():
    with pytest.raises(AssertionError, match="one image, not the batch"):
        checks.check_batch_activation_mb(BATCH_MB / 256)
    with pytest.raises(AssertionError, match="one feature map per image"):
        checks.check_batch_activation_mb(BATCH_MB / 32)


def test_batch_activation_mb_rejects_other_answers():
    with pytest.raises(AssertionError, match="megabytes = 30, which is too large"):
        checks.check_batch_activation_mb(30.0)
    with pytest.raises(AssertionError, match="should be a number"):
        checks.check_batch_activation_mb("25.69 MB")


def _receptive_field_size_right(layers):
    size, jump = 1, 1
    for kernel_size, strides in layers:
        size += (kernel_size - 1) * jump
        jump *= strides
    return size


def test_receptive_field_size_accepts_the_recurrence(passes):
    passes(checks.check_receptive_field_size, _receptive_field_size_right)

    def with_numpy(layers):  # a product of the strides below, and a NumPy integer returned
        kernels, strides = np.array(layers).T
        below = np.concatenate([[1], np.cumprod(strides)[:-1]])
        return 1 + np.sum((kernels - 1) * below)

    passes(checks.check_receptive_field_size, with_numpy)


def test_receptive_field_size_rejects_ignored_strides():
    with pytest.raises(AssertionError, match="adds k - 1 for every layer and ignores the strides"):
        checks.check_receptive_field_size(lambda layers: 1 + sum(k - 1 for k, _ in layers))


def test_receptive_field_size_rejects_the_current_layers_stride():
    def stride_too_early(layers):
        size, jump = 1, 1
        for kernel_size, strides in layers:
            jump *= strides
            size += (kernel_size - 1) * jump
        return size

    with pytest.raises(AssertionError, match="up to and including the current layer"):
        checks.check_receptive_field_size(stride_too_early)


def test_receptive_field_size_rejects_multiplied_kernels():
    with pytest.raises(AssertionError, match="multiplies the kernel sizes"):
        checks.check_receptive_field_size(lambda layers: int(np.prod([k for k, _ in layers])))


def test_receptive_field_size_rejects_an_off_by_one():
    with pytest.raises(AssertionError, match="one pixel short on every stack[\\s\\S]*r_0 = 1"):
        checks.check_receptive_field_size(lambda layers: _receptive_field_size_right(layers) - 1)


def test_receptive_field_size_rejects_calling_the_library():
    from course_lib import counting
    from course_lib.counting import receptive_field

    for delegating in (
        lambda layers: receptive_field(layers).size,
        lambda layers: counting.receptive_field(layers)[0],
        lambda layers: [counting.receptive_field(layers).size for _ in [0]][0],  # nested code
    ):
        with pytest.raises(AssertionError, match="calls course_lib's receptive_field[\\s\\S]*recurrence yourself"):
            checks.check_receptive_field_size(delegating)


def test_receptive_field_size_names_no_mistake_it_cannot_be_sure_of():
    # Right on all stacks but one: no known mistake is named, and the expected size is not given.
    def wrong_on_pooling(layers):
        return _receptive_field_size_right(layers) + (len(layers) == 4 and layers[1] == (2, 2))

    with pytest.raises(AssertionError) as failure:
        checks.check_receptive_field_size(wrong_on_pooling)
    message = str(failure.value)
    assert "for conv 3x3, pool 2x2, conv 3x3, pool 2x2 (the Fashion-MNIST CNN), returned 11, which is too large" in message
    assert "10" not in message.split("Hint")[0].replace("returned 11", "")


def test_receptive_field_size_rejects_a_stub_none_and_a_pair():
    with pytest.raises(AssertionError, match="not attempted yet"):
        checks.check_receptive_field_size(lambda layers: (_ for _ in ()).throw(NotImplementedError))
    with pytest.raises(AssertionError, match="returned None"):
        checks.check_receptive_field_size(lambda layers: None)
    with pytest.raises(AssertionError, match=r"returned \(7, 1\); expected a whole number"):
        checks.check_receptive_field_size(lambda layers: (_receptive_field_size_right(layers), 1))


def test_a_delegation_found_at_collect_time_is_plain_data_for_the_verdict(tmp_path):
    from course_lib.counting import receptive_field

    parts = checks.REGISTRY["check_receptive_field_size"]
    collected = parts.collect(lambda layers: receptive_field(layers).size)
    assert collected["answers"][0]["facts"] == [True]
    checks.save_collected(collected, tmp_path)
    verdict = parts.verdict(checks.load_collected(tmp_path))
    assert not verdict.passed and "calls course_lib's receptive_field" in verdict.message


def right_answers():
    """Check name -> the arguments of one right answer (tests/test_every_check.py uses them)."""
    return {
        "check_conv_layer_params": (CONV_128_WEIGHTS + 128, np.int64(CONV_128_WEIGHTS)),
        "check_conv_macs": (_conv_macs_right,),
        "check_batch_activation_mb": (BATCH_MB,),
        "check_receptive_field_size": (_receptive_field_size_right,),
    }
