"""course_lib.pooling against Keras's pooling layers on many shapes."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib import pooling
from course_lib.session import import_keras

keras = import_keras()

LAYERS = {"max": keras.layers.MaxPooling2D, "average": keras.layers.AveragePooling2D}


@st.composite
def pool_cases(draw, max_side=11):
    n, c = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    h, w = draw(st.integers(1, max_side)), draw(st.integers(1, max_side))
    padding = draw(st.sampled_from(["valid", "same"]))
    limit_h, limit_w = (4, 4) if padding == "same" else (min(4, h), min(4, w))
    pool = (draw(st.integers(1, limit_h)), draw(st.integers(1, limit_w)))
    strides = draw(st.one_of(st.none(), st.tuples(st.integers(1, 3), st.integers(1, 3))))
    mode = draw(st.sampled_from(pooling.MODES))
    x = (
        np.random.default_rng(draw(st.integers(0, 2**16)))
        .normal(size=(n, h, w, c))
        .astype(np.float32)
    )
    return x, pool, strides, padding, mode


@settings(max_examples=120)
@given(pool_cases())
def test_pool2d_equals_keras(case):
    x, pool, strides, padding, mode = case
    expected = LAYERS[mode](pool_size=pool, strides=strides, padding=padding)(x).numpy()
    got = pooling.pool2d(x, pool, strides, padding, mode)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


@settings(max_examples=40)
@given(pool_cases(max_side=7))
def test_pool2d_loops_equals_pool2d(case):
    x, pool, strides, padding, mode = case
    np.testing.assert_allclose(
        pooling.pool2d_loops(x, pool, strides, padding, mode),
        pooling.pool2d(x, pool, strides, padding, mode),
        rtol=1e-6,
    )


@pytest.mark.parametrize("mode", pooling.MODES)
def test_global_pool_equals_keras(mode):
    x = np.random.default_rng(0).normal(size=(2, 5, 7, 3)).astype(np.float32)
    layer = (
        keras.layers.GlobalAveragePooling2D()
        if mode == "average"
        else keras.layers.GlobalMaxPooling2D()
    )
    np.testing.assert_allclose(pooling.global_pool(x, mode), layer(x).numpy(), rtol=1e-5)
    assert pooling.global_pool(x[0], mode).shape == (3,)


def test_the_seed_example_and_ranks():
    assert pooling.pool2d(np.ones((2, 2, 3))).shape == (1, 1, 3)
    assert pooling.pool2d(np.ones((6, 6))).shape == (3, 3)
    assert pooling.pool2d(np.ones((4, 6, 6, 2)), 3, strides=2).shape == (4, 2, 2, 2)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (
            {"x": np.ones((3, 3)), "pool_size": 4},
            ValueError,
            "pool window has 4 rows but the input has only 3",
        ),
        ({"x": np.ones((3, 3)), "pool_size": 0}, ValueError, "pool_size must be positive"),
        ({"x": np.ones((3, 3)), "strides": (2, 0)}, ValueError, "strides must be positive"),
        ({"x": np.ones((3, 3)), "padding": "full"}, ValueError, "padding must be one of 'valid', 'same'"),
        # A number where a name is expected is the wrong type, not a wrong name.
        ({"x": np.ones((3, 3)), "padding": 1}, TypeError, "padding must be one of 'valid', 'same'"),
        ({"x": np.ones((3, 3)), "mode": "min"}, ValueError, "mode must be one of 'max', 'average'; received mode='min'"),
        # NaN would win a window's max in pool2d_loops and lose it in pool2d's nanmax.
        ({"x": np.array([[np.nan, 1.0], [2.0, 3.0]]), "padding": "same", "pool_size": 3}, ValueError, "NaN"),
        ({"x": np.ones(3)}, ValueError, r"received shape \(3,\)"),
        ({"x": np.array([["a"]])}, TypeError, "must hold numbers"),
    ],
)
@pytest.mark.parametrize("implementation", [pooling.pool2d, pooling.pool2d_loops])
def test_bad_input_gets_a_clear_error(implementation, kwargs, error, match):
    with pytest.raises(error, match=match):
        implementation(**kwargs)


def test_global_pool_rejects_bad_input():
    with pytest.raises(ValueError, match="mode must be one of"):
        pooling.global_pool(np.ones((2, 2, 1)), mode="median")
    with pytest.raises(ValueError, match=r"\(H, W, C\)"):
        pooling.global_pool(np.ones((2, 2)))
