"""Counting: parameters, multiply-accumulates (MACs), activation memory and receptive fields.

Notebook 06 asks three questions of every network: how many numbers does it learn, how much
arithmetic does one image cost, and how much memory do its feature maps take? The formula
functions answer them for one layer, by hand; :func:`layer_table` answers them for a whole Keras
model, layer by layer, inside nested models and custom layers too. :func:`receptive_field`
answers a fourth: how much of the image can one unit see?

Conventions (layout NHWC, kernels ``(kh, kw, c_in, c_out)``, as in :mod:`course_lib.conv`):

- A *MAC* is one multiplication by a weight added to a running sum: a convolution output value
  costs ``kh * kw * c_in`` of them. Bias additions, activations, pooling, ``Add``, ``Multiply``
  and batch normalization (a per-channel scale and shift, usually folded into the convolution
  before it at inference) are not counted. One MAC is often reported as two FLOPs.
- Shapes are the output's: ``H' x W'`` positions, see :func:`course_lib.conv.output_size`.
"""

import math
from collections import namedtuple

from course_lib import _keras_internals
from course_lib.session import import_keras
from course_lib.validation import boolean, divisors, positive_int, positive_pair

# --------------------------------------------------------------------------- argument checks


def _channels_per_group(c_in, filters, groups):
    """Return ``c_in / groups`` after checking that ``groups`` divides both channel counts."""
    groups = positive_int(groups, "groups")
    for name, channels in (("c_in", c_in), ("filters", filters)):
        if channels % groups:
            fitting = divisors(math.gcd(c_in, filters))
            fitting = ", ".join(map(str, fitting)) if fitting else f"the divisors of {math.gcd(c_in, filters)}"
            raise ValueError(
                f"{name}={channels} is not divisible by groups={groups}: each group convolves "
                f"c_in / groups input channels into filters / groups maps, so both must be whole. "
                f"groups that divide c_in={c_in} and filters={filters}: {fitting}."
            )
    return c_in // groups


# --------------------------------------------------------------------------- parameters


def conv2d_params(kernel_size, c_in, filters, use_bias=True, groups=1):
    """Return the parameters of a ``Conv2D`` layer: ``kh * kw * (c_in / groups) * filters + filters``.

    The kernel has shape ``(kh, kw, c_in / groups, filters)``: each filter sees only the
    ``c_in / groups`` channels of its group. The bias adds one number per filter.

    Example:
        >>> conv2d_params(3, 1, 32)  # the first layer of the Fashion-MNIST CNN
        320
        >>> conv2d_params(5, 3, 200)  # 200 maps of 5x5 filters on an RGB image
        15200
        >>> conv2d_params((3, 3), 64, 128, use_bias=False, groups=4)
        18432
    """
    kh, kw = positive_pair(kernel_size, "kernel_size")
    c_in, filters = positive_int(c_in, "c_in"), positive_int(filters, "filters")
    per_group = _channels_per_group(c_in, filters, groups)
    return kh * kw * per_group * filters + (filters if boolean(use_bias, "use_bias") else 0)


def dense_params(inputs, units, use_bias=True):
    """Return the number of parameters of a ``Dense`` layer: ``inputs * units + units``.

    Example:
        >>> dense_params(7 * 7 * 64, 100)  # after Flatten in the Fashion-MNIST CNN
        313700
    """
    inputs, units = positive_int(inputs, "inputs"), positive_int(units, "units")
    return inputs * units + (units if boolean(use_bias, "use_bias") else 0)


def depthwise_conv2d_params(kernel_size, c_in, depth_multiplier=1, use_bias=True):
    """Return the parameters of a ``DepthwiseConv2D`` layer: ``kh * kw * c_in * m + c_in * m``.

    Each input channel gets its own ``depth_multiplier = m`` filters of shape ``(kh, kw)``; the
    kernel is ``(kh, kw, c_in, m)`` and the layer outputs ``c_in * m`` maps.

    Example:
        >>> depthwise_conv2d_params(3, 32)
        320
        >>> depthwise_conv2d_params(3, 32, depth_multiplier=2, use_bias=False)
        576
    """
    kh, kw = positive_pair(kernel_size, "kernel_size")
    c_in = positive_int(c_in, "c_in")
    maps = c_in * positive_int(depth_multiplier, "depth_multiplier")
    return kh * kw * maps + (maps if boolean(use_bias, "use_bias") else 0)


def separable_conv2d_params(kernel_size, c_in, filters, depth_multiplier=1, use_bias=True):
    """Return the parameters of a ``SeparableConv2D`` layer: depthwise, then pointwise.

    ``kh * kw * c_in * m`` (depthwise kernel) ``+ c_in * m * filters`` (1x1 pointwise kernel)
    ``+ filters`` (one bias per output map; the depthwise step has none).

    Example:
        >>> separable_conv2d_params(3, 32, 64)  # versus conv2d_params(3, 32, 64) = 18496
        2400
    """
    kh, kw = positive_pair(kernel_size, "kernel_size")
    c_in, filters = positive_int(c_in, "c_in"), positive_int(filters, "filters")
    maps = c_in * positive_int(depth_multiplier, "depth_multiplier")
    return kh * kw * maps + maps * filters + (filters if boolean(use_bias, "use_bias") else 0)


def batch_norm_params(channels):
    """Return the parameters of a ``BatchNormalization`` layer: ``4 * channels``.

    Per channel: ``gamma`` (scale) and ``beta`` (shift) are trainable; the moving mean and
    moving variance are *non-trainable*: they are averaged during training, not learned by
    gradient descent, yet ``model.count_params()`` counts them.

    Example:
        >>> batch_norm_params(64)  # 128 trainable + 128 non-trainable
        256
    """
    return 4 * positive_int(channels, "channels")


# --------------------------------------------------------------------------- operations


def conv2d_macs(output_height, output_width, kernel_size, c_in, filters, groups=1):
    """Return the MACs of a ``Conv2D`` layer: ``H' * W' * kh * kw * (c_in / groups) * filters``.

    Every one of the ``H' * W' * filters`` output values is a sum of ``kh * kw * (c_in / groups)``
    products. Bias additions are not counted.

    Example:
        >>> conv2d_macs(150, 100, 5, 3, 200)  # 'same' padding keeps 150x100
        225000000
    """
    h = positive_int(output_height, "output_height")
    w = positive_int(output_width, "output_width")
    kh, kw = positive_pair(kernel_size, "kernel_size")
    c_in, filters = positive_int(c_in, "c_in"), positive_int(filters, "filters")
    return h * w * kh * kw * _channels_per_group(c_in, filters, groups) * filters


def dense_macs(inputs, units):
    """Return the multiply-accumulates of a ``Dense`` layer on one vector: ``inputs * units``.

    Example:
        >>> dense_macs(3136, 100)
        313600
    """
    return positive_int(inputs, "inputs") * positive_int(units, "units")


# --------------------------------------------------------------------------- receptive field

ReceptiveField = namedtuple("ReceptiveField", "size jump")
ReceptiveField.__doc__ = """How much input one unit sees (``size``) and how far apart, in input pixels,
two neighbouring units of the layer are (``jump``, the product of the strides)."""


def _one_axis(value, name, where):
    """Return an int from an int or a square pair; a non-square pair sees different rows and columns."""
    rows, cols = positive_pair(value, name)
    if rows != cols:
        raise ValueError(
            f"{where} has {name}={value!r}: rows and columns see different fields. "
            f"Compute each axis on its own, passing ints: {rows} for the rows, {cols} for the columns."
        )
    return rows


def receptive_field(layers):
    """Return the :class:`ReceptiveField` of one unit of the last layer of a stack, on the input.

    Args:
        layers: the stack, first layer first; each is ``(kernel_size, strides)``,
            ``(kernel_size, strides, dilation_rate)`` or a dict with those keys (``strides`` and
            ``dilation_rate`` default to 1). A pooling layer is ``(pool_size, strides)``. Each value
            is an int or a square pair. Padding moves the field, not its size.

    Starting from one input pixel (``r = 1``, ``j = 1``), every layer widens the field by
    ``k - 1`` steps of the current jump and multiplies the jump by its stride::

        r_out = r_in + (k_eff - 1) * j_in,    j_out = j_in * s,    k_eff = d * (k - 1) + 1

    Example:
        >>> receptive_field([(3, 1), (3, 1)])  # two 3x3 convolutions see as far as one 5x5
        ReceptiveField(size=5, jump=1)
        >>> receptive_field([(3, 1)] * 3).size
        7
        >>> receptive_field([(3, 1), (2, 2), (3, 1)])  # conv 3x3, max pool 2x2, conv 3x3
        ReceptiveField(size=8, jump=2)
        >>> receptive_field([{"kernel_size": 3, "dilation_rate": 2}])
        ReceptiveField(size=5, jump=1)
    """
    size = jump = 1
    for i, layer in enumerate(layers):
        where = f"layers[{i}]"
        if isinstance(layer, dict):
            unknown = set(layer) - {"kernel_size", "strides", "dilation_rate"}
            if unknown or "kernel_size" not in layer:
                raise ValueError(
                    f"{where} must have the key 'kernel_size' and may have 'strides' and "
                    f"'dilation_rate'; received keys {sorted(layer)}."
                )
            k, s, d = layer["kernel_size"], layer.get("strides", 1), layer.get("dilation_rate", 1)
        elif isinstance(layer, (tuple, list)) and len(layer) in (2, 3):
            k, s, d = (*layer, 1)[:3]
        else:
            raise TypeError(
                f"{where} must be (kernel_size, strides), (kernel_size, strides, dilation_rate) "
                f"or a dict with those keys; received {layer!r}."
            )
        k, s, d = (
            _one_axis(v, n, where) for v, n in ((k, "kernel_size"), (s, "strides"), (d, "dilation_rate"))
        )
        size += d * (k - 1) * jump
        jump *= s
    return ReceptiveField(size, jump)


def receptive_field_of(model, layer_name=None):
    """Return the :class:`ReceptiveField` of one unit of ``layer_name``'s output in a Keras model.

    The model must be a chain (Sequential, or functional without branches; nested models and
    custom layers with sublayers are followed into, as in :func:`layer_table`). Without
    ``layer_name``, the walk stops before the first layer that mixes every position
    (``Flatten``, ``Dense``, global pooling, ``Reshape``): the result is the field of the last
    feature map. Convolutions (plain, depthwise, separable) and pooling widen the
    field; normalization, activations, dropout, rescaling and zero padding leave it as it is.

    Example:
        >>> import keras
        >>> model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(8, 3),
        ...     keras.layers.MaxPooling2D(2), keras.layers.Conv2D(8, 3), keras.layers.Flatten()])
        >>> receptive_field_of(model)
        ReceptiveField(size=8, jump=2)
    """
    keras = import_keras()

    L = keras.layers
    widening = (L.Conv2D, L.DepthwiseConv2D, L.SeparableConv2D, L.MaxPooling2D, L.AveragePooling2D)
    neutral = (L.InputLayer, L.BatchNormalization, L.Activation, L.ReLU, L.LeakyReLU, L.Dropout,
               L.SpatialDropout2D, L.Rescaling, L.ZeroPadding2D)
    mixing = (L.Flatten, L.Dense, L.GlobalAveragePooling2D, L.GlobalMaxPooling2D, L.Reshape)
    path = list(_walk(_check_model(model, keras), keras))
    names = {name for name, _, _ in path} | {layer.name for _, layer, _ in path}
    if layer_name is not None and layer_name not in names:
        raise ValueError(f"model '{model.name}' has no layer named {layer_name!r}.")
    stack = []
    for name, layer, call in path:
        if len(call.input_tensors) > 1:
            raise ValueError(
                f"layer '{name}' ({type(layer).__name__}) merges {len(call.input_tensors)} branches; "
                "receptive_field_of follows a single chain of layers. Give the branches to "
                "receptive_field one at a time and take the largest."
            )
        if isinstance(layer, mixing):
            if layer_name is None:
                break
            raise ValueError(
                f"layer '{name}' ({type(layer).__name__}) mixes every position: each unit after it "
                f"sees the whole input, {layer_name!r} included. Ask for a layer before it, or "
                "leave layer_name out to get the field of the last feature map."
            )
        if isinstance(layer, widening):
            kernel = layer.kernel_size if hasattr(layer, "kernel_size") else layer.pool_size
            stack.append((kernel, layer.strides, getattr(layer, "dilation_rate", 1)))
        elif not isinstance(layer, neutral):
            raise ValueError(
                f"receptive_field_of does not know how layer '{name}' ({type(layer).__name__}) "
                "changes the receptive field; describe the stack as (kernel_size, strides) pairs "
                "and call receptive_field instead."
            )
        if layer_name in (name, layer.name):
            break
    return receptive_field(stack)


# --------------------------------------------------------------------------- layer table of a model

LayerRow = namedtuple(
    "LayerRow", "name type output_shape params trainable_params macs activation_bytes note"
)
LayerRow.__doc__ = "One layer of a :class:`LayerTable`; ``note`` says what was not counted, or is empty."

# (header, field, right-aligned): the columns of LayerTable.to_text and LayerTable.to_markdown.
_COLUMNS = (
    ("Layer", "name", False),
    ("Type", "type", False),
    ("Output shape", "output_shape", False),
    ("Params", "params", True),
    ("Trainable", "trainable_params", True),
    ("MACs", "macs", True),
    ("Activation bytes", "activation_bytes", True),
    ("Note", "note", False),
)


def _si(number, unit=""):
    """Return ``number`` with an SI prefix and three significant digits, e.g. ``15.5 G``."""
    for prefix, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if number >= scale:
            return f"{number / scale:.3g} {prefix}{unit}"
    return f"{number} {unit}".rstrip()


class LayerTable:
    """A layer-by-layer count of a model's parameters, MACs and activation memory.

    Attributes:
        name: the model's name.
        rows: one :class:`LayerRow` per layer, in the order the model runs them.
        batch_size, bytes_per_value: what ``macs`` and ``activation_bytes`` assume.
        params, trainable_params, non_trainable_params, macs, activation_bytes: totals.

    ``print(table)`` shows :meth:`to_text`; a notebook shows :meth:`to_markdown`. Both, and the
    repr, are titled "Profile of" the model, as the notebooks' recorded outputs show them.
    """

    def __init__(self, name, rows, batch_size, bytes_per_value):
        self.name, self.rows = name, list(rows)
        self.batch_size, self.bytes_per_value = batch_size, bytes_per_value
        self.params = sum(row.params for row in self.rows)
        self.trainable_params = sum(row.trainable_params for row in self.rows)
        self.non_trainable_params = self.params - self.trainable_params
        self.macs = sum(row.macs for row in self.rows)
        self.activation_bytes = sum(row.activation_bytes for row in self.rows)

    def _table(self):
        """Return the columns shown, the header, and the layer rows and total row as cell strings."""
        columns = [c for c in _COLUMNS if c[1] != "note" or any(row.note for row in self.rows)]
        total = LayerRow("Total", "", "", self.params, self.trainable_params, self.macs,
                           self.activation_bytes, "")
        cells = [
            [f"{value:,}" if isinstance(value, int) else value
             for value in (getattr(row, field) for _, field, _ in columns)]
            for row in [*self.rows, total]
        ]
        return columns, [title for title, _, _ in columns], cells[:-1], cells[-1]

    def _summary(self):
        return [
            f"Non-trainable params: {self.non_trainable_params:,}",
            (
                f"Batch of {self.batch_size}, {self.bytes_per_value} bytes per value: "
                f"{_si(self.macs)} MACs, {_si(self.activation_bytes, 'B')} of activations"
            ),
        ]

    def to_text(self):
        """Return the table as a plain-text table with aligned columns and a total row."""
        columns, header, body, total = self._table()
        widths = [max(len(line[i]) for line in [header, *body, total]) for i in range(len(columns))]

        def line(cells):
            return "  ".join(
                c.rjust(w) if right else c.ljust(w) for c, w, (_, _, right) in zip(cells, widths, columns)
            ).rstrip()

        rule = "-" * len(line(["-" * w for w in widths]))
        lines = [f"Profile of '{self.name}'", line(header), rule, *map(line, body), rule, line(total)]
        return "\n".join([*lines, *self._summary()])

    def to_markdown(self):
        """Return the table as a Markdown table (layer names in code font) and a summary line."""
        columns, header, body, total = self._table()
        for cells in body:
            cells[0] = f"`{cells[0]}`"
        total = [f"**{c}**" if c else "" for c in total]
        lines = [
            "| " + " | ".join(header) + " |",
            "|" + "|".join("---:" if right else ":---" for _, _, right in columns) + "|",
            *("| " + " | ".join(cells) + " |" for cells in [*body, total]),
        ]
        title = f"**Profile of `{self.name}`**"
        return "\n".join([title, "", *lines, "", "\n\n".join(self._summary())])

    __str__ = to_text
    _repr_markdown_ = to_markdown

    def __repr__(self):
        return (
            f"<Profile of '{self.name}': {len(self.rows)} layers, {self.params:,} params, "
            f"{self.macs:,} MACs, {self.activation_bytes:,} activation bytes>"
        )


def _check_model(model, keras):
    if not isinstance(model, keras.Model):
        raise TypeError(f"expected a Keras model; received {type(model).__name__}.")
    if _keras_internals.graph(model, keras) is not None:
        return model
    if isinstance(model, keras.Sequential):
        raise ValueError(
            f"model '{model.name}' is not built, so its layers have no output shapes yet. Start it "
            "with keras.Input, e.g. keras.Sequential([keras.Input((28, 28, 1)), ...]), or call "
            "model.build((None, 28, 28, 1)) with your input shape."
        )
    raise ValueError(
        f"model '{model.name}' is a subclassed keras.Model ({type(model).__name__}): its call() "
        "is Python code, not a graph of layers, so the output shapes are unknown. Build the same "
        "layers with keras.Sequential or the functional API (keras.Model(inputs, outputs))."
    )


def _walk(model, keras, prefix="", seen=None):
    """Yield ``(name, operation, call)`` for every call in ``model``'s graph, in run order.

    Nested models are opened, and so are custom layers with sublayers (see
    :func:`course_lib._keras_internals.traced_call`): their calls are named ``outer/inner``. The
    input layers of nested models and traced calls are skipped: their tensor is the output of the
    call before.
    """
    seen = {} if seen is None else seen  # id -> operation, kept alive so that no id is reused
    graph = _keras_internals.graph(model, keras)
    calls = _keras_internals.calls(graph)
    names = _operation_names(graph.operations, keras)
    for layer in graph.operations:
        name = prefix + names[id(layer)]
        if len(calls[id(layer)]) > 1 or id(layer) in seen:
            raise ValueError(
                f"layer '{name}' is used more than once (shared weights); each call has its own "
                "output shape and MACs but the layer owns its parameters once, so a table with "
                "one row per layer cannot hold it. Give each call its own layer to count it."
            )
        seen[id(layer)] = layer
        call = calls[id(layer)][0]
        if prefix and isinstance(layer, keras.layers.InputLayer):
            continue
        if isinstance(layer, keras.Model):
            inner = _keras_internals.graph(layer, keras)
        else:
            inner = _keras_internals.traced_call(layer, call, keras)
        if inner is None:
            yield name, layer, call
            continue
        rows = list(_walk(inner, keras, f"{name}/", seen))
        opened = {id(w) for _, operation, _ in rows for w in _weights(operation)}
        if opened == {id(w) for w in layer.weights}:
            yield from rows
        else:  # weights of its own, or sublayers its call does not use: count it as one layer
            yield name, layer, call


def _weights(operation, trainable=False):
    """Return a layer's (trainable) weights; an op such as ``x + y`` has none."""
    return getattr(operation, "trainable_weights" if trainable else "weights", [])


def _operation_names(operations, keras):
    """Return ``{id(operation): name}``: a layer's own name; for an op, its type in lower case.

    An op (``x + y``, ``keras.activations.relu(x)``, ...) gets a name from a counter of every op
    made so far (``add_17``), which would change each time a call is traced; ``add``, ``add_1``,
    ... numbered within the graph stay the same.
    """
    taken = {op.name for op in operations if isinstance(op, keras.layers.Layer)}
    names = {}
    for op in operations:
        if isinstance(op, keras.layers.Layer):
            names[id(op)] = op.name
            continue
        base = name = type(op).__name__.lower()
        number = 0
        while name in taken:
            number += 1
            name = f"{base}_{number}"
        taken.add(name)
        names[id(op)] = name
    return names


def _values_per_example(name, call):
    """Return the number of values a layer call outputs for one example (batch axis left out)."""
    shapes = [tuple(tensor.shape) for tensor in call.output_tensors]
    for shape in shapes:
        if None in shape[1:]:
            raise ValueError(
                f"layer '{name}' has output shape {shape}: sizes other than the batch axis must be "
                "known to count MACs and activations. Give the model a fixed input size, e.g. "
                "keras.Input((224, 224, 3)), or input_shape=(224, 224, 3) for keras.applications."
            )
    return sum(math.prod(shape[1:]) for shape in shapes), ", ".join(map(str, shapes))


def _macs_per_example(layer, values, keras):
    """Return a layer's MACs for one example, or ``None`` when this module does not know them."""
    L = keras.layers
    if isinstance(layer, (L.SeparableConv1D, L.SeparableConv2D)):
        kernels = math.prod(layer.depthwise_kernel.shape) + math.prod(layer.pointwise_kernel.shape)
        maps = layer.filters
    elif isinstance(layer, (L.DepthwiseConv1D, L.DepthwiseConv2D)):
        kernels, maps = math.prod(layer.kernel.shape), layer.kernel.shape[-2] * layer.kernel.shape[-1]
    elif isinstance(layer, (L.Conv1D, L.Conv2D, L.Conv3D, L.Dense)):
        kernels, maps = math.prod(layer.kernel.shape), layer.kernel.shape[-1]
    else:
        return 0 if isinstance(layer, L.BatchNormalization) or not _weights(layer) else None
    # Every output position (values / maps of them) multiplies each of the kernels' weights once.
    return values // maps * kernels


def layer_table(model, batch_size=1, bytes_per_value=4):
    """Return a :class:`LayerTable`: parameters, MACs and activation memory of every layer of ``model``.

    Args:
        model: a built Sequential or functional Keras model with a fixed input size. Nested
            models are opened: their layers appear as ``outer/inner``. So are custom layers
            with sublayers (e.g. ``resnet.ResidualUnit``): their ``call`` is traced on a fresh
            ``keras.Input`` of the layer's input shape, which leaves ``model`` as it was, and
            its sublayers and ops appear as ``unit/conv1``, ``unit/add``, ... A custom layer
            that has weights of its own, or whose ``call`` needs real tensors, stays one row.
        batch_size: the number of images; MACs and activation bytes grow with it.
        bytes_per_value: 4 for float32, 2 for float16.

    Per layer:

    - params, trainable params: the sizes of ``layer.weights`` and ``layer.trainable_weights``;
      their totals equal ``model.count_params()`` and the trainable/non-trainable split.
    - MACs (multiplications by a weight, see the module docstring), times ``batch_size``:
      ``H' W' kh kw (c_in / groups) c_out`` for ``Conv2D``; ``H' W' kh kw c_in m`` for
      ``DepthwiseConv2D``; that plus ``H' W' c_in m c_out`` for ``SeparableConv2D``;
      ``positions * inputs * units`` for ``Dense`` (one position per vector of a rank-2 input).
      Layers and ops (``x + y``) without weights and ``BatchNormalization`` count 0. Other
      layers with weights count 0 and say ``MACs not counted`` in the note column.
    - activation bytes: output values x ``batch_size`` x ``bytes_per_value``, the input and
      every output inside an opened layer included.

    A layer called more than once (shared weights), also inside a custom layer, raises a
    ``ValueError``.

    Example:
        >>> import keras
        >>> L = keras.layers
        >>> model = keras.Sequential([keras.Input((28, 28, 1), name="image"),
        ...     L.Conv2D(8, 3, padding="same", name="conv"), L.MaxPooling2D(2, name="pool"),
        ...     L.Flatten(name="flatten"), L.Dense(10, name="dense")], name="tiny")
        >>> print(layer_table(model))
        Profile of 'tiny'
        Layer    Type          Output shape       Params  Trainable    MACs  Activation bytes
        -------------------------------------------------------------------------------------
        image    InputLayer    (None, 28, 28, 1)       0          0       0             3,136
        conv     Conv2D        (None, 28, 28, 8)      80         80  56,448            25,088
        pool     MaxPooling2D  (None, 14, 14, 8)       0          0       0             6,272
        flatten  Flatten       (None, 1568)            0          0       0             6,272
        dense    Dense         (None, 10)         15,690     15,690  15,680                40
        -------------------------------------------------------------------------------------
        Total                                     15,770     15,770  72,128            40,808
        Non-trainable params: 0
        Batch of 1, 4 bytes per value: 72.1 k MACs, 40.8 kB of activations
    """
    keras = import_keras()

    batch_size = positive_int(batch_size, "batch_size")
    bytes_per_value = positive_int(bytes_per_value, "bytes_per_value")
    rows = []
    for name, layer, call in _walk(_check_model(model, keras), keras):
        values, shape = _values_per_example(name, call)
        macs = _macs_per_example(layer, values, keras)
        rows.append(LayerRow(
            name=name,
            type=type(layer).__name__,
            output_shape=shape,
            params=sum(math.prod(w.shape) for w in _weights(layer)),
            trainable_params=sum(math.prod(w.shape) for w in _weights(layer, trainable=True)),
            macs=(macs or 0) * batch_size,
            activation_bytes=values * batch_size * bytes_per_value,
            note="" if macs is not None else "MACs not counted",
        ))
    return LayerTable(model.name, rows, batch_size, bytes_per_value)

