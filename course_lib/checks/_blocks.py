"""Checking a block the learner builds in Keras (a VGG block, a residual unit, an SE block)
against the library's: the same output shape, the same parameter count, and the same outputs
once both hold the same weights (issue 14; ``LESSON-PATTERNS.md``, "Exercises on the key idea").

Collect runs :func:`block_facts` where the learner's code is: it builds a small model from the
learner's block, gives every weight a value that depends on the weight's shape only (so layers
built in another order still get the same values), runs it on one fixed input and keeps plain
data. The verdict runs :func:`block_facts` on the library's block, and on the near misses a check
names, and compares (:func:`judge_block`): the learner's code never runs there.
"""

import functools

import numpy as np

from course_lib.checks._common import _delegates_to, _fail, _passed, _run, _shape_problem
from course_lib.session import import_keras

#: How a block function is applied to the input tensor ``x``: called as ``block(x, *args)``
#: (``"tensor"``, a function such as ``vgg_block``), built then called as ``block(*args)(x)``
#: (``"layer"``, a class such as ``ResidualUnit``), or called as ``block(*args)`` to return a
#: whole model (``"model"``, such as ``lenet5``).
KINDS = ("tensor", "layer", "model")

#: Close enough for outputs computed by the same layers in another order of summation.
_RELATIVE_TOLERANCE = 1e-4


def weight_values(shape):
    """The value :func:`block_facts` gives every weight of ``shape``: a function of the shape only.

    A vector (a bias, a batch normalization's four vectors) is uniform in [0.5, 1.5], positive
    so that it is a valid variance; a kernel is uniform in [-b, b] with b = sqrt(3 / fan_in),
    where fan_in is the product of all axes but the last, so that activations keep their size.
    A 1x1 convolution's kernel ``(1, 1, c, u)`` gets the values of a ``Dense`` kernel ``(c, u)``.

    Example:
        >>> weight_values((3,)).shape, bool(np.all(weight_values((3,)) >= 0.5))
        ((3,), True)
        >>> bool(np.array_equal(weight_values((1, 1, 4, 2)).reshape(4, 2), weight_values((4, 2))))
        True
    """
    shape = tuple(int(side) for side in shape)
    if len(shape) <= 1:
        size = int(np.prod(shape))
        return np.random.default_rng([1, size]).uniform(0.5, 1.5, shape).astype("float32")
    fan_in, units = int(np.prod(shape[:-1])), shape[-1]
    bound = np.sqrt(3.0 / fan_in)
    values = np.random.default_rng([2, fan_in, units]).uniform(-bound, bound, (fan_in, units))
    return values.reshape(shape).astype("float32")


def probe_input(input_shape):
    """The fixed batch of two examples every block is run on: standard normal numbers.

    Example:
        >>> probe_input((4, 4, 3)).shape
        (2, 4, 4, 3)
    """
    shape = tuple(int(side) for side in input_shape)
    return np.random.default_rng([3, *shape]).standard_normal((2, *shape)).astype("float32")


def block_facts(block, input_shape, args, kind="tensor"):
    """Build a model of ``block`` on ``input_shape``, give its weights :func:`weight_values` and
    return what it computes on :func:`probe_input`, as plain data.

    Args:
        block: the block's function or class (see :data:`KINDS`).
        input_shape: ``(H, W, C)`` of the block's input.
        args: the block's arguments after the input (or all of them, for ``"layer"`` and ``"model"``).
        kind: how ``block`` is applied, one of :data:`KINDS`.

    Returns:
        ``{"output_shape": (H', W', C'), "params": int, "trainable": int, "output": array}``, the
        output computed in inference mode (``training=False``); for a ``"layer"``, also
        ``"training_output"``, computed in training mode (batch normalization then normalizes with
        the batch's statistics), so that a layer whose ``call`` fixes ``training`` is told apart.

    Raises:
        TypeError: the block gave something other than a Keras tensor (or, for ``"model"``, a model).

    Example:
        >>> import keras
        >>> conv = lambda x, filters: keras.layers.Conv2D(filters, 3, padding="same")(x)
        >>> facts = block_facts(conv, (5, 5, 2), (4,))
        >>> facts["output_shape"], facts["params"], facts["output"].shape
        ((5, 5, 4), 76, (2, 5, 5, 4))
    """
    keras = import_keras()
    if kind == "model":
        model = block(*args)
        if not isinstance(model, keras.Model):
            raise TypeError(f"it returned {type(model).__name__}; expected a Keras model")
    else:
        inputs = keras.Input(tuple(input_shape))
        outputs = block(inputs, *args) if kind == "tensor" else block(*args)(inputs)
        if not isinstance(outputs, keras.KerasTensor):
            what = "it" if kind == "tensor" else "the layer"
            raise TypeError(f"{what} returned {type(outputs).__name__}; expected the block's output tensor")
        model = keras.Model(inputs, outputs)
    for weight in model.weights:
        weight.assign(weight_values(weight.shape))
    output = np.asarray(model(probe_input(input_shape), training=False), dtype=np.float64)
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    facts = {
        "output_shape": tuple(int(side) for side in output.shape[1:]),
        "params": int(model.count_params()),
        "trainable": trainable,
        "output": output,
    }
    if kind == "layer":  # after the inference output: a training call updates the moving statistics
        facts["training_output"] = np.asarray(model(probe_input(input_shape), training=True), dtype=np.float64)
    return facts


@functools.cache
def reference_facts(block, options, input_shape, args, kind="tensor"):
    """:func:`block_facts` of ``block`` called with the keyword arguments ``options``: a block
    the check itself defines (the library's, or one of its near misses), kept for the process,
    since it is the same for every learner and collect and the verdict of one check both need it.

    Args:
        block: the block's function or class (see :data:`KINDS`), a module-level name.
        options: its keyword arguments, a tuple of ``(name, value)`` pairs.
        input_shape, args, kind: as for :func:`block_facts`, as tuples.
    """
    return block_facts(functools.partial(block, **dict(options)), input_shape, args, kind)


def reference(block, kind="tensor", **options):
    """``facts_of`` a block the check defines, for :func:`judge_block` (its ``right`` block, or a
    near miss of its ``mistakes``): ``block`` with the keyword arguments ``options``, through
    :func:`reference_facts`.

    Example:
        >>> from course_lib.architectures.vgg import vgg_block
        >>> reference(vgg_block, name="block")((8, 8, 3), (4, 2))["output_shape"]
        (4, 4, 4)
    """
    return lambda input_shape, args: reference_facts(
        block, tuple(sorted(options.items())), tuple(input_shape), tuple(args), kind)


def describe_call(name, input_shape, args, kind="tensor"):
    """How a failure message names one case of a block: the call as the learner wrote it.

    Example:
        >>> describe_call("vgg_block", (10, 10, 3), (4, 2))
        'vgg_block(x, 4, 2) with x of shape (10, 10, 3)'
        >>> describe_call("ResidualUnit", (8, 8, 4), (8, 2), kind="layer")
        'ResidualUnit(8, 2) on an input of shape (8, 8, 4)'
        >>> describe_call("lenet5_sequential", (32, 32, 1), ((32, 32, 1), 10), kind="model")
        'lenet5_sequential((32, 32, 1), 10)'
    """
    arguments = ", ".join(repr(argument) for argument in args)
    if kind == "model":
        return f"{name}({arguments})"
    if kind == "layer":
        return f"{name}({arguments}) on an input of shape {tuple(input_shape)}"
    return f"{name}(x{', ' if arguments else ''}{arguments}) with x of shape {tuple(input_shape)}"


def _same_output(a, b):
    scale = max(float(np.max(np.abs(b))), 1.0)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=_RELATIVE_TOLERANCE, atol=_RELATIVE_TOLERANCE * scale))


def _same_in_training(facts, right):
    """Whether the outputs in training mode agree, where both blocks' facts have them."""
    if "training_output" not in facts or "training_output" not in right:
        return True
    return _same_output(np.asarray(facts["training_output"]), np.asarray(right["training_output"]))


def same_block(facts, right):
    """Whether two blocks' facts agree: shape, both parameter counts and outputs (in training mode too, where kept)."""
    return (
        tuple(facts["output_shape"]) == tuple(right["output_shape"])
        and facts["params"] == right["params"]
        and facts["trainable"] == right["trainable"]
        and _same_output(np.asarray(facts["output"]), np.asarray(right["output"]))
        and _same_in_training(facts, right)
    )


def _difference(facts, right, named=False):
    """What differs between the learner's block and the right one, in words, without the right values
    (``named``: a near miss will say what the block does, so no guess at the cause is added)."""
    shape, right_shape = tuple(facts["output_shape"]), tuple(right["output_shape"])
    if shape != right_shape:
        if len(shape) != 3 or len(right_shape) != 3:
            return f"its output has shape {shape}: {_shape_problem(shape, right_shape)}"
        wrong = [f"{'more' if got > want else 'fewer'} {axis}" for axis, got, want
                 in zip(("rows", "columns", "channels"), shape, right_shape) if got != want]
        return f"its output has shape {shape}: {' and '.join(wrong)} than the block should give"
    if facts["params"] != right["params"]:
        size = "too many" if facts["params"] > right["params"] else "too few"
        return f"it has {facts['params']:,} parameters, {size}"
    if facts["trainable"] != right["trainable"]:
        return (f"its parameter count is right, but {facts['trainable']:,} of them are trainable: a layer with "
                "moving statistics is missing where another layer's weights make up the count")
    if _same_output(np.asarray(facts["output"]), np.asarray(right["output"])):
        return ("it computes the right outputs in inference mode but other outputs in training mode "
                "(training=True): a batch normalization is called with training fixed, so it never "
                "normalizes with the batch's statistics while the network trains; pass call's training on")
    same = "its output shape and parameter count are right, but with the same weights it computes other outputs"
    return same if named else (f"{same}: a layer is in another place, an activation is missing or extra, "
                               "or a layer's setting differs from the lesson's (a batch normalization's "
                               "epsilon, say)")


def judge_block(block, name, cases, right, mistakes, hint, library_names=(), kind="tensor", passed=None):
    """Fail unless the learner's ``block`` builds the same block as the library's in every case.

    Every case is built first; the first wrong case fails, naming a near miss of ``mistakes``
    only when the learner's block computes exactly what that near miss computes in every case.

    Args:
        block: the learner's block, as the judge received it.
        name: its name, as the messages call it.
        cases: ``[(input_shape, args), ...]``.
        right: ``right(input_shape, args)``, the right block's :func:`block_facts`.
        mistakes: ``[(facts_of, text), ...]``: ``facts_of(input_shape, args)`` gives a near
            miss's facts, ``text`` what it does, as a clause after "it".
        hint: the hint of a failure.
        library_names: the library's names of the block (``{"vgg_block"}``): a block that
            uses them proves nothing.
        kind: how ``block`` is applied (:data:`KINDS`).
        passed: the success message; by default it lists what agreed.
    """
    if library_names and _delegates_to(block, set(library_names)):
        _fail(f"{name} uses the library's {' or '.join(sorted(library_names))}; the exercise is to write "
              "the block from Keras layers yourself.", "build it layer by layer, as the lesson's text describes.")
    facts = []
    for input_shape, args in cases:
        call = describe_call(name, input_shape, args, kind)
        facts.append((call, _run(block, (input_shape, tuple(args), kind), name, hint, probe=block_facts)))
    rights = [right(input_shape, args) for input_shape, args in cases]
    wrong = [i for i, (f, r) in enumerate(zip(facts, rights)) if not same_block(f[1], r)]
    if wrong:
        call, first = facts[wrong[0]]
        for facts_of, text in mistakes:
            if all(same_block(f, facts_of(*case)) for (_, f), case in zip(facts, cases)):
                _fail(f"{call}: {_difference(first, rights[wrong[0]], named=True)}. It {text}.", hint)
        _fail(f"{call}: {_difference(first, rights[wrong[0]])}.", hint)
    _passed(passed or f"{name} builds the same block as the library's in all {len(cases)} cases: the same "
                      "output shape, the same parameter count, and the same outputs once both hold the same weights.")
