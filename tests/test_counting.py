"""course_lib.counting against Keras's own counts, a direct count of products, and gradients."""

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib import conv, counting
from course_lib.session import import_keras, import_tensorflow

tf = import_tensorflow()
keras = import_keras()

L = keras.layers
KERNELS = st.one_of(st.integers(1, 5), st.tuples(st.integers(1, 5), st.integers(1, 5)))


def built(layer, c_in):
    layer.build((None, 9, 9, c_in))
    return layer.count_params()


def fashion_cnn():
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        L.Conv2D(32, 3, padding="same", activation="relu"),
        L.MaxPooling2D(2),
        L.Conv2D(64, 3, padding="same", activation="relu"),
        L.MaxPooling2D(2),
        L.Flatten(),
        L.Dense(100, activation="relu"),
        L.Dropout(0.4),
        L.Dense(10, activation="softmax"),
    ])


def weight_count(weights):
    return sum(int(np.prod(w.shape)) for w in weights)


def assert_totals_match(model, profile):
    assert profile.params == model.count_params()
    assert profile.trainable_params == weight_count(model.trainable_weights)
    assert profile.non_trainable_params == weight_count(model.non_trainable_weights)


def test_import_does_not_import_tensorflow():
    code = "import sys, course_lib.counting; sys.exit('tensorflow' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


# --------------------------------------------------------------------------- formulas against Keras


@settings(max_examples=20)
@given(KERNELS, st.integers(1, 3), st.integers(1, 3), st.integers(1, 4), st.booleans())
def test_conv2d_params_equal_keras(kernel_size, per_group_in, per_group_out, groups, use_bias):
    c_in, filters = per_group_in * groups, per_group_out * groups
    layer = L.Conv2D(filters, kernel_size, groups=groups, use_bias=use_bias)
    expected = built(layer, c_in)
    assert counting.conv2d_params(kernel_size, c_in, filters, use_bias, groups) == expected


@settings(max_examples=10)
@given(st.integers(1, 50), st.integers(1, 50), st.booleans())
def test_dense_params_equal_keras(inputs, units, use_bias):
    layer = L.Dense(units, use_bias=use_bias)
    layer.build((None, inputs))
    assert counting.dense_params(inputs, units, use_bias) == layer.count_params()


@settings(max_examples=12)
@given(KERNELS, st.integers(1, 8), st.integers(1, 3), st.booleans())
def test_depthwise_conv2d_params_equal_keras(kernel_size, c_in, multiplier, use_bias):
    layer = L.DepthwiseConv2D(kernel_size, depth_multiplier=multiplier, use_bias=use_bias)
    assert counting.depthwise_conv2d_params(kernel_size, c_in, multiplier, use_bias) == built(layer, c_in)


@settings(max_examples=12)
@given(KERNELS, st.integers(1, 8), st.integers(1, 8), st.integers(1, 3), st.booleans())
def test_separable_conv2d_params_equal_keras(kernel_size, c_in, filters, multiplier, use_bias):
    layer = L.SeparableConv2D(filters, kernel_size, depth_multiplier=multiplier, use_bias=use_bias)
    expected = built(layer, c_in)
    assert counting.separable_conv2d_params(kernel_size, c_in, filters, multiplier, use_bias) == expected


@pytest.mark.parametrize("channels", [1, 3, 64])
def test_batch_norm_params_equal_keras_half_of_them_trainable(channels):
    layer = L.BatchNormalization()
    assert counting.batch_norm_params(channels) == built(layer, channels)
    assert weight_count(layer.trainable_weights) == weight_count(layer.non_trainable_weights) == 2 * channels


@settings(max_examples=25)
@given(st.integers(1, 9), st.integers(1, 9), KERNELS, st.integers(1, 3), st.integers(1, 3))
def test_conv2d_macs_equal_a_direct_count_of_products(h, w, kernel_size, c_in, filters):
    """With ones everywhere and no padding, every product adds 1 to the sum of the output."""
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    h, w = h + kh - 1, w + kw - 1  # an input the kernel fits
    products = conv.conv2d(np.ones((h, w, c_in)), np.ones((kh, kw, c_in, filters))).sum()
    out_h, out_w = conv.output_size(h, kh), conv.output_size(w, kw)
    assert counting.conv2d_macs(out_h, out_w, kernel_size, c_in, filters) == products


def test_grouped_conv2d_macs_divide_by_groups():
    assert counting.conv2d_macs(8, 8, 3, 64, 128, groups=4) * 4 == counting.conv2d_macs(8, 8, 3, 64, 128)


def test_the_book_example_200_maps_of_5x5_on_150x100_rgb():
    assert counting.conv2d_params(5, 3, 200) == 15_200
    assert counting.conv2d_macs(150, 100, 5, 3, 200) == 150 * 100 * 5 * 5 * 3 * 200 == 225_000_000
    model = keras.Sequential([keras.Input((150, 100, 3)), L.Conv2D(200, 5, padding="same")])
    row = counting.layer_table(model).rows[1]
    assert (row.output_shape, row.params, row.macs) == ("(None, 150, 100, 200)", 15_200, 225_000_000)


# --------------------------------------------------------------------------- profile


def test_profile_of_the_fashion_mnist_cnn():
    model = fashion_cnn()
    profile = counting.layer_table(model)
    assert_totals_match(model, profile)
    weighted = [row for row in profile.rows if row.params]
    assert [row.params for row in weighted] == [320, 18_496, 313_700, 1_010]
    assert [row.macs for row in weighted] == [
        counting.conv2d_macs(28, 28, 3, 1, 32),
        counting.conv2d_macs(14, 14, 3, 32, 64),
        counting.dense_macs(7 * 7 * 64, 100),
        counting.dense_macs(100, 10),
    ]
    assert profile.macs == sum(row.macs for row in weighted)
    values = 28 * 28 * (1 + 32) + 14 * 14 * (32 + 64) + 7 * 7 * 64 * 2 + 100 + 100 + 10
    assert profile.activation_bytes == 4 * values
    assert [row.type for row in profile.rows][:2] == ["InputLayer", "Conv2D"]

    bigger = counting.layer_table(model, batch_size=8, bytes_per_value=2)
    assert (bigger.params, bigger.macs) == (profile.params, 8 * profile.macs)
    assert bigger.activation_bytes == 4 * profile.activation_bytes


def mixed_model():
    """Every layer type the course uses, a nested Sequential, a frozen layer and an unknown one."""
    inputs = keras.Input((16, 16, 3), name="image")
    x = L.Rescaling(1 / 255)(inputs)
    x = L.ZeroPadding2D(1)(x)
    x = L.Conv2D(16, 3, strides=2, use_bias=False, name="stem")(x)  # 18 -> 8
    x = L.BatchNormalization()(x)
    x = L.ReLU()(x)
    a = L.DepthwiseConv2D(3, padding="same", depth_multiplier=2, name="depthwise")(x)
    a = L.Conv2D(16, 1, groups=4, name="grouped")(a)
    b = L.SeparableConv2D(16, 3, padding="same", name="separable")(x)
    added = L.Add()([a, b])
    x = L.Concatenate()([added, x])  # 32 channels
    x = L.Multiply()([x, L.Activation("sigmoid")(x)])
    block = keras.Sequential([L.Conv2D(8, 3, padding="same"), L.BatchNormalization()], name="block")
    x = L.MaxPooling2D(2)(block(x))  # 4x4x8
    x = L.LayerNormalization(name="unknown")(x)
    pooled = L.Concatenate()([L.GlobalAveragePooling2D()(x), L.GlobalMaxPooling2D()(x)])
    x = L.Reshape((4, 32))(L.AveragePooling2D(1)(x))
    x = L.Dense(5, name="per_position")(x)  # a Dense on (4, 32): 4 positions
    x = L.Concatenate()([L.Flatten()(x), pooled])
    outputs = L.Dense(10, name="head")(L.Dropout(0.5)(x))
    model = keras.Model(inputs, outputs, name="mixed")
    model.get_layer("grouped").trainable = False
    return model


def test_profile_of_a_model_with_every_course_layer():
    model = mixed_model()
    profile = counting.layer_table(model)
    assert_totals_match(model, profile)
    assert profile.non_trainable_params == (16 + 8) * 2 + (32 // 4) * 16 + 16  # BN statistics, frozen
    rows = {row.name: row for row in profile.rows}
    assert rows["stem"].macs == counting.conv2d_macs(8, 8, 3, 3, 16)
    assert rows["depthwise"].macs == 8 * 8 * 3 * 3 * 16 * 2
    assert rows["grouped"].macs == counting.conv2d_macs(8, 8, 1, 32, 16, groups=4)
    assert rows["grouped"].trainable_params == 0
    assert rows["separable"].macs == 8 * 8 * (3 * 3 * 16 + 16 * 16)
    nested = [row for row in profile.rows if row.name.startswith("block/")]
    assert [row.type for row in nested] == ["Conv2D", "BatchNormalization"]
    assert nested[0].macs == counting.conv2d_macs(8, 8, 3, 32, 8)
    assert rows["per_position"].macs == 4 * counting.dense_macs(32, 5)
    assert rows["head"].macs == counting.dense_macs(4 * 5 + 16, 10)
    assert rows["unknown"].note == "MACs not counted" and rows["unknown"].params == 16
    assert all(row.macs == 0 for row in profile.rows if row.params == 0)


def test_profile_tables():
    model = mixed_model()
    profile = counting.layer_table(model)
    text = str(profile)
    assert text == profile.to_text() == counting.layer_table(model).to_text()
    lines = text.splitlines()
    assert lines[0] == "Profile of 'mixed'"
    assert lines[1].split() == ["Layer", "Type", "Output", "shape", "Params", "Trainable", "MACs",
                                "Activation", "bytes", "Note"]
    assert lines[2] == lines[-4] and set(lines[2]) == {"-"}  # rules above and below the layers
    assert len(lines) == 1 + 2 + len(profile.rows) + 2 + 2
    assert "MACs not counted" in text and f"{profile.params:,}" in lines[-3]
    markdown = profile.to_markdown()
    table = [line for line in markdown.splitlines() if line.startswith("|")]
    assert len(table) == 2 + len(profile.rows) + 1
    assert len({line.count("|") for line in table}) == 1
    assert "`block/batch_normalization" in markdown and f"**{profile.macs:,}**" in markdown
    assert profile._repr_markdown_() == markdown
    assert repr(profile).startswith("<Profile of 'mixed': ")


class ConvBlock(L.Layer):
    """A custom layer with sublayers: relu(bn(conv(x)) + x), the shape of a residual unit."""

    def __init__(self, filters, **kwargs):
        super().__init__(**kwargs)
        self.conv = L.Conv2D(filters, 3, padding="same", use_bias=False, name="conv")
        self.bn = L.BatchNormalization(name="bn")

    def call(self, x):
        return keras.activations.relu(self.bn(self.conv(x)) + x)


def custom_layer_model(*layers):
    """Input 8x8x4, then each of ``layers`` in turn, then a Dense head."""
    inputs = keras.Input((8, 8, 4), name="image")
    x = inputs
    for layer in layers:
        x = layer(x)
    outputs = L.Dense(2, name="head")(L.Flatten(name="flatten")(x))
    return keras.Model(inputs, outputs, name="custom")


def test_profile_opens_custom_layers_with_sublayers():
    block = ConvBlock(4, name="block")
    model = custom_layer_model(block)
    profile = counting.layer_table(model)
    assert_totals_match(model, profile)
    rows = {row.name: row for row in profile.rows}
    assert list(rows) == ["image", "block/conv", "block/bn", "block/add", "block/relu", "flatten", "head"]
    assert [rows[name].type for name in ("block/conv", "block/bn", "block/add")] == [
        "Conv2D", "BatchNormalization", "Add"]
    assert rows["block/conv"].macs == counting.conv2d_macs(8, 8, 3, 4, 4)
    assert profile.macs == counting.conv2d_macs(8, 8, 3, 4, 4) + counting.dense_macs(8 * 8 * 4, 2)
    assert not any(row.note for row in profile.rows)
    assert rows["block/add"].activation_bytes == 8 * 8 * 4 * 4  # every output inside is counted


def test_profile_leaves_the_model_as_it_was_and_names_the_same_rows_twice():
    block = ConvBlock(4, name="block")
    model = custom_layer_model(block)
    def calls():
        return [(len(layer._inbound_nodes), len(layer._outbound_nodes)) for layer in (block, block.conv, block.bn)]

    before = calls()
    first, second = counting.layer_table(model), counting.layer_table(model)
    assert [row.name for row in first.rows] == [row.name for row in second.rows]
    assert calls() == before
    assert model.get_layer("block").output.shape == (None, 8, 8, 4)
    x = np.ones((1, 8, 8, 4), dtype="float32")
    np.testing.assert_allclose(model(x), model(x))


def test_profile_counts_ops_between_layers_of_a_functional_model():
    inputs = keras.Input((6,), name="x")
    dense = L.Dense(6, name="dense")(inputs)
    outputs = keras.activations.relu(dense + inputs)  # two ops: no layer objects, no weights
    profile = counting.layer_table(keras.Model(inputs, outputs))
    assert [(row.name, row.macs) for row in profile.rows] == [
        ("x", 0), ("dense", 36), ("add", 0), ("relu", 0)]


class OwnWeightBlock(ConvBlock):
    """A custom layer with a weight of its own besides its sublayers' weights."""

    def build(self, input_shape):
        self.scale = self.add_weight(shape=(), initializer="ones", name="scale")

    def call(self, x):
        return super().call(x) * self.scale


class TensorFlowBlock(ConvBlock):
    """A custom layer whose call needs real tensors: it cannot be traced on a keras.Input."""

    def call(self, x):
        return tf.nn.relu(super().call(x))


@pytest.mark.parametrize("layer_class", [OwnWeightBlock, TensorFlowBlock])
def test_profile_counts_a_custom_layer_it_cannot_open_as_one_layer(layer_class):
    model = custom_layer_model(layer_class(4, name="block"))
    profile = counting.layer_table(model)
    assert_totals_match(model, profile)
    row = next(row for row in profile.rows if row.name.startswith("block"))
    assert (row.name, row.type, row.note) == ("block", layer_class.__name__, "MACs not counted")


class TwiceBlock(ConvBlock):
    """A custom layer that calls its convolution twice (shared weights)."""

    def call(self, x):
        return self.bn(self.conv(self.conv(x)))


def test_profile_refuses_layers_shared_inside_and_around_custom_layers():
    block, unit = ConvBlock(4, name="block"), ConvBlock(4, name="unit")
    for model, name in [
        (custom_layer_model(block, block), "block"),  # the custom layer called twice
        (custom_layer_model(TwiceBlock(4, name="twice")), "twice/conv"),  # a sublayer called twice
        (custom_layer_model(unit, unit.conv), "conv"),  # a sublayer also called by the model
    ]:
        with pytest.raises(ValueError, match=f"layer '{name}' is used more than once"):
            counting.layer_table(model)


@pytest.fixture(scope="module")
def applications():
    """The keras.applications the course discusses, built once with weights=None.

    The StatelessScope skips drawing the ~215 million random initial weights (20 s on a busy
    CPU): the layers and weight shapes are all there, which is all counting needs.
    """
    names = ("VGG16", "ResNet50", "InceptionV3", "Xception", "MobileNet")
    with keras.StatelessScope(initialize_variables=False):
        return {name: getattr(keras.applications, name)(weights=None) for name in names}


@pytest.mark.parametrize(
    "name, params",
    [("VGG16", 138_357_544), ("ResNet50", 25_636_712), ("InceptionV3", 23_851_784),
     ("Xception", 22_910_480), ("MobileNet", 4_253_864)],
)
def test_profile_of_keras_applications(applications, name, params):
    model = applications[name]
    profile = counting.layer_table(model)
    assert_totals_match(model, profile)
    assert profile.params == params
    assert not any(row.note for row in profile.rows)


def test_vgg16_costs_about_15_5_billion_macs(applications):
    macs = counting.layer_table(applications["VGG16"]).macs
    assert macs == pytest.approx(15.5e9, rel=0.01)
    blocks = [(224, [3, 64, 64]), (112, [64, 128, 128]), (56, [128, 256, 256, 256]),
              (28, [256, 512, 512, 512]), (14, [512, 512, 512, 512])]  # (size, channels in -> out)
    convolutions = sum(
        counting.conv2d_macs(size, size, 3, c_in, c_out)
        for size, channels in blocks for c_in, c_out in zip(channels, channels[1:])
    )
    dense = [7 * 7 * 512, 4096, 4096, 1000]
    assert macs == convolutions + sum(map(counting.dense_macs, dense, dense[1:]))


# --------------------------------------------------------------------------- receptive field


def test_receptive_field_of_vgg16(applications):
    vgg = applications["VGG16"]
    assert counting.receptive_field_of(vgg) == (212, 32)  # block5_pool, before Flatten
    assert counting.receptive_field_of(vgg, "block5_conv3") == (196, 16)
    assert counting.receptive_field_of(vgg, "block1_conv1") == (3, 1)


@st.composite
def stacks(draw):
    """A chain of ("conv" or "pool", kernel_size, strides, dilation_rate); Keras cannot combine
    strides and dilation in one convolution."""
    stack = []
    for _ in range(draw(st.integers(1, 4))):
        kind, k = draw(st.sampled_from(["conv", "pool"])), draw(st.integers(1, 4))
        dilated = kind == "conv" and draw(st.booleans())
        s, d = (1, draw(st.integers(2, 3))) if dilated else (draw(st.integers(1, 2)), 1)
        stack.append((kind, k, s, d))
    return stack


@settings(max_examples=12)
@given(stacks())
def test_receptive_field_equals_the_input_a_gradient_reaches(stack):
    """Ones for weights and input: one unit's gradient is positive on its field, zero outside."""
    size = counting.receptive_field([layer[1:] for layer in stack]).size
    layers = [
        L.Conv2D(1, k, strides=s, dilation_rate=d, kernel_initializer="ones", use_bias=False)
        if kind == "conv" else L.AveragePooling2D(k, strides=s)
        for kind, k, s, d in stack
    ]
    model = keras.Sequential([keras.Input((size, size, 1)), *layers])
    image = tf.ones((1, size, size, 1))
    with tf.GradientTape() as tape:
        tape.watch(image)
        unit = model(image)[0, 0, 0, 0]
    rows = np.flatnonzero(tape.gradient(unit, image).numpy()[0, :, 0, 0])
    assert rows.max() - rows.min() + 1 == size
    assert counting.receptive_field_of(model).size == size


def test_receptive_field_follows_nested_models_and_skips_neutral_layers():
    inner = keras.Sequential([L.Conv2D(4, 3), L.BatchNormalization(), L.ReLU()], name="inner")
    model = keras.Sequential([keras.Input((32, 32, 3)), L.Rescaling(1 / 255), inner,
                              L.MaxPooling2D(2), L.Dropout(0.1), L.Conv2D(4, 3), L.Flatten(),
                              L.Dense(2)])
    assert counting.receptive_field_of(model) == counting.receptive_field([(3, 1), (2, 2), (3, 1)])


# --------------------------------------------------------------------------- errors that teach


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: counting.conv2d_params(3, 6, 8, groups=4), ValueError,
         ["c_in=6 is not divisible by groups=4", "filters=8: 1, 2."]),
        (lambda: counting.conv2d_params(3, 8, 6, groups=4), ValueError,
         ["filters=6 is not divisible by groups=4"]),
        (lambda: counting.conv2d_macs(8, 8, 3, 8, 6, groups=4), ValueError, ["groups=4"]),
        (lambda: counting.conv2d_params(0, 3, 8), ValueError, ["kernel_size=0"]),
        (lambda: counting.conv2d_params("3", 3, 8), TypeError, ["kernel_size='3'"]),
        (lambda: counting.conv2d_params(3, 3, 8, use_bias="yes"), TypeError, ["use_bias='yes'"]),
        (lambda: counting.dense_params(10.0, 3), TypeError, ["inputs=10.0"]),
        (lambda: counting.depthwise_conv2d_params(3, 8, depth_multiplier=0), ValueError,
         ["depth_multiplier=0"]),
        (lambda: counting.separable_conv2d_params(3, 8, -1), ValueError, ["filters=-1"]),
        (lambda: counting.batch_norm_params(0), ValueError, ["channels=0"]),
        (lambda: counting.conv2d_macs(0, 8, 3, 3, 8), ValueError, ["output_height=0"]),
        (lambda: counting.dense_macs(3, True), TypeError, ["units=True"]),
        (lambda: counting.receptive_field([(3, 1), 3]), TypeError, ["layers[1]", "received 3"]),
        (lambda: counting.receptive_field([{"kernel_size": 3, "stride": 2}]), ValueError,
         ["layers[0]", "'stride'"]),
        (lambda: counting.receptive_field([((1, 7), 1)]), ValueError,
         ["kernel_size=(1, 7)", "1 for the rows, 7 for the columns"]),
    ],
)
def test_formula_errors_name_the_bad_value(call, error, words):
    with pytest.raises(error) as caught:
        call()
    for word in words:
        assert word in str(caught.value)


class Subclassed(keras.Model):
    def __init__(self):
        super().__init__()
        self.dense = L.Dense(2)

    def call(self, x):
        return self.dense(x)


def shared_dense():
    dense = L.Dense(3, name="shared")
    a, b = keras.Input((4,)), keras.Input((4,))
    return keras.Model([a, b], L.Add()([dense(a), dense(b)]))


@pytest.mark.parametrize(
    "model, words",
    [
        (keras.Sequential([L.Dense(2)], name="lazy"), ["'lazy' is not built", "keras.Input"]),
        (Subclassed(), ["subclassed", "functional API"]),
        (keras.Sequential([keras.Input((None, None, 3), name="any_size"), L.Conv2D(4, 3)]),
         ["'any_size' has output shape (None, None, None, 3)", "input_shape=(224, 224, 3)"]),
        (shared_dense(), ["'shared' is used more than once"]),
    ],
)
def test_profile_explains_models_it_cannot_count(model, words):
    with pytest.raises(ValueError) as caught:
        counting.layer_table(model)
    for word in words:
        assert word in str(caught.value)


def test_profile_argument_errors():
    with pytest.raises(TypeError, match="expected a Keras model; received Conv2D"):
        counting.layer_table(L.Conv2D(2, 3))
    with pytest.raises(ValueError, match="batch_size=0"):
        counting.layer_table(fashion_cnn(), batch_size=0)


def test_receptive_field_of_explains_what_it_cannot_follow(applications):
    with pytest.raises(ValueError, match=r"layer 'conv2_block1_add' \(Add\) merges 2 branches"):
        counting.receptive_field_of(applications["ResNet50"])
    upsampling = keras.Sequential([keras.Input((8, 8, 1)), L.Conv2DTranspose(1, 3, name="up")])
    with pytest.raises(ValueError, match=r"how layer 'up' \(Conv2DTranspose\) changes"):
        counting.receptive_field_of(upsampling)
    with pytest.raises(ValueError, match="has no layer named 'nope'"):
        counting.receptive_field_of(fashion_cnn(), "nope")
    model = fashion_cnn()
    with pytest.raises(ValueError, match=r"'flatten.*' \(Flatten\) mixes every position"):
        counting.receptive_field_of(model, model.layers[-1].name)
