"""GoogLeNet (Inception v1): inception modules, 1x1 bottlenecks, global average pooling (Szegedy et al., 2014).

"Going Deeper with Convolutions" (arXiv:1409.4842, CVPR 2015) won the ILSVRC 2014 classification
task with a 22-layer network built from *inception modules*. A module runs four branches on the
same input and stacks their outputs along the channel axis (depth concatenation):

- a 1x1 convolution (``f1`` filters);
- a 1x1 convolution that shrinks the depth to ``f3_reduce`` channels, then a 3x3 convolution (``f3``);
- a 1x1 convolution down to ``f5_reduce`` channels, then a 5x5 convolution (``f5``);
- a 3x3 max pooling with stride 1, then a 1x1 convolution (``pool_proj``).

Every convolution has stride 1, ``"same"`` padding and ReLU, so all branches keep the height and
width and the output has ``f1 + f3 + f5 + pool_proj`` channels. The 1x1 "reduce" layers are
*bottlenecks*: the expensive 3x3 and 5x5 filters see a thin input instead of the full depth.

The network (the paper's Table 1, :data:`GOOGLENET_MODULES`): a stem (7x7/2 convolution, 3x3/2
max pooling, 1x1 and 3x3 convolutions, 3x3/2 max pooling), modules 3a-3b, pooling, 4a-4e,
pooling, 5a-5b, then global average pooling, dropout 0.4 and one dense softmax layer instead of
VGG's big dense layers. Two auxiliary classifiers after 4a and 4d help training (their losses
are added with weight 0.3) and are dropped at test time.

Choices: the paper's two local response normalisation (LRN) layers in the stem are left out
(they have no parameters, so every count is unchanged; Keras has no LRN layer, and later
Inception versions replaced LRN by batch normalisation). Every convolution and dense layer has a
bias, as in the paper's Caffe model; the paper's parameter column counts weights only.
Layer names follow the Caffe model: ``inception_3a_1x1``, ``inception_3a_3x3_reduce``, ...
"""

from course_lib.architectures import _validate
from course_lib.counting import conv2d_macs, conv2d_params
from course_lib.session import import_keras
from course_lib.validation import boolean

keras = import_keras()

# The paper's Table 1: (f1, f3_reduce, f3, f5_reduce, f5, pool_proj) of each inception module.
GOOGLENET_MODULES = {
    "3a": (64, 96, 128, 16, 32, 32),
    "3b": (128, 128, 192, 32, 96, 64),
    "4a": (192, 96, 208, 16, 48, 64),
    "4b": (160, 112, 224, 24, 64, 64),
    "4c": (128, 128, 256, 24, 64, 64),
    "4d": (112, 144, 288, 32, 64, 64),
    "4e": (256, 160, 320, 32, 128, 128),
    "5a": (256, 160, 320, 32, 128, 128),
    "5b": (384, 192, 384, 48, 128, 128),
}
# A 3x3/2 max pooling follows these modules; the auxiliary classifiers read these modules' outputs.
POOL_AFTER = ("3b", "4e")
AUX_AFTER = ("4a", "4d")
AUX_LOSS_WEIGHT = 0.3  # the paper's weight of each auxiliary loss in the total loss

_SPEC = ("f1", "f3_reduce", "f3", "f5_reduce", "f5", "pool_proj")
_AUX_POOLING = (5, 3, "valid")  # the first layer of an auxiliary classifier


def _check_spec(values):
    for name, value in zip(_SPEC, values):
        _validate.check_count(value, name)


def _check_aux_fits(shape, reductions, network, argument):
    """Fail unless the maps an auxiliary head reads are at least 5x5 after ``reductions`` halvings."""
    halvings = ((3, 2, "same"),) * reductions  # stride-2 layers with "same" padding: ceil(n / 2)
    reduced = _validate.side_after(min(shape[:2]), halvings)
    layers = "1 stride-2 layer" if reductions == 1 else f"{reductions} stride-2 layers"
    _validate.check_input_fits(
        shape, (*halvings, _AUX_POOLING), f"the auxiliary classifiers of {network} ({argument}=True)",
        f"they start with a 5x5 average pooling, but after {layers} the shorter side has only "
        f"{reduced} pixels",
    )


def _module_convs(c_in, f1, f3_reduce, f3, f5_reduce, f5, pool_proj, bottlenecks):
    """Return the ``(kernel_size, c_in, filters)`` of every convolution of an inception module."""
    _check_spec((f1, f3_reduce, f3, f5_reduce, f5, pool_proj))
    bottlenecks = boolean(bottlenecks, "bottlenecks")
    if bottlenecks:
        return [(1, c_in, f1), (1, c_in, f3_reduce), (3, f3_reduce, f3), (1, c_in, f5_reduce),
                (5, f5_reduce, f5), (1, c_in, pool_proj)]
    return [(1, c_in, f1), (3, c_in, f3), (5, c_in, f5), (1, c_in, pool_proj)]


def inception_params(c_in, f1, f3_reduce, f3, f5_reduce, f5, pool_proj, bottlenecks=True, use_bias=True):
    """Return the parameters of one inception module on ``c_in`` input channels.

    The sum of :func:`course_lib.counting.conv2d_params` over the module's convolutions; with
    ``bottlenecks=False`` the 3x3 and 5x5 convolutions see all ``c_in`` channels (no reduce
    layers). ``use_bias=False`` counts weights only, as the paper's table does.

    Example:
        >>> inception_params(192, *GOOGLENET_MODULES["3a"])
        163696
        >>> inception_params(192, *GOOGLENET_MODULES["3a"], bottlenecks=False)
        393472
    """
    convs = _module_convs(c_in, f1, f3_reduce, f3, f5_reduce, f5, pool_proj, bottlenecks)
    use_bias = boolean(use_bias, "use_bias")
    return sum(conv2d_params(k, cin, cout, use_bias=use_bias) for k, cin, cout in convs)


def inception_macs(height, width, c_in, f1, f3_reduce, f3, f5_reduce, f5, pool_proj, bottlenecks=True):
    """Return the multiply-accumulates of one inception module on a ``height x width x c_in`` input.

    Every convolution keeps ``height x width`` (stride 1, "same"), so each costs
    :func:`course_lib.counting.conv2d_macs` at that size; the max pooling costs none.

    Example:
        >>> inception_macs(28, 28, 192, *GOOGLENET_MODULES["3a"])  # 128 million with bottlenecks ...
        128049152
        >>> inception_macs(28, 28, 192, *GOOGLENET_MODULES["3a"], bottlenecks=False)  # ... 308 million without
        308281344
    """
    convs = _module_convs(c_in, f1, f3_reduce, f3, f5_reduce, f5, pool_proj, bottlenecks)
    return sum(conv2d_macs(height, width, k, cin, cout) for k, cin, cout in convs)


def inception_module(x, f1, f3_reduce, f3, f5_reduce, f5, pool_proj, name, bottlenecks=True):
    """Return the output of one inception module applied to ``x``: four branches, depth-concatenated.

    Args:
        x: a feature map ``(N, H, W, C)``.
        f1, f3_reduce, f3, f5_reduce, f5, pool_proj: filters per convolution, in the order of the
            paper's Table 1 ("#1x1", "#3x3 reduce", "#3x3", "#5x5 reduce", "#5x5", "pool proj").
        name: prefix of the layer names, e.g. ``"inception_3a"`` gives ``inception_3a_1x1``,
            ``_3x3_reduce``, ``_3x3``, ``_5x5_reduce``, ``_5x5``, ``_pool``, ``_pool_proj`` and
            ``_output`` (the concatenation).
        bottlenecks: ``False`` leaves out the two reduce layers (``f3_reduce`` and ``f5_reduce``
            are then ignored): the 3x3 and 5x5 convolutions see all ``C`` channels. The output
            is the same shape, so the two versions can be compared like for like.

    Returns ``(N, H, W, f1 + f3 + f5 + pool_proj)``.

    Example:
        >>> x = keras.Input((28, 28, 192))
        >>> tuple(inception_module(x, *GOOGLENET_MODULES["3a"], name="inception_3a").shape)
        (None, 28, 28, 256)
    """
    _check_spec((f1, f3_reduce, f3, f5_reduce, f5, pool_proj))
    bottlenecks = boolean(bottlenecks, "bottlenecks")
    conv = keras.layers.Conv2D

    def relu_conv(filters, kernel_size, suffix, inputs):
        return conv(filters, kernel_size, padding="same", activation="relu", name=f"{name}_{suffix}")(inputs)

    branch1 = relu_conv(f1, 1, "1x1", x)
    branch3 = relu_conv(f3_reduce, 1, "3x3_reduce", x) if bottlenecks else x
    branch3 = relu_conv(f3, 3, "3x3", branch3)
    branch5 = relu_conv(f5_reduce, 1, "5x5_reduce", x) if bottlenecks else x
    branch5 = relu_conv(f5, 5, "5x5", branch5)
    pooled = keras.layers.MaxPooling2D(3, strides=1, padding="same", name=f"{name}_pool")(x)
    branch_pool = relu_conv(pool_proj, 1, "pool_proj", pooled)
    return keras.layers.Concatenate(axis=-1, name=f"{name}_output")([branch1, branch3, branch5, branch_pool])


def auxiliary_classifier(x, classes, name, filters=128, units=1024, dropout=0.7):
    """Return the softmax output of an auxiliary classifier on the feature map ``x``.

    The paper's head: 5x5 average pooling with stride 3 (``{name}_avg_pool``; 14x14 becomes 4x4),
    a 1x1 convolution with ``filters=128`` filters (``{name}_conv``), ``Flatten``, a dense layer
    of ``units=1024`` (``{name}_fc``), dropout 0.7 and a dense softmax layer
    (``{name}_predictions``). ``x`` must be at least 5x5.

    Example:
        >>> x = keras.Input((14, 14, 512))
        >>> tuple(auxiliary_classifier(x, 1000, "aux1").shape)
        (None, 1000)
    """
    height, width = x.shape[1:3]
    if height is not None and min(height, width) < 5:
        raise ValueError(
            f"the auxiliary classifier '{name}' starts with a 5x5 average pooling, but its input is "
            f"only {height}x{width}; attach it to a map of at least 5x5."
        )
    x = keras.layers.AveragePooling2D(5, strides=3, name=f"{name}_avg_pool")(x)
    x = keras.layers.Conv2D(filters, 1, activation="relu", name=f"{name}_conv")(x)
    x = keras.layers.Flatten(name=f"{name}_flatten")(x)
    x = keras.layers.Dense(units, activation="relu", name=f"{name}_fc")(x)
    x = keras.layers.Dropout(_validate.check_rate(dropout, "dropout"), name=f"{name}_dropout")(x)
    return keras.layers.Dense(
        _validate.check_classes(classes), activation="softmax", name=f"{name}_predictions"
    )(x)


def googlenet(input_shape=(224, 224, 3), classes=1000, aux_classifiers=False, bottlenecks=True):
    """Return GoogLeNet (Inception v1, the paper's Table 1) as a ``keras.Model``.

    Args:
        input_shape: ``(height, width, channels)``. "same" padding everywhere and global average
            pooling at the end let any size through; the auxiliary classifiers need at least
            65x65 (their 5x5 pooling reads 4a and 4d, which are 16 times smaller).
        classes: the units of the softmax layer ``predictions``.
        aux_classifiers: also return the two auxiliary classifiers after 4a and 4d: the model then
            has three outputs, ``[predictions, aux1_predictions, aux2_predictions]`` (train with
            ``loss_weights=[1, 0.3, 0.3]``; use only the first at test time).
        bottlenecks: ``False`` removes the 3x3 and 5x5 reduce layers from every module.

    Shapes at 224x224: 112 (conv1) -> 56 (pool1) -> 28 (pool2, 3a, 3b) -> 14 (4a-4e) -> 7 (5a, 5b)
    -> 1,024 after global average pooling. The main network has 6,998,552 parameters (the paper's
    "about 6.8 million" counts weights without biases); each auxiliary head adds over 3 million.
    """
    shape = _validate.check_input_shape(input_shape, example=(224, 224, 3))
    classes = _validate.check_classes(classes)
    aux_classifiers, bottlenecks = boolean(aux_classifiers, "aux_classifiers"), boolean(bottlenecks, "bottlenecks")
    if aux_classifiers:
        _check_aux_fits(shape, 4, "GoogLeNet", "aux_classifiers")
    conv, pool = keras.layers.Conv2D, keras.layers.MaxPooling2D
    inputs = keras.Input(shape, name="image")
    x = conv(64, 7, strides=2, padding="same", activation="relu", name="conv1_7x7")(inputs)
    x = pool(3, strides=2, padding="same", name="pool1_3x3")(x)
    x = conv(64, 1, activation="relu", name="conv2_3x3_reduce")(x)
    x = conv(192, 3, padding="same", activation="relu", name="conv2_3x3")(x)
    x = pool(3, strides=2, padding="same", name="pool2_3x3")(x)
    aux_outputs = []
    for stage, filters in GOOGLENET_MODULES.items():
        x = inception_module(x, *filters, name=f"inception_{stage}", bottlenecks=bottlenecks)
        if aux_classifiers and stage in AUX_AFTER:
            aux_outputs.append(auxiliary_classifier(x, classes, f"aux{len(aux_outputs) + 1}"))
        if stage in POOL_AFTER:
            x = pool(3, strides=2, padding="same", name=f"pool{stage[0]}_3x3")(x)
    x = keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
    x = keras.layers.Dropout(0.4, name="dropout")(x)
    outputs = keras.layers.Dense(classes, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, [outputs, *aux_outputs] if aux_classifiers else outputs, name="googlenet")


# (f1, f3_reduce, f3, f5_reduce, f5, pool_proj) of the two modules of googlenet_small.
SMALL_MODULES = {"a": (8, 8, 16, 4, 8, 8), "b": (16, 16, 24, 4, 8, 8)}


def googlenet_small(input_shape=(32, 32, 3), classes=6, aux_classifier=False):
    """Return a small GoogLeNet for 32x32 colour images that trains in seconds on a CPU.

    A stem (3x3 convolution with 16 filters, 3x3/2 max pooling), inception module ``a``
    (:data:`SMALL_MODULES`, 40 channels out), 3x3/2 max pooling, module ``b`` (56 channels out),
    global average pooling, dropout 0.4 and a softmax layer: 32x32x3 -> 16x16x40 -> 8x8x56 -> 56 ->
    ``classes``. Made for ``course_lib.training.load_task("photos")``. With
    ``aux_classifier=True`` an :func:`auxiliary_classifier` with 16 filters and 32 units (the
    paper's recipe, thinner) reads module ``a`` and the model
    returns ``[predictions, aux_predictions]``; that needs an input of at least 9x9.

    Example:
        >>> model = googlenet_small()
        >>> model.output.shape, model.count_params()
        ((None, 6), 9334)
    """
    shape = _validate.check_input_shape(input_shape, example=(32, 32, 3))
    classes = _validate.check_classes(classes)
    aux_classifier = boolean(aux_classifier, "aux_classifier")
    if aux_classifier:
        _check_aux_fits(shape, 1, "googlenet_small", "aux_classifier")
    inputs = keras.Input(shape, name="image")
    x = keras.layers.Conv2D(16, 3, padding="same", activation="relu", name="conv1_3x3")(inputs)
    x = keras.layers.MaxPooling2D(3, strides=2, padding="same", name="pool1_3x3")(x)
    x = inception_module(x, *SMALL_MODULES["a"], name="inception_a")
    aux = x
    x = keras.layers.MaxPooling2D(3, strides=2, padding="same", name="pool2_3x3")(x)
    x = inception_module(x, *SMALL_MODULES["b"], name="inception_b")
    x = keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
    x = keras.layers.Dropout(0.4, name="dropout")(x)
    outputs = keras.layers.Dense(classes, activation="softmax", name="predictions")(x)
    if not aux_classifier:
        return keras.Model(inputs, outputs, name="googlenet_small")
    aux = auxiliary_classifier(aux, classes, "aux", filters=16, units=32)
    return keras.Model(inputs, [outputs, aux], name="googlenet_small")
