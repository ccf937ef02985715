"""The checks of notebook 15, ``course_lib.checks.nb15_resnet``, accept right answers and
reject wrong ones."""

import warnings

import keras
import pytest

from course_lib import checks


class _ResidualUnit(keras.layers.Layer):
    """The notebook's solution: the branch made in __init__, the shortcut decided in build."""

    def __init__(self, filters, strides=1, **kwargs):
        super().__init__(**kwargs)
        self.filters, self.strides = filters, strides
        self.branch = [
            keras.layers.Conv2D(filters, 3, strides=strides, padding="same", use_bias=False),
            keras.layers.BatchNormalization(),
            keras.layers.ReLU(),
            keras.layers.Conv2D(filters, 3, padding="same", use_bias=False),
            keras.layers.BatchNormalization(),
        ]

    def build(self, input_shape):
        self.shortcut = []
        if self.strides != 1 or input_shape[-1] != self.filters:
            self.shortcut = [keras.layers.Conv2D(self.filters, 1, strides=self.strides, use_bias=False),
                             keras.layers.BatchNormalization()]

    def call(self, inputs):
        z, shortcut = inputs, inputs
        for layer in self.branch:
            z = layer(z)
        for layer in self.shortcut:
            shortcut = layer(shortcut)
        return keras.ops.relu(z + shortcut)


class _WithSequentials(keras.layers.Layer):
    """Another way to write it: Sequential paths, the shortcut's batch norm and the ReLU as
    layers, an Add layer, and a projection in valid padding; the identity is a Sequential too."""

    def __init__(self, filters, strides=1, **kwargs):
        super(_WithSequentials, self).__init__(**kwargs)
        self.filters, self.strides = filters, strides
        L = keras.layers
        self.main = keras.Sequential([
            L.Conv2D(filters, (3, 3), strides=(strides, strides), padding="same", use_bias=False),
            L.BatchNormalization(), L.Activation("relu"),
            L.Conv2D(filters, (3, 3), padding="same", use_bias=False), L.BatchNormalization(),
        ])
        self.add = L.Add()
        self.relu = L.ReLU()

    def build(self, input_shape):
        L = keras.layers
        if self.strides > 1 or input_shape[-1] != self.filters:
            self.skip = keras.Sequential([L.Conv2D(self.filters, 1, strides=self.strides, padding="valid",
                                                   use_bias=False), L.BatchNormalization()])
        else:
            self.skip = keras.Sequential([L.Identity()])

    def call(self, x):
        return self.relu(self.add([self.main(x), self.skip(x)]))


def test_check_residual_unit_accepts_the_layer_written_in_other_ways(capsys):
    checks.check_residual_unit(_ResidualUnit)
    checks.check_residual_unit(_WithSequentials)
    assert capsys.readouterr().out.count("Correct") == 2


def _unit(**change):
    from course_lib.checks.nb15_resnet import _unit_like

    return _unit_like(**change)


@pytest.mark.parametrize("wrong, named", [
    (_unit(project="always"), "adds a projection also where the identity fits"),
    (_unit(norms=()), r"leaves out the batch normalizations \(each has four numbers per channel\)"),
    (_unit(norms=("first", "second")), "leaves out the batch normalization after the projection"),
    (_unit(norms=("second", "projection")), "leaves out the batch normalization after the first convolution"),
    (_unit(norms=("first", "projection")), "leaves out the batch normalization after the second convolution"),
    (_unit(relu="before"), "applies the ReLU to the branch before the addition"),
    (_unit(relu="both"), "as well as after it"),
    (_unit(relu="none"), "leaves out the ReLU after the addition"),
    (_unit(middle_relu=False), "leaves out the ReLU between the two convolutions"),
    (_unit(bias=("branch", "projection")), "gives the convolutions biases"),
    (_unit(bias=("branch",)), "gives the convolutions biases"),
    (_unit(stride_on="second"), "puts the stride on the second convolution"),
    (_unit(projection_kernel=3), "gives the projection a 3x3 kernel"),
])
def test_check_residual_unit_names_a_near_miss(wrong, named):
    with pytest.raises(AssertionError, match=named):
        checks.check_residual_unit(wrong)


class _NoProjection(_ResidualUnit):
    def build(self, input_shape):
        self.shortcut = []


class _ProjectsOnChannelsOnly(_ResidualUnit):
    def build(self, input_shape):
        self.shortcut = []
        if input_shape[-1] != self.filters:  # a stride of 2 alone then breaks the addition
            self.shortcut = [keras.layers.Conv2D(self.filters, 1, strides=self.strides, use_bias=False),
                             keras.layers.BatchNormalization()]


class _ProjectsWithoutStride(_ResidualUnit):
    def build(self, input_shape):
        self.shortcut = []
        if input_shape[-1] != self.filters or self.strides != 1:  # the projection forgets the stride
            self.shortcut = [keras.layers.Conv2D(self.filters, 1, use_bias=False), keras.layers.BatchNormalization()]


class _AddLayerWithoutProjection(_NoProjection):
    def call(self, inputs):
        z = inputs
        for layer in self.branch:
            z = layer(z)
        return keras.layers.ReLU()(keras.layers.Add()([z, inputs]))


def test_check_residual_unit_explains_a_shortcut_that_cannot_be_added():
    # The first case that needs a projection: a stride of 2 with more channels, on 7x7x4.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(AssertionError, match=r"could not add its two paths: one gives maps of shape "
                                                 r"\(4, 4, 8\), the other \(7, 7, 4\)"):
            checks.check_residual_unit(_NoProjection)
    assert not [w for w in caught if "unbuilt state" in str(w.message)], "Keras's warning about the crash is kept quiet"
    with pytest.raises(AssertionError, match=r"shape \(4, 4, 8\), the other \(7, 7, 4\)"):
        checks.check_residual_unit(_AddLayerWithoutProjection)  # Keras's Add words it differently
    # Both differ: each cause is named.
    with pytest.raises(AssertionError, match=r"their heights and widths differ: .*; and their channels differ: "):
        checks.check_residual_unit(_NoProjection)
    # A projection only when the channels change: the stride of 2 alone breaks it, and only the size differs.
    with pytest.raises(AssertionError, match=r"shape \(3, 3, 8\), the other \(6, 6, 8\) \(height, width, channels\); "
                                             r"their heights and widths differ: [^;]*\.\nHint: go through"):
        checks.check_residual_unit(_ProjectsOnChannelsOnly)
    # A projection without the unit's stride: it is there, but the size still differs.
    with pytest.raises(AssertionError, match=r"the shortcut must take the same stride\.\n"):
        checks.check_residual_unit(_ProjectsWithoutStride)


def test_check_residual_unit_rejects_other_layers_without_naming_a_mistake():
    class Wider(_ResidualUnit):
        def __init__(self, filters, strides=1, **kwargs):
            super().__init__(2 * filters, strides, **kwargs)

    with pytest.raises(AssertionError, match=r"more channels than the block should give\.\nHint"):
        checks.check_residual_unit(Wider)

    class Crashes(_ResidualUnit):
        def call(self, inputs):
            raise ValueError("my own bug")

    with pytest.raises(AssertionError, match=r"MyResidualUnit raised ValueError: my own bug\nHint"):
        checks.check_residual_unit(Crashes)

    class NotAttempted(keras.layers.Layer):
        def __init__(self, filters, strides=1, **kwargs):
            super().__init__(**kwargs)
            raise NotImplementedError

    with pytest.raises(AssertionError, match="not attempted yet"):
        checks.check_residual_unit(NotAttempted)
    with pytest.raises(AssertionError, match="returned NoneType; expected the block's output tensor"):
        checks.check_residual_unit(lambda filters, strides: (lambda x: None))


def test_check_residual_unit_rejects_the_library_layer():
    from course_lib.architectures import resnet

    class Wrapper(keras.layers.Layer):
        def __init__(self, filters, strides=1, **kwargs):
            super().__init__(**kwargs)
            self.unit = resnet.ResidualUnit(filters, strides)

        def call(self, x):
            return self.unit(x)

    class Subclass(resnet.ResidualUnit):
        pass

    for wrong in (resnet.ResidualUnit, Wrapper, Subclass):
        with pytest.raises(AssertionError, match="uses the library's ResidualUnit"):
            checks.check_residual_unit(wrong)


def _bottleneck_macs(height, width, channels, filters):
    return height * width * (channels * filters + 9 * filters * filters + filters * channels)


def test_check_bottleneck_macs_accepts_the_formula_and_conv2d_macs(capsys):
    from course_lib.counting import conv2d_macs

    checks.check_bottleneck_macs(_bottleneck_macs)
    checks.check_bottleneck_macs(
        lambda h, w, c, f: conv2d_macs(h, w, 1, c, f) + conv2d_macs(h, w, 3, f, f) + conv2d_macs(h, w, 1, f, c)
    )
    assert capsys.readouterr().out.count("Correct") == 2


def test_check_bottleneck_macs_rejects_missing_and_wrong_convolutions():
    with pytest.raises(AssertionError, match="counts the 3x3 convolution as 1x1"):
        checks.check_bottleneck_macs(lambda h, w, c, f: h * w * (2 * c * f + f * f))
    # Equal to the 1x1 mistake where channels = 4 x filters; the case with other channels tells them apart.
    with pytest.raises(AssertionError, match="counts the 3x3 convolution only"):
        checks.check_bottleneck_macs(lambda h, w, c, f: h * w * 9 * f * f)
    with pytest.raises(AssertionError, match=r"counts two operations per multiply-accumulate \(FLOPs\)"):
        checks.check_bottleneck_macs(lambda h, w, c, f: 2 * _bottleneck_macs(h, w, c, f))
    with pytest.raises(AssertionError, match="adds a 1x1 projection on the shortcut"):
        checks.check_bottleneck_macs(lambda h, w, c, f: _bottleneck_macs(h, w, c, f) + h * w * c * c)
    with pytest.raises(AssertionError, match="leaves out the 1x1 expansion"):
        checks.check_bottleneck_macs(lambda h, w, c, f: h * w * (c * f + 9 * f * f))
    with pytest.raises(AssertionError, match="leaves out the 1x1 reduction"):
        checks.check_bottleneck_macs(lambda h, w, c, f: h * w * (9 * f * f + f * c))
    with pytest.raises(AssertionError, match="makes every convolution 3x3"):
        checks.check_bottleneck_macs(lambda h, w, c, f: 9 * h * w * (2 * c * f + f * f))


def test_check_bottleneck_macs_rejects_an_expansion_hard_coded_as_four_times_filters():
    # Right whenever channels = 4 * filters; one case has channels = 3 * filters.
    with pytest.raises(AssertionError, match=r"bottleneck_macs\(8, 6, 48, 16\) returned [\d,]+: it takes the block's channels as 4 \* filters"):
        checks.check_bottleneck_macs(lambda h, w, c, f: _bottleneck_macs(h, w, 4 * f, f))


def test_check_bottleneck_macs_rejects_weights_and_the_unit_it_replaces():
    with pytest.raises(AssertionError, match="is the number of weights"):
        checks.check_bottleneck_macs(lambda h, w, c, f: 2 * c * f + 9 * f * f)
    with pytest.raises(AssertionError, match="two 3x3 convolutions at full width"):
        checks.check_bottleneck_macs(lambda h, w, c, f: h * w * 18 * c * c)
    with pytest.raises(AssertionError, match=r"expected a whole number"):
        checks.check_bottleneck_macs(lambda h, w, c, f: _bottleneck_macs(h, w, c, f) + 0.5)


def right_answers():
    """Check name -> the arguments of one right answer (tests/test_every_check.py uses them)."""
    return {
        "check_residual_unit": (_ResidualUnit,),
        "check_bottleneck_macs": (_bottleneck_macs,),
    }


def wrong_answers():
    """Check name -> near misses ``[(description, answer tuple)]`` (tests/test_every_check.py tries them)."""
    return {
        "check_residual_unit": [
            ("no projection", (_NoProjection,)),
            ("projection on channels only", (_ProjectsOnChannelsOnly,)),
            ("projection always", (_unit(project="always"),)),
            ("no batch norm", (_unit(norms=()),)),
            ("ReLU before the addition", (_unit(relu="before"),)),
            ("biases", (_unit(bias=("branch", "projection")),)),
            ("batch norm fixed in inference mode", (_FixedInference,)),
        ],
    }


class _FixedInference(_ResidualUnit):
    """Batch normalization called with training=False: right in inference, never trains on batch statistics."""

    def call(self, inputs):
        z, shortcut = inputs, inputs
        for layer in self.branch:
            z = layer(z, training=False) if isinstance(layer, keras.layers.BatchNormalization) else layer(z)
        for layer in self.shortcut:
            shortcut = layer(shortcut, training=False) if isinstance(layer, keras.layers.BatchNormalization) else layer(shortcut)
        return keras.ops.relu(z + shortcut)


class _ValidPadding(_ResidualUnit):
    def __init__(self, filters, strides=1, **kwargs):
        super().__init__(filters, strides, **kwargs)
        for layer in self.branch:
            if isinstance(layer, keras.layers.Conv2D):
                layer.padding = "valid"


def test_check_residual_unit_tells_a_batch_norm_fixed_in_inference_mode_and_valid_padding():
    with pytest.raises(AssertionError, match=r"right outputs in inference mode but other outputs in training mode "
                                             r"\(training=True\): a batch normalization is called with training fixed"):
        checks.check_residual_unit(_FixedInference)
    # Stride 1 on 6x6: two "valid" 3x3 convolutions leave 2x2, 4 rows fewer; no stride is to blame.
    with pytest.raises(AssertionError, match=r"shape \(2, 2, 8\), the other \(6, 6, 8\) .*their heights and widths "
                                             r"differ by 4: a 3x3 convolution without padding=\"same\" loses 2 rows"):
        checks.check_residual_unit(_ValidPadding)


class _OtherEpsilon(_ResidualUnit):
    """Keras's ResNet50 value of epsilon, 1.001e-5, where the lesson's unit keeps Keras's default."""

    def __init__(self, filters, strides=1, **kwargs):
        super().__init__(filters, strides, **kwargs)
        for layer in self.branch:
            if isinstance(layer, keras.layers.BatchNormalization):
                layer.epsilon = 1.001e-5


def test_check_residual_unit_says_a_setting_may_differ():
    with pytest.raises(AssertionError, match=r"computes other outputs: .*a batch normalization's epsilon, say"):
        checks.check_residual_unit(_OtherEpsilon)
