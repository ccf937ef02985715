"""VGG: deep stacks of 3x3 convolutions (Simonyan and Zisserman, 2014).

"Very Deep Convolutional Networks for Large-Scale Image Recognition" (arXiv:1409.1556, ICLR 2015)
builds every network from two layers only: 3x3 convolutions with stride 1 and "same" padding
(pad 1), which keep the height and width, and 2x2 max pooling with stride 2, which halves them.
A *block* is a few convolutions with the same number of filters followed by one pooling; five
blocks (64, 128, 256, 512, 512 filters) take a 224x224 image down to 7x7x512, and three dense
layers (4096, 4096, classes) classify it. VGG16 has 2, 2, 3, 3, 3 convolutions per block (13
convolutions + 3 dense = 16 weight layers), VGG19 has 2, 2, 4, 4, 4.

Two stacked 3x3 convolutions see a 5x5 window of their input and three see 7x7 (see
:func:`course_lib.counting.receptive_field`), with fewer weights than one 5x5 or 7x7 convolution
and a ReLU after each.

Layer names follow ``keras.applications.VGG16``: ``block3_conv2``, ``block3_pool``, ``flatten``,
``fc1``, ``fc2``, ``predictions``, so the two models can be compared layer by layer.
"""

from course_lib.architectures import _validate
from course_lib.session import import_keras

keras = import_keras()

# (filters, convolutions) of each block: configurations D and E of the paper's Table 1.
VGG16_BLOCKS = ((64, 2), (128, 2), (256, 3), (512, 3), (512, 3))
VGG19_BLOCKS = ((64, 2), (128, 2), (256, 4), (512, 4), (512, 4))


def vgg_block(x, filters, convs, name):
    """Return the output of one VGG block applied to ``x``: ``convs`` 3x3 convolutions, then pooling.

    Each convolution has ``filters`` 3x3 filters, stride 1, ``"same"`` padding (the paper's pad 1)
    and ReLU, and is named ``{name}_conv1``, ``{name}_conv2``, ...; the 2x2 max pooling with stride
    2 is ``{name}_pool``. Shapes: ``(N, H, W, C)`` becomes ``(N, H // 2, W // 2, filters)``.

    Example:
        >>> x = keras.Input((32, 32, 3))
        >>> y = vgg_block(x, 16, 2, "block1")
        >>> tuple(y.shape)
        (None, 16, 16, 16)
    """
    filters, convs = _validate.check_count(filters, "filters"), _validate.check_count(convs, "convs")
    for i in range(1, convs + 1):
        x = keras.layers.Conv2D(
            filters, 3, padding="same", activation="relu", name=f"{name}_conv{i}"
        )(x)
    return keras.layers.MaxPooling2D(2, strides=2, name=f"{name}_pool")(x)


def vgg(blocks, dense=(4096, 4096), input_shape=(224, 224, 3), classes=1000, dropout=0.5, name="vgg"):
    """Return a VGG-style ``keras.Model``: VGG blocks, ``Flatten``, dense layers, a softmax layer.

    Args:
        blocks: ``(filters, convs)`` per block, e.g. :data:`VGG16_BLOCKS`; blocks are named
            ``block1``, ``block2``, ...
        dense: the units of the hidden dense layers ``fc1``, ``fc2``, ... (ReLU), each followed by
            ``Dropout(dropout)`` (the paper regularises the first two with 0.5; dropout has no
            parameters, and ``keras.applications.VGG16`` leaves it out).
        input_shape: ``(height, width, channels)``; each side at least ``2 ** len(blocks)``.
        classes: the units of the softmax layer ``predictions``.

    The output has shape ``(None, classes)``.
    """
    blocks = tuple(blocks)
    if not blocks:
        raise ValueError("blocks must name at least one (filters, convs) pair.")
    shape = _validate.check_input_shape(input_shape, example=(224, 224, 3))
    _validate.check_halvings(
        shape, len(blocks), f"a VGG network of {len(blocks)} blocks",
        f"its {len(blocks)} max poolings each halve the height and width (2x2, stride 2)",
    )
    classes = _validate.check_classes(classes)
    dropout = _validate.check_rate(dropout, "dropout")
    inputs = keras.Input(shape, name="image")
    x = inputs
    for number, (filters, convs) in enumerate(blocks, start=1):
        x = vgg_block(x, filters, convs, f"block{number}")
    x = keras.layers.Flatten(name="flatten")(x)
    for number, units in enumerate(dense, start=1):
        units = _validate.check_count(units, "dense units")
        x = keras.layers.Dense(units, activation="relu", name=f"fc{number}")(x)
        if dropout:
            x = keras.layers.Dropout(dropout, name=f"fc{number}_dropout")(x)
    outputs = keras.layers.Dense(classes, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, outputs, name=name)


def vgg16(input_shape=(224, 224, 3), classes=1000):
    """Return VGG16 (configuration D of the paper): 13 convolutions and 3 dense layers.

    At the published size, 224x224x3 and 1,000 classes, it has 138,357,544 parameters, exactly as
    many as ``keras.applications.VGG16(weights=None)``. The input must be at least 32x32 (five
    poolings). Shapes: 224 -> 112 -> 56 -> 28 -> 14 -> 7, so ``flatten`` has 7 * 7 * 512 = 25,088
    values.
    """
    return vgg(VGG16_BLOCKS, input_shape=input_shape, classes=classes, name="vgg16")


def vgg19(input_shape=(224, 224, 3), classes=1000):
    """Return VGG19 (configuration E of the paper): 16 convolutions and 3 dense layers.

    At the published size it has 143,667,240 parameters, exactly as many as
    ``keras.applications.VGG19(weights=None)``. The input must be at least 32x32.
    """
    return vgg(VGG19_BLOCKS, input_shape=input_shape, classes=classes, name="vgg19")


def vgg_small(input_shape=(32, 32, 3), classes=6, blocks=((8, 2), (16, 2), (32, 2)), dense=(64,), dropout=0.5):
    """Return a small VGG for 32x32 colour images that trains in seconds on a CPU.

    The same recipe as VGG16 (blocks of 3x3 convolutions, 2x2 max pooling, ``Flatten``, dense
    layers), with three blocks of 8, 16 and 32 filters (two convolutions each) and one hidden
    dense layer of 64 units: 32x32x3 -> 4x4x32 -> 512 -> 64 -> ``classes``. Made for
    ``course_lib.training.load_task("photos")`` (6 classes). The input must be at least
    ``2 ** len(blocks)`` pixels on each side.

    Example:
        >>> model = vgg_small()
        >>> model.output.shape, model.count_params()
        ((None, 6), 51406)
    """
    return vgg(blocks, dense=dense, input_shape=input_shape, classes=classes, dropout=dropout, name="vgg_small")
