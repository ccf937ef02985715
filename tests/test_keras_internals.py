"""The one module that reads Keras's private state: it knows its versions and is the only one."""

import re
import types
from pathlib import Path

import pytest

from course_lib import _keras_internals
from course_lib.session import import_keras

keras = import_keras()

PRIVATE_KERAS = re.compile(r"_nodes_by_depth|_flatten_layers|_inbound_nodes|_outbound_nodes|\._functional\b|keras\.src")


def test_the_installed_keras_is_known():
    assert _keras_internals.check_version(keras) is keras


@pytest.mark.parametrize("version", ["3.9.2", "3.16.0", "4.0.0"])
def test_an_unknown_keras_is_refused_with_what_to_install(version):
    fake = types.SimpleNamespace(__version__=version)
    with pytest.raises(RuntimeError, match=rf"Keras 3\.10, .*3\.15; this is Keras {re.escape(version)}\..*keras>=3\.10,<3\.16"):
        _keras_internals.check_version(fake)


def test_no_other_module_reads_private_keras_state():
    library = Path(_keras_internals.__file__).parent
    readers = [
        path.relative_to(library).as_posix()
        for path in library.rglob("*.py")
        if PRIVATE_KERAS.search(path.read_text(encoding="utf-8"))
    ]
    assert readers == ["_keras_internals.py"]


def test_shapes_only_leaves_no_variable_waiting_even_when_the_build_fails():
    waiting = len(_keras_internals._deferred_variables())
    with pytest.raises(ValueError, match="half built"):
        with _keras_internals.shapes_only(keras):
            keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
            raise ValueError("half built")
    assert len(_keras_internals._deferred_variables()) == waiting
    with keras.StatelessScope(initialize_variables=False):  # the plain scope, for contrast: they wait
        keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    assert len(_keras_internals._deferred_variables()) == waiting + 2
