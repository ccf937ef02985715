"""AlexNet (Krizhevsky, Sutskever and Hinton, 2012): the network that won ImageNet with a GPU.

"ImageNet Classification with Deep Convolutional Neural Networks" (NIPS 2012) has five
convolutional and three dense layers, and four ideas besides its size:

- **ReLU** after every layer instead of tanh or the logistic sigmoid: the gradient does not
  shrink for large inputs, so deep networks train several times faster;
- **local response normalisation** (:class:`LocalResponseNormalization`) after the first two
  convolutions: each value is divided by the energy of its neighbours across maps;
- **overlapping max pooling**: 3x3 windows with stride 2, so neighbouring windows share a row;
- **dropout** (0.5) in the first two dense layers against over-fitting.

The network was trained on two GTX 580 GPUs with 3 GB of memory each, so it is cut into two
*towers*, one per GPU: each holds half of every layer's filters, and conv2, conv4 and conv5 see
only the maps of their own tower (``groups=2`` in Keras). ``alexnet(two_towers=True)`` builds that
version (60,965,224 parameters at 227x227 and 1,000 classes), ``alexnet()`` the one-tower network
most libraries use today (62,378,344).

The paper writes 224x224 for the input, but 11x11 filters with stride 4 fit a whole number of
times only in 227x227 (``(227 - 11) / 4 + 1 = 55``, the 55x55 the paper's figure shows), so
227x227 is the default here. Layer names follow the Caffe model most re-implementations copy:
``conv1``, ``lrn1``, ``pool1``, ..., ``conv5``, ``pool5``, ``flatten``, ``fc6``, ``dropout6``,
``fc7``, ``dropout7``, ``fc8``.
"""

from course_lib.architectures import _validate
from course_lib.session import import_keras, import_tensorflow
from course_lib.validation import boolean, positive_ints

tf = import_tensorflow()
keras = import_keras()

# --------------------------------------------------------------------------- local response normalisation


@keras.saving.register_keras_serializable(package="course_lib")
class LocalResponseNormalization(keras.layers.Layer):
    """Local response normalisation across maps, as in AlexNet: ``tf.nn.local_response_normalization``.

    The paper (section 3.3) divides the activity ``a[i]`` of map ``i`` at one position by the
    activity of the ``n`` maps around it, at the same position::

        b[i] = a[i] / (k + alpha * sum(a[j] ** 2 for j from max(0, i - n/2) to min(N - 1, i + n/2))) ** beta

    with ``N`` maps, ``k = 2``, ``n = 5``, ``alpha = 1e-4`` and ``beta = 0.75``. TensorFlow's
    arguments map onto it one to one: ``depth_radius`` is ``n // 2`` maps on *each* side (2 gives
    the paper's window of 5), ``bias`` is ``k``, and ``alpha`` multiplies the sum of squares
    directly, as in the paper. (Caffe's and PyTorch's LRN layers divide ``alpha`` by ``n``: there
    the paper's setting is written ``alpha = 5e-4``.) The window is cut at the first and last map.

    ``groups`` splits the maps into that many equal, consecutive groups and normalises each group
    on its own, as AlexNet's two GPUs did (each normalised its own 48 of the 96 maps of conv1).

    The layer has no weights. Shapes: ``(N, H, W, C)`` in and out, float32.

    Example:
        >>> x = keras.ops.ones((1, 1, 1, 5))
        >>> y = LocalResponseNormalization()(x)  # the middle map has 5 neighbours, the first 3
        >>> [round(float(v), 6) for v in y[0, 0, 0]]
        [0.594537, 0.594514, 0.594492, 0.594514, 0.594537]
    """

    def __init__(self, depth_radius=2, bias=2.0, alpha=1e-4, beta=0.75, groups=1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(depth_radius, bool) or not isinstance(depth_radius, int) or depth_radius < 0:
            raise ValueError(
                f"depth_radius must be an int >= 0 (maps on each side; the window holds "
                f"2 * depth_radius + 1 maps); received depth_radius={depth_radius!r}."
            )
        if not bias > 0:
            raise ValueError(
                f"bias (the paper's k) must be > 0, or a map of zeros divides 0 by 0; received bias={bias!r}."
            )
        if not alpha >= 0 or not beta >= 0:
            raise ValueError(f"alpha and beta must be >= 0; received alpha={alpha!r}, beta={beta!r}.")
        _validate.check_count(groups, "groups")
        self.depth_radius, self.bias, self.alpha, self.beta = depth_radius, float(bias), float(alpha), float(beta)
        self.groups = groups

    def build(self, input_shape):
        if len(input_shape) != 4:
            raise ValueError(
                f"LocalResponseNormalization expects feature maps (batch, height, width, maps); "
                f"received input shape {tuple(input_shape)}."
            )
        maps = input_shape[-1]
        if maps is not None and maps % self.groups:
            raise ValueError(
                f"{maps} maps cannot be split into groups={self.groups} equal groups."
            )

    def call(self, inputs):
        def normalise(x):
            return tf.nn.local_response_normalization(
                x, depth_radius=self.depth_radius, bias=self.bias, alpha=self.alpha, beta=self.beta
            )

        if self.groups == 1:
            return normalise(inputs)
        return tf.concat([normalise(part) for part in tf.split(inputs, self.groups, axis=-1)], axis=-1)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "depth_radius": self.depth_radius,
            "bias": self.bias,
            "alpha": self.alpha,
            "beta": self.beta,
            "groups": self.groups,
        }


# --------------------------------------------------------------------------- AlexNet


# (kernel, stride, padding) of conv1, pool1, conv2, pool2, conv3-5 and pool5.
_ALEXNET_STAGES = ((11, 4, "valid"), (3, 2, "valid"), (5, 1, "same"), (3, 2, "valid"),
                   (3, 1, "same"), (3, 2, "valid"))  # fmt: skip
_ALEXNET_WHAT = (
    "conv1 (11x11, stride 4) divides the size by about 4 and each of its three 3x3 max poolings "
    "with stride 2 by about 2"
)


def alexnet(input_shape=(227, 227, 3), classes=1000, two_towers=False, dropout=0.5):
    """Return AlexNet (2012): 5 convolutions with ReLU, 2 LRN layers, 3 overlapping max poolings, 3 dense layers.

    Layers, with their output at 227x227x3::

        conv1     96 filters 11x11, stride 4, ReLU          55x55x96
        lrn1      LocalResponseNormalization                55x55x96
        pool1     max pooling 3x3, stride 2                 27x27x96
        conv2     256 filters 5x5, "same", ReLU             27x27x256
        lrn2, pool2                                         13x13x256
        conv3     384 filters 3x3, "same", ReLU             13x13x384
        conv4     384 filters 3x3, "same", ReLU             13x13x384
        conv5     256 filters 3x3, "same", ReLU             13x13x256
        pool5     max pooling 3x3, stride 2                 6x6x256
        flatten                                             9216
        fc6, fc7  4096 units, ReLU, each followed by dropout 4096
        fc8       classes units, softmax                    classes

    Args:
        input_shape: ``(height, width, channels)``; at least 67x67. 227x227 is the size at which
            the paper's layer sizes come out (see the module docstring).
        classes: the units of the softmax layer ``fc8``.
        two_towers: ``True`` builds the paper's two-GPU network: conv2, conv4 and conv5 are
            grouped convolutions (``groups=2``: each half of the filters sees only the half of the
            maps on its own GPU) and the LRN layers normalise each half on its own; conv1 (both
            towers see the whole image), conv3 and the dense layers connect across the towers.
        dropout: the rate of the two dropout layers (the paper's 0.5).

    At 227x227x3 and 1,000 classes: 62,378,344 parameters with one tower, 60,965,224 with two.
    Build it inside ``keras.StatelessScope(initialize_variables=False)`` when you only count it:
    drawing 60 million random weights takes seconds, and counting needs only their shapes.

    Example:
        >>> with keras.StatelessScope(initialize_variables=False):
        ...     model = alexnet(two_towers=True)
        >>> model.count_params(), model.get_layer("conv2").groups
        (60965224, 2)
    """
    shape = _validate.check_input_shape(input_shape, example=(227, 227, 3))
    _validate.check_input_fits(shape, _ALEXNET_STAGES, "AlexNet", _ALEXNET_WHAT)
    classes = _validate.check_classes(classes)
    two_towers = boolean(two_towers, "two_towers")
    dropout = _validate.check_rate(dropout, "dropout")
    groups = 2 if two_towers else 1
    L = keras.layers
    inputs = keras.Input(shape, name="image")
    x = L.Conv2D(96, 11, strides=4, activation="relu", name="conv1")(inputs)
    x = LocalResponseNormalization(groups=groups, name="lrn1")(x)
    x = L.MaxPooling2D(3, strides=2, name="pool1")(x)
    x = L.Conv2D(256, 5, padding="same", groups=groups, activation="relu", name="conv2")(x)
    x = LocalResponseNormalization(groups=groups, name="lrn2")(x)
    x = L.MaxPooling2D(3, strides=2, name="pool2")(x)
    x = L.Conv2D(384, 3, padding="same", activation="relu", name="conv3")(x)
    x = L.Conv2D(384, 3, padding="same", groups=groups, activation="relu", name="conv4")(x)
    x = L.Conv2D(256, 3, padding="same", groups=groups, activation="relu", name="conv5")(x)
    x = L.MaxPooling2D(3, strides=2, name="pool5")(x)
    x = L.Flatten(name="flatten")(x)
    x = L.Dense(4096, activation="relu", name="fc6")(x)
    x = L.Dropout(dropout, name="dropout6")(x)
    x = L.Dense(4096, activation="relu", name="fc7")(x)
    x = L.Dropout(dropout, name="dropout7")(x)
    outputs = L.Dense(classes, activation="softmax", name="fc8")(x)
    return keras.Model(inputs, outputs, name="alexnet_two_towers" if two_towers else "alexnet")


# The small variant: conv1 5x5 stride 2, conv2 5x5, conv3-conv5 3x3, all "same"; three 3x3/2 max poolings.
_SMALL_STAGES = ((5, 2, "same"), (3, 2, "valid"), (5, 1, "same"), (3, 2, "valid"),
                 (3, 1, "same"), (3, 2, "valid"))  # fmt: skip
_SMALL_WHAT = "conv1 (stride 2) and each of its three 3x3 max poolings with stride 2 roughly halve the size"


def alexnet_small(input_shape=(32, 32, 3), classes=6, filters=(16, 32, 48, 48, 32), units=256,
                  activation="relu", dropout=0.5, lrn=True):
    """Return a small AlexNet for 32x32 colour images: the same ideas, hundreds of times less work.

    Five convolutions with ``filters`` (conv1 5x5 with stride 2, as AlexNet's first layer takes
    large steps; conv2 5x5; conv3-conv5 3x3; all "same"), LRN after conv1 and conv2 with the
    paper's settings, overlapping 3x3 max pooling with stride 2 after the LRN layers and after
    conv5, two dense layers of ``units`` each followed by dropout, and a softmax. At 32x32 the maps
    go 16 -> 7 -> 7 -> 3 -> 3 -> 1. Made for ``course_lib.training.load_task("photos")``
    (32x32x3, 6 classes).

    Args:
        activation: of every hidden layer; AlexNet's ``"relu"``, or e.g. ``"tanh"`` to compare.
        lrn: ``False`` leaves out the two LRN layers (to measure what they do).

    The input must be at least 29x29. Layer names are AlexNet's (``conv1`` ... ``fc8``).

    Example:
        >>> model = alexnet_small()
        >>> model.output.shape, model.count_params()
        ((None, 6), 138342)
        >>> tuple(model.get_layer("pool2").output.shape)
        (None, 3, 3, 32)
    """
    shape = _validate.check_input_shape(input_shape, example=(32, 32, 3))
    _validate.check_input_fits(shape, _SMALL_STAGES, "alexnet_small", _SMALL_WHAT)
    classes = _validate.check_classes(classes)
    filters = positive_ints(
        filters, "filters", length=5,
        expected="five positive ints, one per convolution (AlexNet: 96, 256, 384, 384, 256)",
    )
    _validate.check_count(units, "units")
    lrn = boolean(lrn, "lrn")
    keras.activations.get(activation)  # an unknown name raises a ValueError that lists the choices
    dropout = _validate.check_rate(dropout, "dropout")
    L = keras.layers
    inputs = keras.Input(shape, name="image")
    x = inputs
    for number, (size, count) in enumerate(zip((5, 5, 3, 3, 3), filters), start=1):
        strides = 2 if number == 1 else 1
        x = L.Conv2D(count, size, strides=strides, padding="same", activation=activation, name=f"conv{number}")(x)
        if number <= 2 and lrn:
            x = LocalResponseNormalization(name=f"lrn{number}")(x)
        if number in (1, 2, 5):
            x = L.MaxPooling2D(3, strides=2, name=f"pool{number}")(x)
    x = L.Flatten(name="flatten")(x)
    for number in (6, 7):
        x = L.Dense(units, activation=activation, name=f"fc{number}")(x)
        x = L.Dropout(dropout, name=f"dropout{number}")(x)
    outputs = L.Dense(classes, activation="softmax", name="fc8")(x)
    return keras.Model(inputs, outputs, name="alexnet_small")
