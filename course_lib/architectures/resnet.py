"""ResNet (He, Zhang, Ren and Sun, "Deep Residual Learning for Image Recognition", 2015).

A residual unit adds its input to the output of a few layers, ``y = relu(F(x) + x)``: the layers
learn the *residual* ``F(x) = H(x) - x`` instead of the whole mapping ``H(x)``, and the identity
path carries the signal (and its gradient) through any depth. This module builds:

- :class:`ResidualUnit`: the basic unit of ResNet-18/34 as one Keras layer (two 3x3
  convolutions with batch normalization, and a 1x1 projection on the skip path when the shape
  changes);
- :func:`resnet34`: ResNet-34 from that layer, as in the paper's Table 1;
- :func:`bottleneck_unit` and :func:`resnet50`: the bottleneck unit (1x1 reduce, 3x3, 1x1
  expand) and ResNet-50 in the layout of ``keras.applications.ResNet50`` (same layer names, same
  25,636,712 parameters);
- :func:`resnet_small`: a few residual units for 32x32 colour images, trained in seconds;
- :func:`plain_net` and :func:`residual_net`: the same stack of narrow 3x3 convolutions with and
  without skip connections, without batch normalization, for measuring the vanishing signal;
- :func:`cifar_plain` and :func:`cifar_resnet`: the paper's CIFAR-10 networks (batch normalization
  after every convolution, He initialization, parameter-free :class:`ZeroPadShortcut` s), for
  measuring the degradation problem as the paper did (train them over several seeds with
  :func:`course_lib.training.fit_seeds`).
"""

from course_lib.architectures import _validate
from course_lib.architectures._small import SMALL_BN_MOMENTUM
from course_lib.session import import_keras
from course_lib.validation import rate, whole_number

keras = import_keras()

L = keras.layers

# (filters, units) of each stage, conv2_x to conv5_x of the paper's Table 1.
RESNET34_STAGES = ((64, 3), (128, 4), (256, 6), (512, 3))
# (bottleneck filters, units): each unit outputs 4 x filters channels.
RESNET50_STAGES = ((64, 3), (128, 4), (256, 6), (512, 3))
# Batch-normalization epsilon of keras.applications' ResNets (Keras's default is 1e-3).
BN_EPSILON = 1.001e-5
# conv1 (stride 2), the 3x3/2 max pooling and the first unit of conv3_x, conv4_x, conv5_x.
PUBLISHED_HALVINGS = 5


def _check_input(input_shape, halvings, network, example=(224, 224, 3)):
    """Return ``input_shape`` as a tuple after checking it survives ``halvings`` halvings."""
    return _validate.check_halvings(_validate.check_input_shape(input_shape, example), halvings, network)


# --------------------------------------------------------------------------- the basic unit


@keras.saving.register_keras_serializable(package="course_lib")
class ResidualUnit(keras.layers.Layer):
    """The residual unit of ResNet-18/34 as one layer: ``relu(main(x) + skip(x))``.

    Main path: ``Conv2D(filters, 3, strides)`` - batch norm - activation - ``Conv2D(filters, 3)`` -
    batch norm, both convolutions ``padding="same"`` without bias (the batch norm's shift does
    its job). Skip path: the input itself, or, when ``strides`` is not 1 or the input does not
    have ``filters`` channels, a ``Conv2D(filters, 1, strides)`` projection and batch norm, so
    that the two paths have the same shape and can be added. The projection is decided when the
    layer first sees its input (in :meth:`build`). ``bn_momentum`` is the momentum of the
    batch normalizations' moving averages (Keras's default, 0.99, unless given).

    Input ``(N, H, W, C)``; output ``(N, ceil(H / strides), ceil(W / strides), filters)``.

    Example:
        >>> import keras
        >>> unit = ResidualUnit(32, strides=2, name="unit")
        >>> tuple(unit(keras.ops.zeros((1, 8, 8, 16))).shape)
        (1, 4, 4, 32)
        >>> unit.projects
        True
    """

    def __init__(self, filters, strides=1, activation="relu", bn_momentum=0.99, **kwargs):
        bn_momentum = rate(bn_momentum, "bn_momentum")
        super().__init__(**kwargs)
        self.filters = _validate.check_count(filters, "filters")
        self.strides = _validate.check_count(strides, "strides")
        self.activation = keras.activations.get(activation)
        self.bn_momentum = bn_momentum
        self.main_layers = [
            L.Conv2D(filters, 3, strides=strides, padding="same", use_bias=False, name="conv1"),
            L.BatchNormalization(momentum=bn_momentum, name="bn1"),
            L.Activation(self.activation, name="act1"),
            L.Conv2D(filters, 3, strides=1, padding="same", use_bias=False, name="conv2"),
            L.BatchNormalization(momentum=bn_momentum, name="bn2"),
        ]
        self.skip_layers = []

    @property
    def projects(self):
        """``True`` when the skip path is a 1x1 projection, ``False`` for the identity (once built)."""
        return bool(self.skip_layers)

    def build(self, input_shape):
        if self.strides != 1 or input_shape[-1] != self.filters:
            self.skip_layers = [
                L.Conv2D(self.filters, 1, strides=self.strides, use_bias=False, name="skip_conv"),
                L.BatchNormalization(momentum=self.bn_momentum, name="skip_bn"),
            ]
        for layers in (self.main_layers, self.skip_layers):
            shape = input_shape
            for layer in layers:
                layer.build(shape)
                shape = layer.compute_output_shape(shape)

    def call(self, inputs):
        z = inputs
        for layer in self.main_layers:
            z = layer(z)
        skip = inputs
        for layer in self.skip_layers:
            skip = layer(skip)
        return self.activation(z + skip)

    def compute_output_shape(self, input_shape):
        n, h, w, _ = input_shape
        shrink = lambda side: None if side is None else -(-side // self.strides)  # noqa: E731
        return (n, shrink(h), shrink(w), self.filters)

    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            "strides": self.strides,
            "activation": keras.activations.serialize(self.activation),
            "bn_momentum": self.bn_momentum,
        }


def resnet34(input_shape=(224, 224, 3), classes=1000):
    """Return ResNet-34 (He et al., 2015, Table 1) built from :class:`ResidualUnit` layers.

    ``conv1``: 7x7/2 convolution with 64 filters, batch norm, ReLU; ``pool1``: 3x3/2 max pooling;
    then 3, 4, 6 and 3 residual units of 64, 128, 256 and 512 filters (``conv2_block1`` ...
    ``conv5_block3``; the first unit of each later stage has stride 2 and a projection); global
    average pooling and a softmax ``Dense(classes)``. 224x224 becomes 112, 56, 28, 14, 7.
    Building it is quick in ``keras.StatelessScope(initialize_variables=False)``.

    Raises:
        ValueError: ``classes`` < 2, or an input smaller than 32x32 (five halvings).
    """
    input_shape = _check_input(input_shape, PUBLISHED_HALVINGS, "ResNet-34")
    layers = [
        keras.Input(input_shape, name="image"),
        L.Conv2D(64, 7, strides=2, padding="same", use_bias=False, name="conv1"),
        L.BatchNormalization(name="conv1_bn"),
        L.Activation("relu", name="conv1_relu"),
        L.MaxPooling2D(3, strides=2, padding="same", name="pool1"),
    ]
    previous = 64
    for stage, (filters, units) in enumerate(RESNET34_STAGES, start=2):
        for unit in range(1, units + 1):
            strides = 1 if filters == previous else 2
            layers.append(ResidualUnit(filters, strides=strides, name=f"conv{stage}_block{unit}"))
            previous = filters
    layers += [
        L.GlobalAveragePooling2D(name="avg_pool"),
        L.Dense(_validate.check_classes(classes), activation="softmax", name="predictions"),
    ]
    return keras.Sequential(layers, name="resnet34")


# --------------------------------------------------------------------------- the bottleneck unit


def bottleneck_unit(x, filters, strides=1, name="unit", residual_hook=None, bn_momentum=0.99):
    """Return the output tensor of a ResNet-50 bottleneck unit applied to the tensor ``x``.

    Residual branch: ``Conv2D(filters, 1, strides)`` reduces the channels, ``Conv2D(filters, 3)``
    looks around, ``Conv2D(4 * filters, 1)`` expands again; each is followed by batch norm, the
    first two by ReLU. Skip path: ``x``, or a ``Conv2D(4 * filters, 1, strides)`` projection and
    batch norm when ``strides`` is not 1 or ``x`` does not have ``4 * filters`` channels. Output:
    ``relu(branch + skip)`` with ``4 * filters`` channels. The layout is that of
    ``keras.applications.ResNet50`` (biases on the convolutions, stride on the first 1x1,
    batch-norm epsilon 1.001e-5, layer names ``{name}_0_conv`` ... ``{name}_out``).

    Args:
        residual_hook: ``None``, or a function ``hook(branch, name)`` that returns a tensor of the
            branch's shape; it is applied to the branch just before the addition. SENet puts its
            squeeze-and-excitation block there (see :mod:`course_lib.architectures.senet`).
        bn_momentum: the batch normalizations' momentum (0.99, Keras's default and ResNet50's).

    Example:
        >>> import keras
        >>> x = keras.Input((56, 56, 64))
        >>> y = bottleneck_unit(x, 64, name="conv2_block1")
        >>> tuple(y.shape), keras.Model(x, y).count_params()
        ((None, 56, 56, 256), 76928)
    """
    bn_momentum = rate(bn_momentum, "bn_momentum")
    _validate.check_count(filters, "filters")
    _validate.check_count(strides, "strides")
    expanded = 4 * filters
    if strides != 1 or x.shape[-1] != expanded:
        skip = L.Conv2D(expanded, 1, strides=strides, name=f"{name}_0_conv")(x)
        skip = L.BatchNormalization(epsilon=BN_EPSILON, momentum=bn_momentum, name=f"{name}_0_bn")(skip)
    else:
        skip = x
    y = L.Conv2D(filters, 1, strides=strides, name=f"{name}_1_conv")(x)
    y = L.BatchNormalization(epsilon=BN_EPSILON, momentum=bn_momentum, name=f"{name}_1_bn")(y)
    y = L.Activation("relu", name=f"{name}_1_relu")(y)
    y = L.Conv2D(filters, 3, padding="same", name=f"{name}_2_conv")(y)
    y = L.BatchNormalization(epsilon=BN_EPSILON, momentum=bn_momentum, name=f"{name}_2_bn")(y)
    y = L.Activation("relu", name=f"{name}_2_relu")(y)
    y = L.Conv2D(expanded, 1, name=f"{name}_3_conv")(y)
    y = L.BatchNormalization(epsilon=BN_EPSILON, momentum=bn_momentum, name=f"{name}_3_bn")(y)
    if residual_hook is not None:
        y = residual_hook(y, name)
    y = L.Add(name=f"{name}_add")([skip, y])
    return L.Activation("relu", name=f"{name}_out")(y)


def resnet50(input_shape=(224, 224, 3), classes=1000, residual_hook=None, name="resnet50"):
    """Return ResNet-50 (He et al., 2015) with the layers and names of ``keras.applications.ResNet50``.

    ``conv1``: 7x7/2 convolution with 64 filters (zero-padded by 3), batch norm, ReLU; ``pool1``:
    3x3/2 max pooling (padded by 1); then 3, 4, 6 and 3 :func:`bottleneck_unit` s of 64, 128, 256
    and 512 filters (256, 512, 1,024 and 2,048 output channels; ``conv2_block1`` ...
    ``conv5_block3``, the first unit of each stage with a projection, of conv3-conv5 with stride 2);
    global average pooling and a softmax ``Dense(classes)``. With the defaults it has 25,636,712
    parameters, exactly as many as ``keras.applications.ResNet50(weights=None)``.

    ``residual_hook`` is passed to every bottleneck unit (SE-ResNet-50 uses it).

    Raises:
        ValueError: ``classes`` < 2, or an input smaller than 32x32 (five halvings).
    """
    input_shape = _check_input(input_shape, PUBLISHED_HALVINGS, name)
    classes = _validate.check_classes(classes)
    inputs = keras.Input(input_shape, name="image")
    x = L.ZeroPadding2D(3, name="conv1_pad")(inputs)
    x = L.Conv2D(64, 7, strides=2, name="conv1_conv")(x)
    x = L.BatchNormalization(epsilon=BN_EPSILON, name="conv1_bn")(x)
    x = L.Activation("relu", name="conv1_relu")(x)
    x = L.ZeroPadding2D(1, name="pool1_pad")(x)
    x = L.MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    for stage, (filters, units) in enumerate(RESNET50_STAGES, start=2):
        for unit in range(1, units + 1):
            strides = 2 if unit == 1 and stage > 2 else 1
            x = bottleneck_unit(
                x, filters, strides, name=f"conv{stage}_block{unit}", residual_hook=residual_hook
            )
    x = L.GlobalAveragePooling2D(name="avg_pool")(x)
    outputs = L.Dense(classes, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, outputs, name=name)


# --------------------------------------------------------------------------- small variants


def resnet_small(input_shape=(32, 32, 3), classes=6, filters=16, units=(1, 1, 1),
                 bn_momentum=SMALL_BN_MOMENTUM):
    """Return a small ResNet for small images: a 3x3 stem and stages of :class:`ResidualUnit` s.

    ``stem``: ``Conv2D(filters, 3)``, batch norm, ReLU (no downsampling, as in the paper's
    CIFAR-10 networks). Then one stage per entry of ``units``, ``units[i]`` residual units of
    ``filters * 2**i`` filters, the first unit of every stage after the first with stride 2;
    global average pooling and a softmax ``Dense(classes)``. With the defaults: 32x32x16, 16x16x32,
    8x8x64. The batch normalizations use ``bn_momentum`` = :data:`SMALL_BN_MOMENTUM` (0.9), so that
    their moving averages are usable after a few hundred training steps.

    Raises:
        ValueError: ``classes`` < 2, an empty or non-positive ``units``, or an input smaller than
            ``2**(len(units) - 1)`` pixels a side.

    Example:
        >>> model = resnet_small()
        >>> model.output_shape, model.count_params()
        ((None, 6), 78454)
    """
    bn_momentum = rate(bn_momentum, "bn_momentum")
    units = _validate.check_stage_units(units, "residual")
    input_shape = _check_input(input_shape, len(units) - 1, "resnet_small", example=(32, 32, 3))
    filters = _validate.check_count(filters, "filters")
    layers = [
        keras.Input(input_shape, name="image"),
        L.Conv2D(filters, 3, padding="same", use_bias=False, name="stem_conv"),
        L.BatchNormalization(momentum=bn_momentum, name="stem_bn"),
        L.Activation("relu", name="stem_relu"),
    ]
    for stage, count in enumerate(units):
        for unit in range(1, count + 1):
            strides = 2 if unit == 1 and stage > 0 else 1
            layers.append(ResidualUnit(filters * 2**stage, strides=strides, bn_momentum=bn_momentum,
                                       name=f"stage{stage + 1}_unit{unit}"))
    layers += [
        L.GlobalAveragePooling2D(name="avg_pool"),
        L.Dense(_validate.check_classes(classes), activation="softmax", name="predictions"),
    ]
    return keras.Sequential(layers, name="resnet_small")


# --------------------------------------------------------------------------- the degradation problem


def _stack(depth, skips, input_shape, classes, filters, name):
    """The network of :func:`plain_net` and :func:`residual_net`; ``skips`` adds the shortcuts."""
    if whole_number(depth, "depth") < 4 or depth % 2:
        raise ValueError(
            f"depth counts the layers with weights: one stem convolution, two convolutions per "
            f"unit and the output Dense layer, so depth = 2 * units + 2, an even number >= 4; "
            f"received depth={depth!r}."
        )
    input_shape = _check_input(input_shape, 1, name, example=(8, 8, 1))
    filters = _validate.check_count(filters, "filters")
    conv = lambda layer_name, **kwargs: L.Conv2D(  # noqa: E731
        filters, 3, padding="same", use_bias=False, name=layer_name, **kwargs
    )
    inputs = keras.Input(input_shape, name="image")
    x = conv("stem_conv", strides=2, activation="relu")(inputs)
    for unit in range(1, (depth - 2) // 2 + 1):
        y = conv(f"unit{unit}_conv1", activation="relu")(x)
        y = conv(f"unit{unit}_conv2")(y)
        if skips:
            y = L.Add(name=f"unit{unit}_add")([x, y])
        x = L.Activation("relu", name=f"unit{unit}_relu")(y)
    x = L.Flatten(name="flatten")(x)
    outputs = L.Dense(_validate.check_classes(classes), activation="softmax", name="predictions")(x)
    return keras.Model(inputs, outputs, name=name)


def plain_net(depth=20, input_shape=(8, 8, 1), classes=10, filters=8):
    """Return a plain stack of ``depth`` layers with weights: no skip connections, no batch norm.

    ``stem_conv`` (3x3, stride 2, ReLU) halves the image; then ``(depth - 2) / 2`` units of two
    3x3 convolutions (``unit{i}_conv1`` with ReLU, ``unit{i}_conv2``, then ``unit{i}_relu``), all
    with ``filters`` maps, ``padding="same"`` and no bias; ``Flatten`` and a softmax
    ``Dense(classes)``. The defaults fit scikit-learn's 8x8 digits. :func:`residual_net` is the
    same network with a shortcut around every unit: same layers, same parameters.

    Raises:
        ValueError: ``depth`` not an even number >= 4, ``classes`` < 2, or a bad ``input_shape``.

    Example:
        >>> [layer.name for layer in plain_net(4).layers]
        ['image', 'stem_conv', 'unit1_conv1', 'unit1_conv2', 'unit1_relu', 'flatten', 'predictions']
    """
    return _stack(depth, False, input_shape, classes, filters, f"plain_{depth}")


def residual_net(depth=20, input_shape=(8, 8, 1), classes=10, filters=8):
    """Return :func:`plain_net` with an identity shortcut around every unit: ``relu(F(x) + x)``.

    The only new layers are the ``unit{i}_add`` additions, which have no weights, so both
    networks have exactly the same parameters; only the path of the signal differs.

    Example:
        >>> residual_net(20).count_params() == plain_net(20).count_params()
        True
        >>> [layer.name for layer in residual_net(4).layers][2:6]
        ['unit1_conv1', 'unit1_conv2', 'unit1_add', 'unit1_relu']
    """
    return _stack(depth, True, input_shape, classes, filters, f"residual_{depth}")


# --------------------------------------------------------------------------- the paper's CIFAR-10 nets

# Filters of the three stages of the paper's CIFAR-10 networks (section 4.2), times ``filters / 16``.
CIFAR_STAGE_FACTORS = (1, 2, 4)


@keras.saving.register_keras_serializable(package="course_lib")
class ZeroPadShortcut(keras.layers.Layer):
    """The paper's parameter-free shortcut where the shape changes (option A): subsample, pad with zeros.

    Keeps every ``strides``-th row and column of the input (the pixels a ``"same"`` convolution with
    that stride is centred on) and appends zero channels up to ``filters``. It has no weights, so a
    residual network with these shortcuts has exactly the parameters of its plain counterpart.

    Input ``(N, H, W, C)`` with ``C <= filters``; output ``(N, ceil(H / strides), ceil(W / strides),
    filters)``.

    Example:
        >>> import keras
        >>> shortcut = ZeroPadShortcut(8, strides=2)
        >>> y = shortcut(keras.ops.ones((1, 4, 4, 3)))
        >>> tuple(y.shape), float(keras.ops.sum(y)), shortcut.count_params()
        ((1, 2, 2, 8), 12.0, 0)
    """

    def __init__(self, filters, strides=2, **kwargs):
        super().__init__(**kwargs)
        self.filters = _validate.check_count(filters, "filters")
        self.strides = _validate.check_count(strides, "strides")

    def build(self, input_shape):
        if input_shape[-1] > self.filters:
            raise ValueError(
                f"ZeroPadShortcut pads channels up to filters={self.filters}, so the input must have "
                f"at most that many; received an input with {input_shape[-1]} channels."
            )

    def call(self, inputs):
        x = inputs[:, :: self.strides, :: self.strides, :]
        extra = self.filters - inputs.shape[-1]
        return keras.ops.pad(x, [[0, 0], [0, 0], [0, 0], [0, extra]]) if extra else x

    def compute_output_shape(self, input_shape):
        n, h, w, _ = input_shape
        shrink = lambda side: None if side is None else -(-side // self.strides)  # noqa: E731
        return (n, shrink(h), shrink(w), self.filters)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, "strides": self.strides}


def _cifar_stack(depth, skips, input_shape, classes, filters, bn_momentum, stem_strides, name):
    """The network of :func:`cifar_plain` and :func:`cifar_resnet`; ``skips`` adds the shortcuts."""
    bn_momentum = rate(bn_momentum, "bn_momentum")
    if whole_number(depth, "depth") < 8 or (depth - 2) % 6:
        raise ValueError(
            f"depth counts the layers with weights: one stem convolution, three stages of n units "
            f"of two convolutions, and the output Dense layer, so depth = 6 * n + 2 (8, 14, 20, "
            f"32, 44, 56, 110, ...); received depth={depth!r}."
        )
    stem_strides = _validate.check_count(stem_strides, "stem_strides")
    input_shape = _check_input(input_shape, 2 + (stem_strides > 1), name, example=(32, 32, 3))
    filters = _validate.check_count(filters, "filters")
    classes = _validate.check_classes(classes)
    units = (depth - 2) // 6

    def conv_bn(x, width, strides, prefix, number=""):
        x = L.Conv2D(width, 3, strides=strides, padding="same", use_bias=False,
                     kernel_initializer="he_normal", name=f"{prefix}conv{number}")(x)
        return L.BatchNormalization(momentum=bn_momentum, name=f"{prefix}bn{number}")(x)

    inputs = keras.Input(input_shape, name="image")
    x = L.Activation("relu", name="stem_relu")(conv_bn(inputs, filters, stem_strides, "stem_"))
    for stage, factor in enumerate(CIFAR_STAGE_FACTORS, start=1):
        width = filters * factor
        for unit in range(1, units + 1):
            prefix = f"stage{stage}_unit{unit}_"
            strides = 2 if unit == 1 and stage > 1 else 1
            y = L.Activation("relu", name=f"{prefix}relu1")(conv_bn(x, width, strides, prefix, 1))
            y = conv_bn(y, width, 1, prefix, 2)
            if skips:
                shortcut = x
                if strides != 1 or x.shape[-1] != width:
                    shortcut = ZeroPadShortcut(width, strides, name=f"{prefix}shortcut")(x)
                y = L.Add(name=f"{prefix}add")([y, shortcut])
            x = L.Activation("relu", name=f"{prefix}relu2")(y)
    x = L.GlobalAveragePooling2D(name="avg_pool")(x)
    outputs = L.Dense(classes, activation="softmax", kernel_initializer="he_normal", name="predictions")(x)
    return keras.Model(inputs, outputs, name=name)


def cifar_plain(depth=20, input_shape=(32, 32, 3), classes=10, filters=16, stem_strides=1,
                bn_momentum=SMALL_BN_MOMENTUM):
    """Return the paper's plain CIFAR-10 network of ``depth`` layers with weights (He et al., section 4.2).

    ``stem``: a 3x3 convolution with ``filters`` maps; then three stages of ``n = (depth - 2) / 6``
    units of two 3x3 convolutions, with ``filters``, ``2 * filters`` and ``4 * filters`` maps (16,
    32, 64 in the paper); the first convolution of stages 2 and 3 has stride 2, so 32x32 becomes
    32, 16, 8 pixels a side; global average pooling and a softmax ``Dense(classes)``. Every
    convolution (``padding="same"``, no bias) is followed by batch normalization and ReLU
    (``conv - BN - ReLU - conv - BN - ReLU`` in a unit); every layer with weights starts from He
    initialization (``he_normal``: normal with variance ``2 / fan_in``). Layer names: ``stem_conv``,
    ``stage{s}_unit{u}_conv1``, ``..._bn1``, ``..._relu1``, ``..._conv2``, ``..._bn2``,
    ``..._relu2``. Batch norms use ``bn_momentum`` (:data:`SMALL_BN_MOMENTUM`, 0.9, so that short
    runs get usable moving averages).

    ``stem_strides=2`` gives the stem convolution stride 2, which halves the input before the
    first stage: notebook 15's fast profile runs the network on 8x8 digits with stages of 4x4,
    2x2 and 1x1 maps, for a quarter of the arithmetic (on 1x1 maps a 3x3 convolution with
    ``"same"`` padding only uses its centre weights).

    :func:`cifar_resnet` is the same network with shortcuts, and the same parameters.

    Raises:
        ValueError: ``depth`` not of the form ``6 * n + 2`` (8, 14, 20, 32, 44, 56, 110, ...),
            ``classes`` < 2, or an input smaller than 4x4 (two halvings; 8x8 with
            ``stem_strides=2``).

    Example:
        >>> model = cifar_plain(20)
        >>> model.output_shape, model.count_params()
        ((None, 10), 271098)
        >>> sum(1 for layer in model.layers if isinstance(layer, (keras.layers.Conv2D, keras.layers.Dense)))
        20
    """
    return _cifar_stack(depth, False, input_shape, classes, filters, bn_momentum, stem_strides, f"plain_{depth}")


def cifar_resnet(depth=20, input_shape=(32, 32, 3), classes=10, filters=16, stem_strides=1,
                 bn_momentum=SMALL_BN_MOMENTUM):
    """Return the paper's CIFAR-10 ResNet: :func:`cifar_plain` with a shortcut around every unit.

    Each unit computes ``relu(BN(conv(relu(BN(conv(x))))) + shortcut(x))``: the last ReLU comes
    after the addition, as in the paper. The shortcut is the
    identity, and where a stage halves the size and doubles the maps it is a
    :class:`ZeroPadShortcut` (the paper's option A: every other pixel, zero channels appended),
    which has no weights: ResNet-20, -32, -44, -56 and -110 have exactly the parameters of the
    plain nets of the same depth (about 0.27, 0.46, 0.66, 0.85 and 1.7 million at 16 filters,
    as the paper's Table 6 lists). New layers: ``stage{s}_unit{u}_add`` and, in the first unit of
    stages 2 and 3, ``stage{s}_unit1_shortcut``.

    Example:
        >>> cifar_resnet(56).count_params() == cifar_plain(56).count_params() == 857082
        True
        >>> [layer.name for layer in cifar_resnet(8).layers if "stage2" in layer.name][-3:]
        ['stage2_unit1_shortcut', 'stage2_unit1_add', 'stage2_unit1_relu2']
    """
    return _cifar_stack(depth, True, input_shape, classes, filters, bn_momentum, stem_strides, f"resnet_{depth}")
