"""Xception (Chollet, 2016): an Inception-style network built from depthwise separable convolutions.

F. Chollet, "Xception: Deep Learning with Depthwise Separable Convolutions", CVPR 2017
(arXiv:1610.02357, 2016). A regular convolution looks for spatial patterns and cross-channel
patterns at once, with one ``kh x kw x c_in`` filter per output map. Xception assumes the two can
be learned separately: a **depthwise** convolution filters each channel on its own (one
``kh x kw`` filter per channel), then a **pointwise** 1x1 convolution mixes the channels. That is
Keras's ``SeparableConv2D``, and it costs about ``1 / c_out + 1 / (kh * kw)`` of a regular
convolution's weights and multiply-accumulates.

The network has three parts, all with batch normalization after every convolution:

- the **entry flow**: two plain 3x3 convolutions (32 and 64 filters, the first with stride 2,
  both unpadded), then three residual blocks of two separable convolutions and a 3x3 stride-2
  max pooling (128, 256, 728 filters), each added to a 1x1 stride-2 projection of its input;
- the **middle flow**: eight residual blocks of three separable convolutions of 728 filters,
  added to their unchanged input;
- the **exit flow**: one more residual block (728, then 1024 filters, max pooling, a 1x1
  projection), two separable convolutions of 1536 and 2048 filters, global average pooling and
  a softmax classifier.

:func:`xception` rebuilds ``keras.applications.Xception`` layer for layer (22,910,480 parameters
at 299x299 and 1000 classes, the same layer names where Keras names its layers, readable names
``blockN_shortcut_conv`` / ``_bn`` / ``blockN_add`` where it does not). :func:`xception_small`
keeps the design at a size that trains in seconds on 32x32 images.
"""

from course_lib.architectures import _validate
from course_lib.architectures._small import SMALL_BN_MOMENTUM
from course_lib.session import import_keras
from course_lib.validation import boolean, rate, whole_number

keras = import_keras()

__all__ = ["separable_block", "xception", "xception_small", "smallest_input"]

_RELU_PLACES = ("before", "after", None)


# --------------------------------------------------------------------------- argument checks


def _stages(stem, halvings):
    """The stem's ``(kernel_size, strides, padding)`` and the 3x3/2 "same" max poolings after it."""
    return (*stem, *((3, 2, "same"),) * halvings)


def _check_input(input_shape, stem, halvings, network, example):
    """Return ``input_shape`` as a tuple after checking it is ``(height, width, channels)`` big enough.

    ``stem`` is a builder's ``(filters, strides, padding)`` stem, as :func:`_build` takes it.
    """
    shape = _validate.check_input_shape(input_shape, example)
    stem = [layer[1:] for layer in _stem_layers(stem)]  # (kernel_size, strides, padding)
    in_stem = sum(strides > 1 for _, strides, _ in stem)
    why = (
        f"it halves the feature maps {in_stem + halvings} times ({in_stem} in its stem, then "
        f"{halvings} poolings), and each halving needs at least 2 rows and columns to halve"
    )
    return _validate.check_input_fits(shape, _stages(stem, halvings), network, why)


def smallest_input(stem, halvings):
    """Return the smallest side ``n`` for which every halving of the network has 2 positions to halve.

    Args:
        stem: the plain convolutions before the separable blocks, as ``(kernel_size, strides,
            padding)`` triples (``padding`` is ``"valid"`` or ``"same"``).
        halvings: how many stride-2 ``"same"`` max poolings follow (each gives ``ceil(n / 2)``).

    Example:
        >>> smallest_input([(3, 2, "valid"), (3, 1, "valid")], 4)  # Xception
        23
        >>> smallest_input([(3, 2, "same"), (3, 1, "same")], 3)  # xception_small: 9, 5, 3, 2, 1
        9
    """
    return _validate.smallest_side(_stages(stem, whole_number(halvings, "halvings")))


# --------------------------------------------------------------------------- building blocks


def separable_block(x, filters, name, kernel_size=3, relu="before", bn_momentum=0.99):
    """Return ``x`` after a depthwise separable convolution and batch normalization, with a ReLU.

    The convolution is Keras's ``SeparableConv2D(filters, kernel_size, padding="same",
    use_bias=False)``: a depthwise ``kernel_size x kernel_size`` filter on each of the ``c_in``
    channels, then a 1x1 pointwise convolution from ``c_in`` to ``filters`` maps. No bias: the
    batch normalization after it adds a shift of its own.

    Args:
        x: a Keras tensor ``(batch, H, W, c_in)``.
        filters: the output channels.
        name: the convolution's name; the normalization is ``name + "_bn"`` and the ReLU
            ``name + "_act"`` (as in ``keras.applications.Xception``).
        kernel_size: the depthwise filter's side.
        relu: ``"before"``: ReLU, convolution, normalization (the entry and middle flows, so that
            a residual sum is not cut off at 0); ``"after"``: convolution, normalization, ReLU
            (the exit flow); ``None``: no ReLU (the first block, whose input has just had one).
        bn_momentum: the batch normalization's momentum for its moving mean and variance (Keras's
            default, 0.99, needs a few hundred training steps before they are usable).

    Returns:
        A Keras tensor ``(batch, H, W, filters)``: ``"same"`` padding and stride 1 keep ``H, W``.

    Example:
        >>> x = keras.Input((16, 16, 8))
        >>> y = separable_block(x, 32, name="demo")
        >>> tuple(y.shape)
        (None, 16, 16, 32)
        >>> keras.Model(x, y).count_params()  # 3*3*8 + 8*32 (convolution) + 4*32 (normalization)
        456
    """
    bn_momentum = rate(bn_momentum, "bn_momentum")
    _validate.check_count(filters, "filters")
    if relu not in _RELU_PLACES:
        raise ValueError(f"relu must be 'before', 'after' or None; received relu={relu!r}.")
    if relu == "before":
        x = keras.layers.Activation("relu", name=f"{name}_act")(x)
    x = keras.layers.SeparableConv2D(
        filters, kernel_size, padding="same", use_bias=False, name=name
    )(x)
    x = keras.layers.BatchNormalization(momentum=bn_momentum, name=f"{name}_bn")(x)
    if relu == "after":
        x = keras.layers.Activation("relu", name=f"{name}_act")(x)
    return x


def _conv_bn_relu(x, filters, strides, padding, name, bn_momentum=0.99):
    """A plain 3x3 convolution of the stem, without bias, then batch normalization and ReLU."""
    x = keras.layers.Conv2D(
        filters, 3, strides=strides, padding=padding, use_bias=False, name=name
    )(x)
    x = keras.layers.BatchNormalization(momentum=bn_momentum, name=f"{name}_bn")(x)
    return keras.layers.Activation("relu", name=f"{name}_act")(x)


def downsampling_block(x, filters, block, first_relu=True, bn_momentum=0.99):
    """Return an entry- or exit-flow block: two separable convolutions, pooling, and a projection.

    Main path: ``separable_block(filters[0])``, ``separable_block(filters[1])`` (ReLU before
    each, except the first when ``first_relu=False``), then 3x3 max pooling with stride 2. The
    shortcut is a 1x1 convolution with stride 2 (and batch normalization) from the block's input
    to ``filters[1]`` channels, so the two paths have the same shape and are added.

    Args:
        x: a Keras tensor ``(batch, H, W, c_in)``.
        filters: an int (both convolutions) or a pair ``(first, second)``.
        block: the block's number ``N``; layers are named ``blockN_sepconv1``, ``blockN_pool``,
            ``blockN_shortcut_conv``, ``blockN_add``, ...
        first_relu: put a ReLU before the first separable convolution.
        bn_momentum: the batch normalizations' momentum (see :func:`separable_block`).

    Returns:
        A Keras tensor ``(batch, ceil(H / 2), ceil(W / 2), filters[1])``.

    Example:
        >>> x = keras.Input((15, 15, 16))
        >>> tuple(downsampling_block(x, 32, block=2).shape)
        (None, 8, 8, 32)
    """
    bn_momentum = rate(bn_momentum, "bn_momentum")
    first, second = (filters, filters) if isinstance(filters, int) else filters
    shortcut = keras.layers.Conv2D(
        second, 1, strides=2, padding="same", use_bias=False, name=f"block{block}_shortcut_conv"
    )(x)
    shortcut = keras.layers.BatchNormalization(momentum=bn_momentum, name=f"block{block}_shortcut_bn")(
        shortcut
    )
    relu = "before" if boolean(first_relu, "first_relu") else None
    x = separable_block(x, first, f"block{block}_sepconv1", relu=relu, bn_momentum=bn_momentum)
    x = separable_block(x, second, f"block{block}_sepconv2", bn_momentum=bn_momentum)
    x = keras.layers.MaxPooling2D(3, strides=2, padding="same", name=f"block{block}_pool")(x)
    return keras.layers.Add(name=f"block{block}_add")([x, shortcut])


def middle_block(x, block, convolutions=3, bn_momentum=0.99):
    """Return a middle-flow block: ``convolutions`` separable blocks added to the unchanged input.

    Every convolution keeps the input's channels, so the shortcut needs no projection.

    Example:
        >>> x = keras.Input((8, 8, 32))
        >>> tuple(middle_block(x, block=5).shape)
        (None, 8, 8, 32)
    """
    bn_momentum = rate(bn_momentum, "bn_momentum")
    channels = x.shape[-1]
    shortcut = x
    for i in range(1, _validate.check_count(convolutions, "convolutions") + 1):
        x = separable_block(x, channels, f"block{block}_sepconv{i}", bn_momentum=bn_momentum)
    return keras.layers.Add(name=f"block{block}_add")([x, shortcut])


def _build(input_shape, classes, stem, entry, middle_repeats, exit_filters, top, name, bn_momentum):
    """Stem, entry flow, middle flow, exit flow and classifier; the two builders differ in sizes."""
    inputs = keras.Input(input_shape, name="input")
    x = inputs
    for i, (filters, strides, padding) in enumerate(stem, start=1):
        x = _conv_bn_relu(x, filters, strides, padding, f"block1_conv{i}", bn_momentum)
    block = 2
    for i, filters in enumerate(entry):
        x = downsampling_block(x, filters, block, first_relu=i > 0, bn_momentum=bn_momentum)
        block += 1
    for _ in range(middle_repeats):
        x = middle_block(x, block, bn_momentum=bn_momentum)
        block += 1
    x = downsampling_block(x, exit_filters, block, bn_momentum=bn_momentum)
    block += 1
    for i, filters in enumerate(top, start=1):
        x = separable_block(x, filters, f"block{block}_sepconv{i}", relu="after", bn_momentum=bn_momentum)
    x = keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
    outputs = keras.layers.Dense(classes, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, outputs, name=name)


# --------------------------------------------------------------------------- the networks

_STEM = ((32, 2, "valid"), (64, 1, "valid"))


def xception(input_shape=(299, 299, 3), classes=1000):
    """Return Xception (Chollet, 2016) as ``keras.applications.Xception(weights=None)`` builds it.

    Args:
        input_shape: ``(height, width, channels)``; the paper uses 299x299x3. The stem and the
            four poolings need at least 23x23 (Keras's ImageNet weights ask for 71x71).
        classes: the size of the softmax output (1000 for ImageNet).

    Returns:
        A functional ``keras.Model`` named ``"xception"``: input ``(None, *input_shape)``, output
        ``(None, classes)``; 22,910,480 parameters at the defaults (of which 54,528 are the
        non-trainable moving statistics of batch normalization). At 299x299 the entry flow maps
        149x149x32, 147x147x64, then 74x74x128, 37x37x256, 19x19x728; the middle flow keeps
        19x19x728; the exit flow ends at 10x10x2048.

    The layer names are Keras's (``block1_conv1``, ``block4_sepconv2_bn``, ``block13_pool``,
    ...); the shortcut convolutions, their normalizations and the additions, which Keras leaves
    unnamed, are ``blockN_shortcut_conv``, ``blockN_shortcut_bn`` and ``blockN_add``.

    Building it draws 23 million random weights: wrap the call in
    ``keras.StatelessScope(initialize_variables=False)`` when you only need its shapes and counts.
    """
    input_shape = _check_input(input_shape, _STEM, 4, "Xception", (299, 299, 3))
    _validate.check_classes(classes)
    return _build(
        input_shape,
        classes,
        stem=_STEM,
        entry=[128, 256, 728],
        middle_repeats=8,
        exit_filters=(728, 1024),
        top=(1536, 2048),
        name="xception",
        bn_momentum=0.99,
    )


def _stem_layers(stem=_STEM):
    """``(filters, kernel_size, strides, padding)`` of each stem convolution (all 3x3)."""
    return [(filters, 3, strides, padding) for filters, strides, padding in stem]


def xception_small(input_shape=(32, 32, 3), classes=6, width=8, middle_repeats=1,
                   bn_momentum=SMALL_BN_MOMENTUM):
    """Return a small Xception for 32x32 images that trains in seconds on a CPU.

    The same design as :func:`xception` at a smaller scale: a stem of two 3x3 convolutions with
    ``"same"`` padding, the first with stride 2 as in Xception (``width`` and ``2 * width``
    filters), two entry-flow blocks (``4 * width`` and ``8 * width`` filters, each halving the
    maps), ``middle_repeats`` middle-flow blocks, one exit-flow block (``8 * width`` then
    ``16 * width`` filters, halving again), one separable convolution of ``16 * width`` filters,
    global average pooling and the softmax classifier.

    Args:
        input_shape: ``(height, width, channels)``, at least 9x9 (four halvings: 9, 5, 3, 2, 1).
        classes: the number of classes (6 for ``training.load_task("photos")``).
        width: the stem's first filters; every other layer has a multiple of it.
        middle_repeats: the number of middle-flow blocks (Xception has 8).
        bn_momentum: the batch normalizations' momentum. A few epochs on a small data set are a
            few dozen steps; with Keras's 0.99 the moving statistics that predictions use would
            still be mostly their starting values, so the small model uses 0.9, the
            ``SMALL_BN_MOMENTUM`` of every small variant.

    Returns:
        A ``keras.Model`` named ``"xception_small"``; a 32x32 input gives 16x16 maps after the
        stem, then 8x8, 4x4 and 2x2.

    Example:
        >>> model = xception_small()
        >>> model.output_shape, model.get_layer("block5_add").output.shape
        ((None, 6), (None, 2, 2, 128))
        >>> model.count_params()
        70670
    """
    _validate.check_count(width, "width")
    _validate.check_count(middle_repeats, "middle_repeats", smallest=0)
    stem = ((width, 2, "same"), (2 * width, 1, "same"))
    input_shape = _check_input(input_shape, stem, 3, "xception_small", (32, 32, 3))
    _validate.check_classes(classes)
    return _build(
        input_shape,
        classes,
        stem=stem,
        entry=[4 * width, 8 * width],
        middle_repeats=middle_repeats,
        exit_filters=(8 * width, 16 * width),
        top=(16 * width,),
        name="xception_small",
        bn_momentum=bn_momentum,
    )
