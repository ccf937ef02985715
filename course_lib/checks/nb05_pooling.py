"""Checks for the exercises of notebook 05, ``notebooks/05_pooling.ipynb``."""

import numpy as np

from course_lib.checks._common import exercise_check, _call, _call_array, _fail, _passed, _same_array


def _pool_cases():
    """2-D arrays with even sides, some not square, with negative values (so a zero start is wrong)."""
    rng = np.random.default_rng(5)
    shapes = [(2, 2), (4, 4), (4, 6), (6, 2), (8, 10)]
    return [rng.integers(-9, 10, shape).astype(float) for shape in shapes]


@exercise_check
def check_max_pool_2x2(max_pool_2x2):
    """Notebook 05, exercise 1: check a learner's ``max_pool_2x2(x)``: 2x2 max pooling, stride 2, of a 2-D array with even sides."""
    from course_lib.pooling import pool2d

    hint = (
        "Cut x into non-overlapping 2x2 blocks: x.reshape(H // 2, 2, W // 2, 2) puts the two rows "
        "of a block on axis 1 and its two columns on axis 3; take .max(axis=(1, 3)). The result "
        "has shape (H // 2, W // 2)."
    )
    for x in _pool_cases():
        expected = pool2d(x, 2)
        answer = _call_array(
            max_pool_2x2, (x.copy(),), "max_pool_2x2", hint,
            not_numbers="max_pool_2x2 returned {type}, not an array of numbers.",
        )
        name = f"max_pool_2x2 on a {x.shape[0]}x{x.shape[1]} array"
        if answer.shape == pool2d(x, 2, strides=1).shape and answer.shape != expected.shape:
            _fail(
                f"{name} has shape {answer.shape}: the windows overlap (stride 1).",
                "Pooling moves by its own size: stride 2, so each value belongs to one window. "
                + hint,
            )
        right = answer.shape == expected.shape and np.allclose(answer, expected)
        if not right and answer.shape == expected.T.shape and np.allclose(answer, expected.T):
            _fail(f"{name} is the transpose of the right answer: rows and columns swapped.", hint)
        average = pool2d(x, 2, mode="average")
        if not right and answer.shape == average.shape and np.allclose(answer, average):
            _fail(f"{name} takes the mean of each window: that is average pooling.", hint)
        _same_array(answer, expected, name, hint)
    _passed("max_pool_2x2 equals pool2d(x, 2) on every shape tried, square or not.")


def _pooled_shape_cases():
    """``(input_shape, pool_size, strides, padding)`` cases: defaults, overlap, odd sides, 'same'."""
    return [
        ((28, 28, 32), 2, None, "valid"),
        ((7, 7, 3), 2, None, "valid"),
        ((55, 55, 96), 3, 2, "valid"),
        ((13, 13, 256), 3, 2, "valid"),
        ((9, 6, 2), 3, 1, "valid"),
        ((7, 7, 3), 2, None, "same"),
        ((13, 13, 1), 3, 5, "same"),
        ((5, 8, 4), 2, 3, "same"),
    ]


@exercise_check
def check_pooled_shape(pooled_shape):
    """Notebook 05, exercise 2: check ``pooled_shape(input_shape, pool_size, strides=None, padding="valid")`` against Keras."""
    import keras

    hint = (
        "Along the height and the width: strides=None means strides = pool_size; 'valid' gives "
        "floor((n - pool_size) / strides) + 1, 'same' gives ceil(n / strides). The channel count "
        "stays as it is."
    )
    for shape, pool_size, strides, padding in _pooled_shape_cases():
        layer = keras.layers.MaxPooling2D(pool_size, strides=strides, padding=padding)
        expected = tuple(int(v) for v in layer.compute_output_shape((None, *shape))[1:])
        call = f"pooled_shape({shape}, {pool_size}, strides={strides}, padding={padding!r})"
        answer = _call(pooled_shape, (shape, pool_size, strides, padding), "pooled_shape", hint)
        try:
            answer = tuple(int(v) for v in answer)
        except (TypeError, ValueError):
            _fail(
                f"{call} returned {answer!r}; expected a tuple of three ints like {expected}.", hint
            )
        if len(answer) == 2 and answer == expected[:2]:
            _fail(
                f"{call} returned {answer}: the channels are missing.",
                "Pooling keeps every channel. " + hint,
            )
        if answer != expected:
            steps = pool_size if strides is None else strides
            valid = tuple((n - pool_size) // steps + 1 for n in shape[:2]) + shape[2:]
            if padding == "same" and answer == valid:
                problem = f"{call} returned {answer}, the 'valid' size; Keras gives {expected}."
                hint = (
                    "With padding='same' the output size is ceil(n / strides), whatever the pool size. "
                    + hint
                )
            else:
                problem = f"{call} returned {answer}; Keras's MaxPooling2D gives {expected}."
            _fail(problem, hint)
    _passed(
        "pooled_shape agrees with Keras on every case: default strides, overlap, odd sizes and 'same'."
    )


@exercise_check
def check_global_average_pool(global_average_pool):
    """Notebook 05, exercise 3: check ``global_average_pool(x)``: ``(N, H, W, C)`` to ``(N, C)``, the mean of every map."""
    from course_lib.pooling import global_pool

    hint = "Average over the two spatial axes only: x.mean(axis=(1, 2)) turns (N, H, W, C) into (N, C)."
    rng = np.random.default_rng(55)
    for shape in [(2, 5, 7, 3), (3, 4, 4, 1), (1, 1, 1, 4), (4, 3, 2, 5)]:
        x = rng.normal(size=shape).astype(np.float32)
        expected = global_pool(x)
        answer = _call_array(
            global_average_pool, (x.copy(),), "global_average_pool", hint,
            not_numbers="global_average_pool returned {type}, not an array.",
        )
        name = f"global_average_pool on a batch of shape {shape}"
        maximum = global_pool(x, mode="max")
        if (
            answer.shape == expected.shape
            and np.allclose(answer, maximum)
            and not np.allclose(answer, expected, atol=1e-5)
        ):
            _fail(f"{name} takes the maximum of each map: that is global max pooling.", hint)
        if answer.size == expected.size and answer.shape != expected.shape:
            _fail(
                f"{name} has shape {answer.shape}; expected {expected.shape}, one row per image.",
                hint,
            )
        _same_array(answer, expected, name, hint)
    _passed("global_average_pool gives one mean per channel and image, (N, H, W, C) -> (N, C).")
