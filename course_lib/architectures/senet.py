"""SENet (Hu, Shen and Sun, "Squeeze-and-Excitation Networks", 2017; CVPR 2018).

A squeeze-and-excitation (SE) block reweights the channels of a feature map by numbers that the
map itself decides: *squeeze* each channel to one number (global average pooling), *excite*
(a small two-layer network, ``Dense(C / r, relu)`` then ``Dense(C, sigmoid)``, turns those ``C``
numbers into ``C`` weights between 0 and 1), and *scale* (multiply every channel by its weight).
SENet won ILSVRC 2017 by putting one such block on the residual branch of every unit of a ResNet.

This module builds :func:`se_block`, :func:`se_resnet50` (ResNet-50 of
:mod:`course_lib.architectures.resnet` with an SE block in each of its 16 bottleneck units) and
:func:`se_resnet_small`, a small SE network that trains on 32x32 photos in seconds.
:func:`se_params` is the parameter count of one block.
"""

from course_lib import counting
from course_lib.architectures import _validate, resnet
from course_lib.architectures._small import SMALL_BN_MOMENTUM
from course_lib.session import import_keras
from course_lib.validation import positive_int, rate

keras = import_keras()

L = keras.layers


def _check_reduction(channels, reduction):
    _validate.check_count(reduction, "reduction")
    if channels % reduction:
        fitting = [r for r in range(1, min(channels, 32) + 1) if channels % r == 0]
        raise ValueError(
            f"reduction={reduction} does not divide the {channels} channels: the excitation's "
            f"first Dense layer has channels / reduction units, which must be a whole number. "
            f"Reductions that fit (up to 32): {', '.join(map(str, fitting))}."
        )
    return channels // reduction


def se_params(channels, reduction=16):
    """Return the parameters of one SE block on ``channels`` maps: ``2 C^2 / r + C / r + C``.

    The squeeze and the scale learn nothing; the excitation is ``Dense(C / r)`` (``C * C / r``
    weights and ``C / r`` biases) and ``Dense(C)`` (``C / r * C`` weights and ``C`` biases).

    Example:
        >>> se_params(256)  # 2 * 256 * 16 + 16 + 256
        8464
    """
    hidden = _check_reduction(positive_int(channels, "channels"), reduction)
    return counting.dense_params(channels, hidden) + counting.dense_params(hidden, channels)


def se_block(x, reduction=16, name="se"):
    """Return ``x`` with each channel scaled by a weight in (0, 1) that an SE block computes from ``x``.

    For ``x`` of shape ``(N, H, W, C)``:

    - squeeze: ``GlobalAveragePooling2D(keepdims=True)`` gives ``(N, 1, 1, C)``, one mean per map;
    - excitation: ``Dense(C / reduction, relu)`` gives ``(N, 1, 1, C / r)``, then
      ``Dense(C, sigmoid)`` gives ``(N, 1, 1, C)``, one weight per map;
    - scale: ``Multiply`` broadcasts the weights over height and width: ``(N, H, W, C)``.

    Layer names: ``{name}_squeeze``, ``{name}_reduce``, ``{name}_expand``, ``{name}_scale``.

    Raises:
        ValueError: ``reduction`` does not divide the channels ``C``.

    Example:
        >>> import keras
        >>> x = keras.Input((8, 8, 32))
        >>> y = se_block(x, reduction=4)
        >>> tuple(y.shape), keras.Model(x, y).count_params() == se_params(32, 4)
        ((None, 8, 8, 32), True)
    """
    channels = x.shape[-1]
    hidden = _check_reduction(channels, reduction)
    weights = L.GlobalAveragePooling2D(keepdims=True, name=f"{name}_squeeze")(x)
    weights = L.Dense(hidden, activation="relu", name=f"{name}_reduce")(weights)
    weights = L.Dense(channels, activation="sigmoid", name=f"{name}_expand")(weights)
    return L.Multiply(name=f"{name}_scale")([x, weights])


def _se_hook(reduction):
    """A ``residual_hook`` for :func:`resnet.bottleneck_unit`: an SE block named ``{unit}_se``."""

    def hook(branch, unit_name):
        return se_block(branch, reduction, name=f"{unit_name}_se")

    return hook


def se_resnet50(input_shape=(224, 224, 3), classes=1000, reduction=16):
    """Return SE-ResNet-50 (Hu et al., 2017): :func:`resnet.resnet50` with an SE block in every unit.

    Each of the 16 bottleneck units gets :func:`se_block` on its residual branch, after the last
    batch norm and before the addition (the paper's Figure 3). Everything else is ResNet-50, so
    the model has ResNet-50's 25,636,712 parameters plus ``se_params(C, reduction)`` for each unit
    (``C`` = 256, 512, 1,024, 2,048 in the four stages): about 2.5 million more with ``r = 16``.

    Raises:
        ValueError: as :func:`resnet.resnet50`, or a ``reduction`` that does not divide 256.
    """
    _check_reduction(256, reduction)  # the narrowest stage; the others are multiples of it
    return resnet.resnet50(
        input_shape, classes, residual_hook=_se_hook(reduction), name="se_resnet50"
    )


def se_resnet_small(input_shape=(32, 32, 3), classes=6, filters=8, units=(1, 1, 1), reduction=4,
                    bn_momentum=SMALL_BN_MOMENTUM):
    """Return a small bottleneck ResNet with an SE block in every unit (``reduction=None``: none).

    ``stem``: ``Conv2D(4 * filters, 3)``, batch norm, ReLU; then one stage per entry of ``units``,
    ``units[i]`` :func:`resnet.bottleneck_unit` s of ``filters * 2**i`` bottleneck filters (so
    ``4 * filters * 2**i`` output channels), the first unit of every stage after the first with
    stride 2, each with :func:`se_block` on its residual branch; global average pooling and a
    softmax ``Dense(classes)``. ``reduction=None`` builds the same network without SE blocks, for
    comparison. The batch normalizations use ``bn_momentum`` (0.9, the
    ``SMALL_BN_MOMENTUM`` of every small variant), so a few hundred training steps give usable
    moving averages.

    Raises:
        ValueError: ``classes`` < 2, bad ``units``, an input smaller than ``2**(len(units) - 1)``
            pixels a side, or a ``reduction`` that does not divide ``4 * filters``.

    Example:
        >>> with_se, without = se_resnet_small(), se_resnet_small(reduction=None)
        >>> with_se.count_params() - without.count_params() == sum(
        ...     se_params(c, 4) for c in (32, 64, 128))
        True
    """
    bn_momentum = rate(bn_momentum, "bn_momentum")
    units = _validate.check_stage_units(units, "bottleneck")
    input_shape = _validate.check_input_shape(input_shape, example=(32, 32, 3))
    _validate.check_halvings(input_shape, len(units) - 1, "se_resnet_small")
    classes = _validate.check_classes(classes)
    filters = _validate.check_count(filters, "filters")
    hook = None
    if reduction is not None:
        _check_reduction(4 * filters, reduction)
        hook = _se_hook(reduction)
    inputs = keras.Input(input_shape, name="image")
    x = L.Conv2D(4 * filters, 3, padding="same", use_bias=False, name="stem_conv")(inputs)
    x = L.BatchNormalization(momentum=bn_momentum, name="stem_bn")(x)
    x = L.Activation("relu", name="stem_relu")(x)
    for stage, count in enumerate(units):
        for unit in range(1, count + 1):
            strides = 2 if unit == 1 and stage > 0 else 1
            x = resnet.bottleneck_unit(x, filters * 2**stage, strides, name=f"stage{stage + 1}_unit{unit}",
                                       residual_hook=hook, bn_momentum=bn_momentum)
    x = L.GlobalAveragePooling2D(name="avg_pool")(x)
    outputs = L.Dense(classes, activation="softmax", name="predictions")(x)
    name = "se_resnet_small" if reduction is not None else "resnet_small_bottleneck"
    return keras.Model(inputs, outputs, name=name)
