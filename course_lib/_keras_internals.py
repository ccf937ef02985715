"""Every use of Keras's private state in course_lib, in one place, for the Keras versions it was read on.

:func:`course_lib.counting.layer_table` and :func:`course_lib.counting.receptive_field_of` walk a
model's graph call by call, as ``model.summary()`` does. Keras has no public API for that graph,
so this module reads what ``summary()`` reads:

- ``Sequential._functional``, the functional model a built ``Sequential`` wraps;
- ``Functional._nodes_by_depth``, its calls (``Node`` objects: operation, arguments, tensors);
- ``Layer._flatten_layers``, a layer's sublayers;
- ``Operation._inbound_nodes`` and ``_outbound_nodes``, the calls recorded on each layer, which a
  trace of a custom layer's ``call`` (:func:`traced_call`) extends and then restores;
- the global ``"uninitialized_variables"`` list: every variable made inside
  ``keras.StatelessScope(initialize_variables=False)`` waits there for a value, and the next
  ``StatelessScope`` to close in eager mode (Keras opens one to trace any layer that does not say
  its output shape, a custom layer's for one) draws them all at once: for the models a notebook
  only counted, hundreds of millions of random numbers (seconds, and gigabytes).
  :func:`shapes_only` and :func:`forget_deferred_variables` take them off it.

These attributes were checked in the source of every Keras in :data:`KNOWN_VERSIONS`; on any other
version :func:`check_version` refuses to guess, with a message that says what to install.
Nothing outside this module touches a private Keras name or a ``Node``.
"""

import contextlib
from collections import namedtuple

# (major, minor) versions whose source was read for the attributes above: requirements.txt
# allows keras>=3.10,<4, and 3.10.0, 3.11.3, 3.12.0, 3.13.2, 3.14.0 and 3.15.1 were checked.
KNOWN_VERSIONS = tuple((3, minor) for minor in range(10, 16))

Call = namedtuple("Call", "operation args kwargs input_tensors output_tensors")
Call.__doc__ = """One call of a layer or op in a graph: the operation, the arguments it was called
with (``keras.KerasTensor`` placeholders among them) and its input and output tensors."""

# What a layer's call raises when it needs real values and is given a symbolic KerasTensor,
# e.g. "A KerasTensor cannot be used as input to a TensorFlow function" (a ValueError).
_UNTRACEABLE = (TypeError, ValueError, NotImplementedError)


def check_version(keras):
    """Return ``keras`` if its version is one of :data:`KNOWN_VERSIONS`; else raise a ``RuntimeError``.

    Example:
        >>> import keras
        >>> check_version(keras) is keras
        True
    """
    major, minor = (int(part) for part in keras.__version__.split(".")[:2])
    if (major, minor) not in KNOWN_VERSIONS:
        known = ", ".join(f"{a}.{b}" for a, b in KNOWN_VERSIONS)
        raise RuntimeError(
            f"course_lib reads Keras's private model graph to count layers, and knows it only in "
            f"Keras {known}; this is Keras {keras.__version__}. Install a known version, e.g. "
            f"pip install 'keras>={KNOWN_VERSIONS[0][0]}.{KNOWN_VERSIONS[0][1]},"
            f"<{KNOWN_VERSIONS[-1][0]}.{KNOWN_VERSIONS[-1][1] + 1}', or check the attributes named "
            "in course_lib/_keras_internals.py and add the version there."
        )
    return keras


def graph(model, keras):
    """Return the functional graph that holds ``model``'s calls, or ``None`` if it has none yet.

    A built ``Sequential`` keeps one in ``_functional``; a functional model is its own; an unbuilt
    ``Sequential`` or a subclassed model has none.
    """
    check_version(keras)
    found = model._functional if isinstance(model, keras.Sequential) else model
    return found if hasattr(found, "_nodes_by_depth") else None


def calls(functional):
    """Return ``{id(operation): [Call, ...]}`` for every call in a graph from :func:`graph`."""
    found = {}
    for nodes in functional._nodes_by_depth.values():
        for node in nodes:
            call = Call(node.operation, node.arguments.args, node.arguments.kwargs,
                        tuple(node.input_tensors), tuple(node.output_tensors))
            found.setdefault(id(node.operation), []).append(call)
    return found


def sublayers(layer):
    """Return every layer inside ``layer`` (nested ones too), ``layer`` itself left out."""
    return layer._flatten_layers(include_self=False)


def traced_call(layer, call, keras):
    """Return a ``keras.Function`` of ``layer.call`` on fresh inputs shaped like ``call``'s, or ``None``.

    ``None`` when ``layer`` has no sublayers, or when its ``call`` needs real values (it calls
    ``tf.*`` functions, say). ``layer`` itself is not called, so the model keeps its graph, and the
    calls the trace records on the sublayers are removed again.
    """
    if not isinstance(layer, keras.layers.Layer) or not sublayers(layer):
        return None

    def fresh(value):
        if isinstance(value, keras.KerasTensor):
            return keras.Input(batch_shape=value.shape, dtype=value.dtype)
        return value

    args = keras.tree.map_structure(fresh, call.args)
    kwargs = keras.tree.map_structure(fresh, call.kwargs)
    inputs = [value for value in keras.tree.flatten((args, kwargs)) if isinstance(value, keras.KerasTensor)]
    # Each call of a sublayer appends a node to its lists; the trace's are dropped afterwards.
    lengths = [
        (nodes, len(nodes))
        for sublayer in sublayers(layer)
        for nodes in (sublayer._inbound_nodes, sublayer._outbound_nodes)
    ]
    try:
        return keras.Function(inputs, layer.call(*args, **kwargs))
    except _UNTRACEABLE:
        return None
    finally:
        for nodes, length in lengths:
            del nodes[length:]


def _deferred_variables():
    """Keras's list of the variables still waiting for a value (see the module's docstring)."""
    from keras.src.backend.common import global_state

    return global_state.get_global_attribute("uninitialized_variables", [], set_to_default=True)


@contextlib.contextmanager
def shapes_only(keras):
    """``keras.StatelessScope(initialize_variables=False)`` for models built only to be counted,
    whose variables are then taken off Keras's waiting list: they keep their shapes and never get
    values, now or later.

    Example:
        >>> import keras
        >>> with shapes_only(keras):
        ...     model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
        >>> model.count_params(), any(v in _deferred_variables() for v in model.variables)
        (15, False)
    """
    check_version(keras)
    waiting = _deferred_variables()
    before = len(waiting)
    try:
        with keras.StatelessScope(initialize_variables=False):
            yield
    finally:  # also when the model fails to build: what it made before the error waits no more
        del waiting[before:]


def forget_deferred_variables():
    """Take every variable off Keras's waiting list (the test suite does it after each test, so
    that one test's counted models are not drawn in the next)."""
    del _deferred_variables()[:]
