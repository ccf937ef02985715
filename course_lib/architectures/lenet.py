"""LeNet-5 (LeCun, Bottou, Bengio and Haffner, 1998): convolution, subsampling, a dense head.

"Gradient-Based Learning Applied to Document Recognition" (Proceedings of the IEEE 86(11), 1998)
reads a 32x32 grey image of a character with seven layers: C1 (6 maps of 5x5 convolutions),
S2 (2x2 subsampling), C3 (16 maps, 5x5), S4 (subsampling), C5 (120 maps, 5x5), F6 (84 units)
and an output of 10 units. Every idea of a modern CNN is there: local receptive fields, shared
weights, pooling that trades resolution for more maps, and a dense head.

Two versions live here:

- :func:`lenet5`, the variant most courses and libraries call LeNet-5: ordinary ``Conv2D``,
  ``AveragePooling2D`` and ``Dense`` layers with a softmax output (61,706 parameters at 32x32 and
  10 classes). It trains on the course's digits in seconds.
- :func:`lenet5_1998`, the paper's network, layer for layer: the squashing function
  :func:`scaled_tanh`, :class:`Subsampling` layers with a trainable coefficient and bias per map,
  the partially connected C3 (:data:`C3_TABLE`, built by :class:`PartialConv2D`) and an output of
  :class:`EuclideanRBF` units. It exists to be counted: its trainable parameters equal the
  paper's, which :func:`paper_layers` computes from the same table.

Layer names are the paper's, in lower case: ``c1``, ``s2``, ``c3``, ``s4``, ``c5``, ``f6`` and
``output``.
"""

from collections import namedtuple
from collections.abc import Sequence

from course_lib import counting
from course_lib.architectures import _validate
from course_lib.session import import_keras
from course_lib.validation import is_int, positive_int

keras = import_keras()

# Table I of the paper: which S2 maps (0-5) each C3 map (0-15) reads. Maps 0-5 read three
# neighbouring maps, 6-11 four neighbouring maps, 12-14 four maps that are not all neighbours,
# and 15 reads all six ("neighbouring" wraps around: map 5 is next to map 0).
C3_TABLE = (
    (0, 1, 2), (1, 2, 3), (2, 3, 4), (3, 4, 5), (0, 4, 5), (0, 1, 5),
    (0, 1, 2, 3), (1, 2, 3, 4), (2, 3, 4, 5), (0, 3, 4, 5), (0, 1, 4, 5), (0, 1, 2, 5),
    (0, 1, 3, 4), (1, 2, 4, 5), (0, 2, 3, 5),
    (0, 1, 2, 3, 4, 5),
)  # fmt: skip

# The squashing function of the paper's Appendix A: f(a) = A tanh(S a).
SCALED_TANH_A = 1.7159
SCALED_TANH_S = 2 / 3

PaperLayer = namedtuple("PaperLayer", "name kind output_shape params connections")
PaperLayer.__doc__ = """One layer of LeNet-5 as the paper counts it.

``output_shape`` is ``(height, width, maps)`` or ``(units,)``; ``params`` are the trainable
parameters; ``connections`` are the multiply-adds one image costs, a bias counting as one
connection (the paper's convention), so a layer that shares its weights has many more
connections than parameters."""


# C1 5x5, S2 2x2/2, C3 5x5, S4 2x2/2: all without padding.
_LENET_STAGES = ((5, 1, "valid"), (2, 2, "valid"), (5, 1, "valid"), (2, 2, "valid"))
_LENET_WHAT = "its two 5x5 convolutions take 4 rows each and its two 2x2 subsamplings halve what is left"


# --------------------------------------------------------------------------- the modern variant


def lenet5(input_shape=(32, 32, 1), classes=10, activation="tanh"):
    """Return LeNet-5 as it is usually built today: ``Conv2D``, ``AveragePooling2D``, ``Dense``.

    ``c1`` 6 maps 5x5 -> ``s2`` 2x2 average pooling -> ``c3`` 16 maps 5x5 -> ``s4`` pooling ->
    ``flatten`` -> ``c5`` 120 units -> ``f6`` 84 units -> ``output`` (softmax over ``classes``).
    No padding anywhere: 32x32 -> 28 -> 14 -> 10 -> 5, so ``flatten`` has 5 * 5 * 16 = 400 values.
    The paper's C5 is a 5x5 convolution with 120 maps; on a 5x5 input it sees the whole map at one
    position, which is exactly a ``Dense(120)`` layer on the 400 values (same 48,120 parameters).

    Differences from the paper (see :func:`lenet5_1998`): every C3 map reads all six S2 maps,
    subsampling is a plain average (no trainable coefficient and bias), and the output is a
    softmax instead of Euclidean RBF units.

    Args:
        input_shape: ``(height, width, channels)``; at least 16x16. LeNet-5 expects 32x32, larger
            than the 28x28 field of the MNIST digits, so that strokes near the edge can still fall
            in the middle of a unit's window (pad 28x28 digits by 2 on each side).
        classes: the units of the softmax ``output``.
        activation: of the hidden layers. ``"tanh"`` (the default) is the paper's choice, a
            scaled tanh. ReLU had been tried a few years before, and AlexNet (2012) made it the
            standard; ``"relu"`` works too.

    At 32x32x1 and 10 classes the model has 61,706 parameters (the paper's 60,000, plus the 900
    that every C3 map reading all six S2 maps adds, minus 44 from plain pooling, plus 850 in the
    softmax layer, which replaces the paper's fixed RBF units).

    Example:
        >>> model = lenet5()
        >>> model.output.shape, model.count_params()
        ((None, 10), 61706)
        >>> [tuple(model.get_layer(n).output.shape[1:]) for n in ("c1", "s2", "c3", "s4")]
        [(28, 28, 6), (14, 14, 6), (10, 10, 16), (5, 5, 16)]
    """
    shape = _validate.check_input_shape(input_shape, example=(32, 32, 1))
    _validate.check_input_fits(shape, _LENET_STAGES, "LeNet-5", _LENET_WHAT)
    classes = _validate.check_classes(classes)
    keras.activations.get(activation)  # an unknown name raises a ValueError that lists the choices
    L = keras.layers
    inputs = keras.Input(shape, name="image")
    x = L.Conv2D(6, 5, activation=activation, name="c1")(inputs)
    x = L.AveragePooling2D(2, name="s2")(x)
    x = L.Conv2D(16, 5, activation=activation, name="c3")(x)
    x = L.AveragePooling2D(2, name="s4")(x)
    x = L.Flatten(name="flatten")(x)
    x = L.Dense(120, activation=activation, name="c5")(x)
    x = L.Dense(84, activation=activation, name="f6")(x)
    outputs = L.Dense(classes, activation="softmax", name="output")(x)
    return keras.Model(inputs, outputs, name="lenet5")


# --------------------------------------------------------------------------- the 1998 network


@keras.saving.register_keras_serializable(package="course_lib")
def scaled_tanh(x):
    """Return ``1.7159 * tanh(2/3 * x)``, the squashing function of LeNet-5 (the paper's Appendix A).

    The constants make ``f(1) = 1`` and ``f(-1) = -1``, and the gain is largest around 0, so
    inputs scaled to about unit variance stay in the function's most sensitive range.

    Example:
        >>> round(float(scaled_tanh(1.0)), 4)
        1.0
    """
    return SCALED_TANH_A * keras.ops.tanh(SCALED_TANH_S * x)


@keras.saving.register_keras_serializable(package="course_lib")
class Subsampling(keras.layers.Layer):
    """LeNet's subsampling layer: per map, the sum of each 2x2 window times a coefficient, plus a bias.

    Each of the ``C`` maps has one trainable coefficient and one trainable bias, so the layer has
    ``2 * C`` parameters (12 for S2, 32 for S4). The coefficient starts at ``1 / (p * p)``, which
    makes the layer an average pooling until training changes it. Windows do not overlap
    (stride = ``pool_size``). Shapes: ``(N, H, W, C)`` -> ``(N, H // p, W // p, C)``.

    Example:
        >>> layer = Subsampling()
        >>> y = layer(keras.ops.ones((1, 4, 4, 3)))
        >>> tuple(y.shape), layer.count_params()
        ((1, 2, 2, 3), 6)
    """

    def __init__(self, pool_size=2, activation=None, **kwargs):
        super().__init__(**kwargs)
        _validate.check_count(pool_size, "pool_size")
        self.pool_size = pool_size
        self.activation = keras.activations.get(activation)

    def build(self, input_shape):
        maps = input_shape[-1]
        self.coefficient = self.add_weight(
            shape=(maps,),
            initializer=keras.initializers.Constant(1 / self.pool_size**2),
            name="coefficient",
        )
        self.bias = self.add_weight(shape=(maps,), initializer="zeros", name="bias")

    def call(self, inputs):
        p = self.pool_size
        total = keras.ops.average_pool(inputs, p, strides=p, padding="valid") * (p * p)
        return self.activation(total * self.coefficient + self.bias)

    def compute_output_shape(self, input_shape):
        n, h, w, c = input_shape
        p = self.pool_size
        return (n, None if h is None else h // p, None if w is None else w // p, c)

    def get_config(self):
        return {
            **super().get_config(),
            "pool_size": self.pool_size,
            "activation": keras.activations.serialize(self.activation),
        }


@keras.saving.register_keras_serializable(package="course_lib")
class PartialConv2D(keras.layers.Layer):
    """A convolution whose output map ``i`` reads only the input maps listed in ``table[i]``.

    LeNet-5's C3 uses :data:`C3_TABLE`: 16 maps, each reading 3, 4 or 6 of the 6 S2 maps. Map ``i``
    has its own kernel ``(k, k, len(table[i]), 1)`` and bias, so the layer has
    ``sum(k * k * len(t) + 1 for t in table)`` parameters (1,516 for C3, against 2,416 if every
    map read all six). No padding, stride 1: ``(N, H, W, C)`` -> ``(N, H - k + 1, W - k + 1, len(table))``.

    The paper gives two reasons: fewer connections, and broken symmetry, since maps that read
    different inputs are pushed to learn different, complementary features.

    Example:
        >>> layer = PartialConv2D(C3_TABLE, kernel_size=5)
        >>> y = layer(keras.ops.ones((1, 14, 14, 6)))
        >>> tuple(y.shape), layer.count_params()
        ((1, 10, 10, 16), 1516)
    """

    def __init__(self, table, kernel_size=5, activation=None, **kwargs):
        super().__init__(**kwargs)
        try:
            table = tuple(tuple(int(i) for i in inputs) for inputs in table)
        except (TypeError, ValueError):
            raise ValueError(
                f"table must list, for each output map, the input maps it reads, e.g. "
                f"((0, 1, 2), (1, 2, 3)); received table={table!r}."
            ) from None
        if not table or not all(table) or any(len(set(t)) != len(t) or min(t) < 0 for t in table):
            raise ValueError(
                "table must list, for each output map, at least one input map, each at most once "
                f"and counted from 0; received table={table!r}."
            )
        _validate.check_count(kernel_size, "kernel_size")
        self.table, self.kernel_size = table, kernel_size
        self.activation = keras.activations.get(activation)

    def build(self, input_shape):
        maps = input_shape[-1]
        largest = max(max(t) for t in self.table)
        if largest >= maps:
            raise ValueError(
                f"the table reads input map {largest}, but the input has {maps} maps "
                f"(numbered 0 to {maps - 1})."
            )
        k = self.kernel_size
        self.kernels = [
            self.add_weight(shape=(k, k, len(t), 1), initializer="glorot_uniform", name=f"kernel_{i}")
            for i, t in enumerate(self.table)
        ]
        self.bias = self.add_weight(shape=(len(self.table),), initializer="zeros", name="bias")

    def call(self, inputs):
        maps = [
            keras.ops.conv(keras.ops.take(inputs, list(t), axis=-1), kernel, padding="valid")
            for t, kernel in zip(self.table, self.kernels)
        ]
        return self.activation(keras.ops.concatenate(maps, axis=-1) + self.bias)

    def compute_output_shape(self, input_shape):
        n, h, w, _ = input_shape
        k = self.kernel_size
        return (n, None if h is None else h - k + 1, None if w is None else w - k + 1, len(self.table))

    def get_config(self):
        return {
            **super().get_config(),
            "table": [list(t) for t in self.table],
            "kernel_size": self.kernel_size,
            "activation": keras.activations.serialize(self.activation),
        }


@keras.saving.register_keras_serializable(package="course_lib")
class EuclideanRBF(keras.layers.Layer):
    """LeNet-5's output layer: unit ``i`` outputs the squared distance ``sum_j (x_j - w_ij) ** 2``.

    Each of the ``units`` has a centre ``w_i`` of the input's length; the output is a *penalty*:
    the smaller, the better the input matches class ``i`` (use ``-output`` as logits). The paper
    chose the centres by hand, +1/-1 pixels of a 7x12 drawing of each character, and kept them
    fixed, so they are not trainable here either. This layer draws +1/-1 centres at random
    (``seed``), since the drawings are not reproduced. Shapes: ``(N, D)`` -> ``(N, units)``.

    Example:
        >>> layer = EuclideanRBF(10)
        >>> y = layer(keras.ops.zeros((2, 84)))
        >>> tuple(y.shape), layer.count_params(), len(layer.trainable_weights)
        ((2, 10), 840, 0)
        >>> float(y[0, 0])  # the distance from the origin to a +1/-1 centre is 84
        84.0
    """

    def __init__(self, units, seed=1998, **kwargs):
        super().__init__(**kwargs)
        _validate.check_count(units, "units")
        self.units, self.seed = units, seed

    def build(self, input_shape):
        seed = self.seed

        def signs(shape, dtype=None):
            draws = keras.random.uniform(shape, seed=seed)
            return keras.ops.cast(keras.ops.where(draws < 0.5, -1.0, 1.0), dtype or "float32")

        self.centres = self.add_weight(
            shape=(input_shape[-1], self.units), initializer=signs, trainable=False, name="centres"
        )

    def call(self, inputs):
        # |x - w|^2 = |x|^2 - 2 x.w + |w|^2, for every unit at once.
        squares = keras.ops.sum(inputs**2, axis=-1, keepdims=True)
        return squares - 2 * keras.ops.matmul(inputs, self.centres) + keras.ops.sum(self.centres**2, axis=0)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self):
        return {**super().get_config(), "units": self.units, "seed": self.seed}


def lenet5_1998(input_shape=(32, 32, 1), classes=10):
    """Return LeNet-5 as the 1998 paper describes it, for counting (it is not trained in the course).

    ``c1`` ``Conv2D`` 6 maps 5x5 -> ``s2`` :class:`Subsampling` -> ``c3`` :class:`PartialConv2D`
    with :data:`C3_TABLE` -> ``s4`` :class:`Subsampling` -> ``c5`` ``Conv2D`` 120 maps 5x5 ->
    ``flatten`` -> ``f6`` ``Dense(84)`` -> ``output`` :class:`EuclideanRBF`; every layer from C1 to
    F6 squashes with :func:`scaled_tanh`. At 32x32 the shapes are 28x28x6, 14x14x6, 10x10x16,
    5x5x16, 1x1x120, 84 and 10, and the trainable parameters, layer by layer, equal
    :func:`paper_layers` (60,000 in all; the output's 840 fixed centres are not trainable).

    C5 is a convolution, not a dense layer, as in the paper: on a larger input it would slide, and
    its output would be larger than 1x1. The input must be at least 32x32.

    Example:
        >>> table = counting.layer_table(lenet5_1998())
        >>> table.trainable_params, table.params
        (60000, 60840)
    """
    stages = (*_LENET_STAGES, (5, 1, "valid"))
    what = "its three 5x5 convolutions take 4 rows each and its two 2x2 subsamplings halve what is left"
    shape = _validate.check_input_shape(input_shape, example=(32, 32, 1))
    _validate.check_input_fits(shape, stages, "the 1998 LeNet-5", what)
    classes = _validate.check_classes(classes)
    L = keras.layers
    inputs = keras.Input(shape, name="image")
    x = L.Conv2D(6, 5, activation=scaled_tanh, name="c1")(inputs)
    x = Subsampling(2, activation=scaled_tanh, name="s2")(x)
    x = PartialConv2D(C3_TABLE, 5, activation=scaled_tanh, name="c3")(x)
    x = Subsampling(2, activation=scaled_tanh, name="s4")(x)
    x = L.Conv2D(120, 5, activation=scaled_tanh, name="c5")(x)
    x = L.Flatten(name="flatten")(x)
    x = L.Dense(84, activation=scaled_tanh, name="f6")(x)
    outputs = EuclideanRBF(classes, name="output")(x)
    return keras.Model(inputs, outputs, name="lenet5_1998")


# --------------------------------------------------------------------------- the paper's counts


def _connection_table(table, input_maps=6):
    """Return ``table`` as a tuple of tuples if each output map lists input maps ``0 .. input_maps - 1``."""
    input_maps = positive_int(input_maps, "input_maps")
    expected = (
        f"table must list, for each output map, the input maps it reads: ints from 0 to "
        f"{input_maps - 1}, e.g. ((0, 1, 2), (1, 2, 3)); received table={table!r:.80}."
    )
    if not isinstance(table, (tuple, list)) or not all(
        isinstance(inputs, Sequence) and not isinstance(inputs, str) and all(map(is_int, inputs))
        for inputs in table
    ):
        raise TypeError(expected)
    if not table or not all(inputs and 0 <= min(inputs) <= max(inputs) < input_maps for inputs in table):
        raise ValueError(expected)
    return tuple(tuple(int(i) for i in inputs) for inputs in table)


def c3_connection_matrix(table=C3_TABLE, input_maps=6):
    """Return the connection table as a ``(input_maps, len(table))`` array of 0/1, as the paper prints it.

    Row ``j`` is S2 map ``j``, column ``i`` is C3 map ``i``; a 1 means map ``i`` reads map ``j``.

    Example:
        >>> c3_connection_matrix().sum(axis=0).tolist()  # inputs per C3 map
        [3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 6]
    """
    import numpy as np

    table = _connection_table(table, input_maps)
    matrix = np.zeros((input_maps, len(table)), dtype=int)
    for column, inputs in enumerate(table):
        matrix[list(inputs), column] = 1
    return matrix


def partial_conv2d_params(kernel_size, table):
    """Return the parameters of a partially connected convolution: one small ``Conv2D`` per output map.

    Output map ``i`` is a convolution with one filter over ``len(table[i])`` input maps:
    ``conv2d_params(kernel_size, len(table[i]), 1)``, summed over the maps.

    Example:
        >>> partial_conv2d_params(5, C3_TABLE)  # LeNet-5's C3
        1516
        >>> partial_conv2d_params(5, [range(6)] * 16)  # every map reading all six: a plain Conv2D
        2416
    """
    return sum(counting.conv2d_params(kernel_size, len(inputs), 1) for inputs in _connection_table(table))


def subsampling_params(maps):
    """Return the parameters of a LeNet subsampling layer: a coefficient and a bias per map, ``2 * maps``.

    Example:
        >>> subsampling_params(6)
        12
    """
    return 2 * positive_int(maps, "maps")


def paper_layers(table=C3_TABLE):
    """Return LeNet-5's layers as the paper counts them: a list of :class:`PaperLayer`, C1 to the output.

    Parameters come from :mod:`course_lib.counting`'s formulas and ``table`` (C3); connections
    are the output positions times the work of one output value, bias included: a convolution's
    ``H' * W' * params``, a subsampling unit's 4 inputs plus its bias, a dense layer's parameters.
    The output layer's 840 weights were fixed by hand, so they count as connections only.

    Example:
        >>> layers = paper_layers()
        >>> [(layer.name, layer.params) for layer in layers]  # doctest: +NORMALIZE_WHITESPACE
        [('C1', 156), ('S2', 12), ('C3', 1516), ('S4', 32), ('C5', 48120), ('F6', 10164),
         ('OUTPUT', 0)]
        >>> sum(layer.params for layer in layers), sum(layer.connections for layer in layers)
        (60000, 340908)
    """
    table = _connection_table(table)
    c1 = counting.conv2d_params(5, 1, 6)
    c3 = partial_conv2d_params(5, table)
    c5 = counting.conv2d_params(5, 16, 120)
    f6 = counting.dense_params(120, 84)
    window = 2 * 2 + 1  # four inputs and the bias
    return [
        PaperLayer("C1", "convolution 5x5", (28, 28, 6), c1, 28 * 28 * c1),
        PaperLayer("S2", "subsampling 2x2", (14, 14, 6), subsampling_params(6), 14 * 14 * 6 * window),
        PaperLayer("C3", "convolution 5x5, partial", (10, 10, len(table)), c3, 10 * 10 * c3),
        PaperLayer("S4", "subsampling 2x2", (5, 5, 16), subsampling_params(16), 5 * 5 * 16 * window),
        PaperLayer("C5", "convolution 5x5", (1, 1, 120), c5, 1 * 1 * c5),
        PaperLayer("F6", "full connection", (84,), f6, f6),
        PaperLayer("OUTPUT", "Euclidean RBF", (10,), 0, counting.dense_params(84, 10, use_bias=False)),
    ]
