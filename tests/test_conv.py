"""course_lib.conv against TensorFlow, OpenCV and SciPy, on many shapes, strides and paddings."""

import itertools

import cv2
import numpy as np
import pytest
import scipy.signal
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib import conv
from course_lib.session import import_tensorflow

tf = import_tensorflow()

PADDINGS = st.one_of(
    st.sampled_from(["valid", "same", "full"]),
    st.integers(0, 2),
    st.tuples(st.integers(0, 2), st.integers(0, 2)),
    st.tuples(
        st.tuples(st.integers(0, 2), st.integers(0, 2)), st.tuples(st.integers(0, 2), st.integers(0, 2))
    ),
)


def tf_conv2d(x, kernel, strides, padding):
    """tf.nn.conv2d with the course's padding vocabulary translated to TensorFlow's, as NumPy."""
    return tf_conv2d_tensor(x, kernel, strides, padding).numpy()


def tf_conv2d_tensor(x, kernel, strides, padding):
    kh, kw = kernel.shape[:2]
    if padding in ("valid", "same"):
        return tf.nn.conv2d(x, kernel, strides=strides, padding=padding.upper())
    if padding == "full":
        rows, cols = (kh - 1, kh - 1), (kw - 1, kw - 1)
    elif isinstance(padding, int):
        rows = cols = (padding, padding)
    elif isinstance(padding[0], int):
        rows, cols = (padding[0],) * 2, (padding[1],) * 2
    else:
        rows, cols = padding
    return tf.nn.conv2d(x, kernel, strides=strides, padding=[[0, 0], list(rows), list(cols), [0, 0]])


def padded_size(n, k, s, padding, axis):
    if isinstance(padding, str):
        return n + sum(conv.padding_widths(n, k, s, padding))
    if isinstance(padding, int):
        return n + 2 * padding
    if isinstance(padding[0], int):
        return n + 2 * padding[axis]
    return n + sum(padding[axis])


@st.composite
def conv_cases(draw, max_side=12, max_channels=4, max_batch=3):
    n = draw(st.integers(1, max_batch))
    h, w = draw(st.integers(1, max_side)), draw(st.integers(1, max_side))
    c_in, c_out = draw(st.integers(1, max_channels)), draw(st.integers(1, max_channels))
    sh, sw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    padding = draw(PADDINGS)
    kh = draw(st.integers(1, min(5, padded_size(h, 5, sh, padding, 0) if padding != "full" else 5)))
    kw = draw(st.integers(1, min(5, padded_size(w, 5, sw, padding, 1) if padding != "full" else 5)))
    # "same" and "valid" padding depend on the kernel: keep only kernels that fit the padded input.
    if kh > padded_size(h, kh, sh, padding, 0) or kw > padded_size(w, kw, sw, padding, 1):
        kh = kw = 1
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (n, h, w, c_in)).astype(np.float32)
    kernel = (rng.uniform(-1, 1, (kh, kw, c_in, c_out)) / np.sqrt(kh * kw * c_in)).astype(np.float32)
    return x, kernel, (sh, sw), padding


@settings(max_examples=150)
@given(conv_cases())
def test_conv2d_equals_tf_nn_conv2d(case):
    x, kernel, strides, padding = case
    expected = tf_conv2d(x, kernel, strides, padding)
    got = conv.conv2d(x, kernel, strides=strides, padding=padding)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)


@settings(max_examples=40)
@given(conv_cases(max_side=7, max_channels=3, max_batch=2))
def test_conv2d_loops_equals_tf_nn_conv2d(case):
    x, kernel, strides, padding = case
    expected = tf_conv2d(x, kernel, strides, padding)
    got = conv.conv2d_loops(x, kernel, strides=strides, padding=padding)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("shape", [(2, 40, 37, 16), (1, 64, 64, 3)])
@pytest.mark.parametrize("padding", ["valid", "same"])
def test_conv2d_equals_tf_on_larger_inputs(shape, padding):
    # Large enough for conv2d to build its im2col matrix in several blocks.
    rng = np.random.default_rng(1)
    x = rng.uniform(-1, 1, shape).astype(np.float32)
    kernel = (rng.uniform(-1, 1, (3, 3, shape[-1], 40)) / np.sqrt(9 * shape[-1])).astype(np.float32)
    expected = tf_conv2d(x, kernel, (1, 2), padding)
    np.testing.assert_allclose(
        conv.conv2d(x, kernel, strides=(1, 2), padding=padding), expected, rtol=1e-5, atol=1e-5
    )


def test_bias_is_added_per_filter():
    rng = np.random.default_rng(2)
    x = rng.uniform(size=(1, 6, 6, 2)).astype(np.float32)
    kernel = rng.uniform(size=(3, 3, 2, 3)).astype(np.float32)
    bias = np.array([1.0, -2.0, 0.5], dtype=np.float32)
    expected = tf.nn.bias_add(tf_conv2d(x, kernel, 1, "same"), bias).numpy()
    for implementation in (conv.conv2d, conv.conv2d_loops):
        np.testing.assert_allclose(
            implementation(x, kernel, bias, padding="same"), expected, rtol=1e-5, atol=1e-5
        )


def test_float64_keeps_its_precision():
    rng = np.random.default_rng(3)
    x, kernel = rng.normal(size=(1, 9, 9, 2)), rng.normal(size=(3, 3, 2, 2))
    got = conv.conv2d(x, kernel)
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, tf_conv2d(x, kernel, 1, "valid"), rtol=1e-12)


def test_keras_conv2d_layer_with_weights_set_by_hand():
    import keras

    rng = np.random.default_rng(4)
    x = rng.uniform(size=(2, 10, 10, 3)).astype(np.float32)
    kernel = rng.normal(size=(4, 4, 3, 5)).astype(np.float32)
    bias = rng.normal(size=5).astype(np.float32)
    layer = keras.layers.Conv2D(5, 4, strides=2, padding="same")
    layer.build(x.shape)
    layer.set_weights([kernel, bias])
    np.testing.assert_allclose(
        conv.conv2d(x, kernel, bias, strides=2, padding="same"), layer(x).numpy(), rtol=1e-5, atol=1e-5
    )


def test_single_channel_forms_agree_with_opencv_and_scipy():
    rng = np.random.default_rng(5)
    image = rng.uniform(size=(20, 17)).astype(np.float32)
    kernel = rng.normal(size=(3, 5)).astype(np.float32)
    valid = conv.conv2d(image, kernel)
    assert valid.shape == (18, 13)
    np.testing.assert_allclose(
        valid, scipy.signal.correlate2d(image, kernel, mode="valid"), rtol=1e-5, atol=1e-5
    )
    # filter2D centres an odd kernel at anchor (kh // 2, kw // 2): its interior is the valid result.
    filtered = cv2.filter2D(image, -1, kernel, borderType=cv2.BORDER_CONSTANT)
    np.testing.assert_allclose(valid, filtered[1:-1, 2:-2], rtol=1e-5, atol=1e-5)
    # "full" cross-correlation equals SciPy's; flipping the kernel turns it into a true convolution.
    full = conv.conv2d(image, kernel, padding="full")
    np.testing.assert_allclose(
        full, scipy.signal.correlate2d(image, kernel, mode="full"), rtol=1e-5, atol=1e-5
    )
    np.testing.assert_allclose(
        conv.conv2d(image, kernel[::-1, ::-1], padding="full"),
        scipy.signal.convolve2d(image, kernel, mode="full"),
        rtol=1e-5,
        atol=1e-5,
    )


def test_output_ranks_follow_the_input():
    assert conv.conv2d(np.ones((5, 5)), np.ones((3, 3))).shape == (3, 3)
    assert conv.conv2d(np.ones((5, 5)), np.ones((3, 3, 1, 4))).shape == (3, 3, 4)
    assert conv.conv2d(np.ones((5, 5, 2)), np.ones((3, 3, 2, 4))).shape == (3, 3, 4)
    assert conv.conv2d(np.ones((2, 5, 5, 2)), np.ones((3, 3, 2, 4))).shape == (2, 3, 3, 4)
    assert conv.conv2d(np.ones((5, 5), dtype=np.uint8), np.ones((3, 3), dtype=int)).dtype.kind == "f"


# --------------------------------------------------------------------------- sizes


@settings(max_examples=200)
@given(
    n=st.integers(1, 40),
    k=st.integers(1, 9),
    s=st.integers(1, 6),
    padding=st.sampled_from(["valid", "same"]),
)
def test_output_size_and_same_padding_equal_tensorflow(n, k, s, padding):
    if padding == "valid" and k > n:
        with pytest.raises(ValueError, match="larger than the padded input"):
            conv.output_size(n, k, s, padding)
        return
    x = np.random.default_rng(n).uniform(size=(1, n, 1, 1)).astype(np.float32)
    kernel = np.random.default_rng(k).uniform(size=(k, 1, 1, 1)).astype(np.float32)
    expected = tf.nn.conv2d(x, kernel, strides=(s, 1), padding=padding.upper()).numpy()
    assert conv.output_size(n, k, s, padding) == expected.shape[1]
    if padding == "same":
        # Where TensorFlow puts its zeros: explicit (before, after) padding must give the same values.
        before, after = conv.same_padding(n, k, s)
        explicit = tf.nn.conv2d(
            x, kernel, strides=(s, 1), padding=[[0, 0], [before, after], [0, 0], [0, 0]]
        ).numpy()
        np.testing.assert_allclose(explicit, expected, rtol=1e-6)
        assert expected.shape[1] == -(-n // s)


def test_the_course_map_cases():
    assert [conv.output_size(7, 3, s) for s in (1, 2, 3)] == [5, 3, 2]
    assert conv.output_size(13, 6, 5, "same") == 3
    assert conv.same_padding(13, 6, 5) == (1, 2)  # the extra zero at the bottom/right
    assert conv.output_size(32, 3, padding="full") == 34
    assert conv.output_size(34, 3) == 32  # old Keras 'full' then 'valid' keeps 32x32
    assert conv.output_size(4, 3, padding=1) == 4
    assert conv.padding_widths(4, 3, padding=1) == (1, 1)


@given(n=st.integers(1, 30), k=st.integers(1, 7), s=st.integers(1, 5))
def test_unused_input_counts_the_rows_no_window_reaches(n, k, s):
    if k > n:
        return
    size = conv.output_size(n, k, s)
    last_row_seen = (size - 1) * s + k - 1
    assert conv.unused_input(n, k, s) == n - 1 - last_row_seen
    if conv.unused_input(n, k, s) == 0:
        assert conv.check_fit(n, k, s) == size
    else:
        with pytest.raises(ValueError, match="does not fit"):
            conv.check_fit(n, k, s)


def test_check_fit_explains_and_suggests_what_fits():
    with pytest.raises(ValueError) as error:
        conv.check_fit(7, 3, 3)
    message = str(error.value)
    assert "(7 - 3) / 3 = 1.33" in message and "Strides that fit: 1, 2 (4 also fits, but a stride larger than the kernel skips" in message
    suggested = eval(message.split("padding=")[-1].rstrip("."))  # noqa: S307 - a tuple we wrote
    assert conv.unused_input(7, 3, 3, padding=suggested[0]) in (0, 1)
    assert (7 + sum(suggested) - 3) % 3 == 0


def test_require_fit_raises_where_tensorflow_drops_rows():
    x = np.ones((7, 7))
    assert conv.conv2d(x, np.ones((3, 3)), strides=3).shape == (2, 2)  # like TensorFlow
    with pytest.raises(ValueError, match="stride 3 does not fit"):
        conv.conv2d(x, np.ones((3, 3)), strides=3, require_fit=True)
    assert conv.conv2d(x, np.ones((3, 3)), strides=2, require_fit=True).shape == (3, 3)



# --------------------------------------------------------------------------- notebook 04, every small setting
# Notebook 04 teaches these formulas on a few worked cases; here they meet TensorFlow and Keras on
# every small setting: each input size n from 1 to 12, kernel size k from 1 to 5, stride s from 1
# to 4, valid (k <= n) and same padding, 440 settings in all.

SMALL_LAYERS = [(k, s, padding) for k in range(1, 6) for s in range(1, 5) for padding in ("valid", "same")]


def _small_sizes(k, padding):
    return range(k if padding == "valid" else 1, 13)


def test_the_small_settings_are_the_440_of_notebook_04():
    assert sum(len(_small_sizes(k, padding)) for k, _, padding in SMALL_LAYERS) == 440


@pytest.mark.parametrize(("k", "s", "padding"), SMALL_LAYERS)
def test_every_small_setting_agrees_with_tensorflow_and_keras(k, s, padding):
    """output_size is tf.nn.conv2d's shape (ceil(n / s) for same), same_padding's explicit zeros
    are TensorFlow's "SAME", and conv2d and a Keras Conv2D give TensorFlow's values."""
    import keras

    rng = np.random.default_rng(7)
    layer = keras.layers.Conv2D(1, k, strides=s, padding=padding, use_bias=False)
    layer.build((None, None, None, 1))
    kernel = layer.get_weights()[0]
    for n in _small_sizes(k, padding):
        x = rng.random((1, n, n, 1), dtype=np.float32)
        setting = (n, k, s, padding)
        expected = tf.nn.conv2d(x, kernel, strides=s, padding=padding.upper()).numpy()
        size = conv.output_size(n, k, s, padding)
        assert expected.shape == (1, size, size, 1), setting
        if padding == "same":
            before, after = conv.same_padding(n, k, s)
            zeros = [[0, 0], [before, after], [before, after], [0, 0]]
            explicit = tf.nn.conv2d(x, kernel, strides=s, padding=zeros).numpy()
            assert size == -(-n // s), setting
            np.testing.assert_allclose(explicit, expected, atol=1e-5, err_msg=str(setting))
        np.testing.assert_allclose(conv.conv2d(x, kernel, strides=s, padding=padding), expected, atol=1e-5,
                                   err_msg=str(setting))
        np.testing.assert_allclose(layer(x).numpy(), expected, atol=1e-5, err_msg=str(setting))


@pytest.mark.parametrize(("k", "s", "padding"), SMALL_LAYERS)
def test_tensorflow_ignores_the_rows_unused_input_counts_and_sees_the_row_before(k, s, padding):
    """Editing the input rows and columns that unused_input says no window reaches leaves
    tf.nn.conv2d's output as it was; editing the last row and column that are seen changes it."""
    rng = np.random.default_rng(7)
    ones = np.ones((k, k, 1, 1), dtype=np.float32)  # no edit can cancel out
    dropping = 0
    for n in _small_sizes(k, padding):
        x = rng.random((1, n, n, 1), dtype=np.float32)
        _, after = conv.padding_widths(n, k, s, padding)
        hidden = max(conv.unused_input(n, k, s, padding) - after, 0)  # input rows, not zeros
        batch = np.concatenate([x, x, x])  # 0: as it is, 1: unused rows edited, 2: last seen row edited
        for image, (first, last) in [(1, (n - hidden, n)), (2, (n - hidden - 1, n - hidden))]:
            batch[image, first:last, :] += 100.0
            batch[image, :, first:last] += 100.0
        y = tf.nn.conv2d(batch, ones, s, padding.upper()).numpy()
        setting = (n, k, s, padding)
        assert np.allclose(y[1], y[0]), ("unused rows changed the output", setting)
        assert not np.allclose(y[2], y[0]), ("the last row before them is not seen", setting)
        dropping += hidden > 0
    # Rows go unseen at a stride above 1, without padding or, with same padding, when the kernel is
    # shorter than the stride (windows then leave gaps); stride 1 sees every row.
    assert (dropping > 0) == (s > 1 and (padding == "valid" or k < s)), dropping


def _rows_seen(i, n, k, s, padding):
    """The input rows (0 to n - 1) inside the window of output row i: padded rows i * s to
    i * s + k - 1, less the zeros before (notebook 04, section 5)."""
    before, _ = conv.padding_widths(n, k, s, padding)
    first = i * s - before
    return [row for row in range(first, first + k) if 0 <= row < n]


def _probe(n, k, s, padding):
    """seen[i, j, r, c]: does input pixel (r, c) change unit (i, j) of tf.nn.conv2d? One image per
    pixel, holding a single 1, and a kernel of ones, so nothing cancels."""
    probes = np.eye(n * n, dtype=np.float32).reshape(n * n, n, n, 1)
    ones = np.ones((k, k, 1, 1), dtype=np.float32)
    out = tf.nn.conv2d(probes, ones, strides=s, padding=padding.upper()).numpy()[..., 0]
    return (out != 0).reshape(n, n, *out.shape[1:]).transpose(2, 3, 0, 1)


@pytest.mark.parametrize("n", [5, 8, 13])
def test_each_output_unit_sees_the_rows_the_formula_gives(n):
    """Notebook 04's section 5, for every output unit of 32 layers per input size (96 in all)."""
    for k, s, padding in itertools.product((1, 2, 3, 5), (1, 2, 3, 5), ("valid", "same")):
        seen = _probe(n, k, s, padding)
        for i, j in np.ndindex(seen.shape[:2]):
            expected = np.zeros((n, n), dtype=bool)
            expected[np.ix_(_rows_seen(i, n, k, s, padding), _rows_seen(j, n, k, s, padding))] = True
            assert np.array_equal(seen[i, j], expected), (n, k, s, padding, i, j)


def _window_counts(n, k, s, padding):
    """How many windows cover each input pixel, counted from padding_widths and output_size, as
    notebook 04's coverage() counts them."""
    before, after = conv.padding_widths(n, k, s, padding)
    size = conv.output_size(n, k, s, padding)
    counts = np.zeros((n + before + after,) * 2, dtype=int)
    for i, j in np.ndindex(size, size):
        counts[i * s : i * s + k, j * s : j * s + k] += 1
    return counts[before : before + n, before : before + n]


@pytest.mark.parametrize(
    ("n", "k", "s", "padding"), list(itertools.product((5, 6, 9), (1, 2, 3), (1, 2, 3), ("valid", "same")))
)
def test_window_counts_equal_a_probe_with_conv2d(n, k, s, padding):
    """The counts of notebook 04's section 1, measured with conv2d: with a kernel of ones, the
    outputs of the image that is 1 at pixel p add up to the number of windows that contain p."""
    probes = np.eye(n * n).reshape(n * n, n, n, 1)
    measured = conv.conv2d(probes, np.ones((k, k, 1, 1)), strides=s, padding=padding).sum(axis=(1, 2, 3))
    assert np.array_equal(_window_counts(n, k, s, padding), measured.reshape(n, n))


def test_same_puts_the_odd_zero_after_in_tensorflow_keras_and_conv2d():
    """Notebook 04's section 4: 13 rows, a kernel of 6, stride 5: 1 zero before and 2 after."""
    import keras

    rng = np.random.default_rng(4)
    x = rng.random((1, 13, 13, 1), dtype=np.float32)
    kernel = rng.random((6, 6, 1, 1), dtype=np.float32)
    same = tf.nn.conv2d(x, kernel, strides=5, padding="SAME").numpy()
    np.testing.assert_allclose(tf_conv2d(x, kernel, 5, ((1, 2), (1, 2))), same, atol=1e-5)
    assert not np.allclose(tf_conv2d(x, kernel, 5, ((2, 1), (2, 1))), same, atol=1e-5)
    layer = keras.layers.Conv2D(1, 6, strides=5, padding="same", use_bias=False)
    layer.build(x.shape)
    layer.set_weights([kernel])
    np.testing.assert_allclose(layer(x).numpy(), same, atol=1e-5)
    np.testing.assert_allclose(conv.conv2d(x, kernel, strides=5, padding="same"), same, atol=1e-5)

# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (
            {"x": np.ones((1, 5, 5, 3)), "kernel": np.ones((3, 3, 1, 2))},
            ValueError,
            "channel mismatch.*3 channel",
        ),
        (
            {"x": np.ones((1, 2, 5, 5)), "kernel": np.ones((3, 3, 5, 2))},
            ValueError,
            "has 3 rows but the padded input has only 2",
        ),
        (
            {"x": np.ones((4, 4)), "kernel": np.ones((5, 5))},
            ValueError,
            "kernel has 5 rows but the padded input has only 4",
        ),
        (
            {"x": np.ones((4, 4)), "kernel": np.ones((3, 3)), "strides": 0},
            ValueError,
            "strides must be positive",
        ),
        (
            {"x": np.ones((4, 4)), "kernel": np.ones((3, 3)), "strides": (1, -1)},
            ValueError,
            "strides must be positive",
        ),
        (
            {"x": np.ones((4, 4)), "kernel": np.ones((3, 3)), "strides": 1.5},
            TypeError,
            "strides must be an int",
        ),
        (
            {"x": np.ones((4, 4)), "kernel": np.ones((3, 3)), "padding": "SAMEISH"},
            ValueError,
            "Unknown padding 'SAMEISH'",
        ),
        ({"x": np.ones((4, 4)), "kernel": np.ones((3, 3)), "padding": -1}, ValueError, "non-negative"),
        ({"x": np.ones(4), "kernel": np.ones((3, 3))}, ValueError, r"received shape \(4,\)"),
        ({"x": np.ones((1, 1, 4, 4, 1)), "kernel": np.ones((3, 3))}, ValueError, "x must be an image"),
        ({"x": np.ones((4, 4, 1)), "kernel": np.ones((3, 3, 1))}, ValueError, r"kernel\[\.\.\., None\]"),
        (
            {"x": np.array([["a", "b"], ["c", "d"]]), "kernel": np.ones((1, 1))},
            TypeError,
            "must hold numbers",
        ),
        (
            {"x": np.ones((4, 4)), "kernel": np.ones((3, 3, 1, 2)), "bias": np.ones(3)},
            ValueError,
            r"bias must .* \(2,\)",
        ),
    ],
)
@pytest.mark.parametrize("implementation", [conv.conv2d, conv.conv2d_loops])
def test_bad_input_gets_a_clear_error(implementation, kwargs, error, match):
    with pytest.raises(error, match=match):
        implementation(**kwargs)


def test_tensorflow_accepts_what_conv2d_accepts_channel_last_only():
    # The channels-first mistake that the channel-mismatch message names: TensorFlow fails too.
    with pytest.raises((ValueError, tf.errors.InvalidArgumentError)):
        tf.nn.conv2d(np.ones((1, 3, 5, 5), np.float32), np.ones((3, 3, 3, 2), np.float32), 1, "VALID")


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: conv.output_size(0, 3), "n must be a positive int"),
        (lambda: conv.output_size(5, 3, padding="mirror"), "Unknown padding 'mirror'"),
        (lambda: conv.same_padding(5, 0), "kernel_size must be a positive int"),
        (lambda: conv.output_size(5, 3, strides=2.0), "strides must be an int"),
        (lambda: conv.padding_widths(5, 3, padding=(1, 2, 3)), "pair"),
    ],
)
def test_size_helpers_reject_bad_arguments(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


# --------------------------------------------------------------------------- gradients


@settings(max_examples=60)
@given(conv_cases(max_side=9, max_channels=3))
def test_conv2d_backward_equals_tf_gradient_tape(case):
    x, kernel, strides, padding = case
    bias = np.linspace(-1, 1, kernel.shape[-1], dtype=np.float32)
    grad_output = np.random.default_rng(7).uniform(
        -1, 1, conv.conv2d(x, kernel, bias, strides, padding).shape
    )
    grad_output = grad_output.astype(np.float32)
    x_tf, kernel_tf, bias_tf = tf.Variable(x), tf.Variable(kernel), tf.Variable(bias)
    with tf.GradientTape() as tape:
        y = tf.nn.bias_add(tf_conv2d_tensor(x_tf, kernel_tf, strides, padding), bias_tf)
        loss = tf.reduce_sum(y * grad_output)  # dLoss/dy = grad_output
    expected = tape.gradient(loss, [x_tf, kernel_tf, bias_tf])
    got = conv.conv2d_backward(x, kernel, grad_output, strides, padding)
    for name, g, e in zip(("x", "kernel", "bias"), got, expected):
        assert g.shape == e.shape, name
        np.testing.assert_allclose(g, e.numpy(), rtol=1e-4, atol=1e-4, err_msg=name)


def test_conv2d_backward_keeps_the_callers_shapes_and_checks_grad_output():
    grad_x, grad_kernel, grad_bias = conv.conv2d_backward(np.ones((5, 5)), np.ones((3, 3)), np.ones((3, 3)))
    assert (grad_x.shape, grad_kernel.shape, grad_bias.shape) == ((5, 5), (3, 3), (1,))
    grad_x, grad_kernel, _ = conv.conv2d_backward(
        np.ones((5, 5, 2)), np.ones((3, 3, 2, 4)), np.ones((3, 3, 4))
    )
    assert (grad_x.shape, grad_kernel.shape) == ((5, 5, 2), (3, 3, 2, 4))
    with pytest.raises(ValueError, match=r"grad_output must have the shape of conv2d's output, \(3, 3\)"):
        conv.conv2d_backward(np.ones((5, 5)), np.ones((3, 3)), np.ones((5, 5)))
