"""The checks of notebook 12, ``course_lib.checks.nb12_alexnet``, accept right answers and
reject wrong ones."""

import numpy as np
import pytest

from course_lib import checks


def _lrn_loop(a, n=5, k=2.0, alpha=1e-4, beta=0.75, divide_alpha=False, radius=None):
    a = np.asarray(a, dtype=np.float64)
    maps = a.shape[-1]
    r = n // 2 if radius is None else radius
    out = np.empty_like(a)
    for i in range(maps):
        lo, hi = max(0, i - r), min(maps - 1, i + r)
        total = (a[..., lo : hi + 1] ** 2).sum(axis=-1)
        out[..., i] = a[..., i] / (k + (alpha / n if divide_alpha else alpha) * total) ** beta
    return out


def test_check_lrn_accepts_a_loop_over_maps(passes):
    passes(checks.check_lrn, _lrn_loop)


def test_check_lrn_rejects_common_mistakes():
    with pytest.raises(AssertionError, match="alpha is divided by n"):
        checks.check_lrn(lambda a, n, k, alpha, beta: _lrn_loop(a, n, k, alpha, beta, divide_alpha=True))
    with pytest.raises(AssertionError, match="reaches n maps on each side; it holds n maps in all"):
        checks.check_lrn(lambda a, n, k, alpha, beta: _lrn_loop(a, n, k, alpha, beta, radius=n))
    with pytest.raises(AssertionError, match="only the map itself"):
        checks.check_lrn(lambda a, n, k, alpha, beta: a / (k + alpha * np.asarray(a, float) ** 2) ** beta)
    with pytest.raises(AssertionError, match="returned None"):
        checks.check_lrn(lambda a, n, k, alpha, beta: None)
    with pytest.raises(AssertionError, match="differs from the right result"):
        checks.check_lrn(lambda a, n, k, alpha, beta: _lrn_loop(a, n, k, alpha, 1.0))


def _two_tower_conv(x, filters, kernel_size):
    import keras

    half = x.shape[-1] // 2
    first = keras.layers.Conv2D(filters // 2, kernel_size, padding="same", activation="relu")(x[..., :half])
    second = keras.layers.Conv2D(filters // 2, kernel_size, padding="same", activation="relu")(x[..., half:])
    return keras.layers.Concatenate()([first, second])


def _towers(**change):
    """The two-tower convolution with one part changed: the near misses a learner may write."""
    from course_lib.checks.nb12_alexnet import _towers as towers

    return lambda x, filters, kernel_size: towers(x, filters, kernel_size, **change)


def test_check_two_tower_conv_accepts_the_towers_written_in_other_ways(capsys):
    import keras

    checks.check_two_tower_conv(_two_tower_conv)

    def split_relu_layers_second_first(x, filters, kernel_size):
        # keras.ops.split, ReLU as layers of their own, the second tower built first
        first_half, second_half = keras.ops.split(x, 2, axis=-1)
        towers = {}
        for key, part in (("second", second_half), ("first", first_half)):
            y = keras.layers.Conv2D(filters // 2, (kernel_size, kernel_size), strides=1, padding="same")(part)
            towers[key] = keras.layers.ReLU()(y)
        return keras.ops.concatenate([towers["first"], towers["second"]], axis=3)

    def sequential_towers(x, filters, kernel_size):  # one Sequential per tower, Lambda layers to split
        c = x.shape[-1]
        towers = [keras.Sequential([keras.layers.Lambda(lambda t, lo=lo: t[..., lo:lo + c // 2]),
                                    keras.layers.Conv2D(filters // 2, kernel_size, padding="same"),
                                    keras.layers.Activation("relu")])
                  for lo in (0, c // 2)]
        return keras.layers.concatenate([tower(x) for tower in towers], axis=-1)

    checks.check_two_tower_conv(split_relu_layers_second_first)
    checks.check_two_tower_conv(sequential_towers)
    assert capsys.readouterr().out.count("Correct") == 3


@pytest.mark.parametrize("wrong, named", [
    (_towers(activation=None), "leaves out the ReLU"),
    (_towers(padding="valid"), "uses \"valid\" padding"),
    (_towers(reads="all"), "gives each tower every input channel"),
    (lambda x, f, k: __import__("keras").layers.Conv2D(f, k, padding="same", activation="relu")(x),
     "is one ordinary convolution"),
    (_towers(towers=1), "builds one tower only"),
    (_towers(towers=1, each="all"), "builds one tower only"),
    (_towers(each="all"), "gives each tower all the filters"),
    (_towers(reads="first"), "gives both towers the first half"),
    (_towers(order=(1, 0)), "puts the second tower's maps first"),
    (_towers(axis=0), "along axis 0, the batch"),
    (_towers(axis=1), "along axis 1, the rows"),
    (_towers(axis=2), "along axis 2, the columns"),
])
def test_check_two_tower_conv_names_a_near_miss(wrong, named):
    with pytest.raises(AssertionError, match=named):
        checks.check_two_tower_conv(wrong)


def test_check_two_tower_conv_rejects_other_blocks_without_naming_a_mistake():
    import keras

    def interleaved(x, filters, kernel_size):  # even and odd channels instead of two halves
        towers = [keras.layers.Conv2D(filters // 2, kernel_size, padding="same", activation="relu")(x[..., i::2])
                  for i in (0, 1)]
        return keras.layers.Concatenate()(towers)

    def shared(x, filters, kernel_size):  # one convolution applied to both halves: the towers share weights
        half = x.shape[-1] // 2
        conv = keras.layers.Conv2D(filters // 2, kernel_size, padding="same", activation="relu")
        return keras.layers.Concatenate()([conv(x[..., :half]), conv(x[..., half:])])

    with pytest.raises(AssertionError, match=r"computes other outputs: .*\.\nHint"):
        checks.check_two_tower_conv(interleaved)
    with pytest.raises(AssertionError, match=r"parameters, too few\.\nHint"):
        checks.check_two_tower_conv(shared)
    with pytest.raises(AssertionError, match="returned NoneType; expected the block's output tensor"):
        checks.check_two_tower_conv(lambda x, f, k: None)
    with pytest.raises(AssertionError, match="not attempted yet"):
        checks.check_two_tower_conv(lambda x, f, k: (_ for _ in ()).throw(NotImplementedError))


def test_check_two_tower_conv_refuses_a_grouped_convolution():
    import keras

    def grouped(x, filters, kernel_size):
        return keras.layers.Conv2D(filters, kernel_size, padding="same", groups=2, activation="relu")(x)

    def grouped_inside(x, filters, kernel_size):  # hidden in a Sequential
        return keras.Sequential([keras.layers.Conv2D(filters, kernel_size, padding="same", groups=2),
                                 keras.layers.ReLU()])(x)

    for block in (grouped, grouped_inside):
        with pytest.raises(AssertionError, match="uses a convolution with groups=2"):
            checks.check_two_tower_conv(block)


def test_the_grouped_convolution_holds_the_towers_weights_side_by_side():
    # With the same weights, the right towers and the grouped convolution agree, in every case.
    from course_lib.checks._blocks import block_facts, same_block
    from course_lib.checks.nb12_alexnet import _grouped_convolution

    for shape, args in [((8, 8, 4), (6, 3)), ((7, 7, 6), (4, 5)), ((6, 6, 2), (8, 1))]:
        assert same_block(block_facts(_two_tower_conv, shape, args), _grouped_convolution(shape, args))


def right_answers():
    """Check name -> the arguments of one right answer (tests/test_every_check.py uses them)."""
    return {"check_lrn": (_lrn_loop,), "check_two_tower_conv": (_two_tower_conv,)}


def wrong_answers():
    """Check name -> near misses ``[(description, answer tuple)]`` (tests/test_every_check.py tries them)."""
    return {
        "check_two_tower_conv": [
            ("no ReLU", (_towers(activation=None),)),
            ("towers read every channel", (_towers(reads="all"),)),
            ("one tower", (_towers(towers=1),)),
            ("second tower first", (_towers(order=(1, 0)),)),
            ("joined along the rows", (_towers(axis=1),)),
        ],
    }
