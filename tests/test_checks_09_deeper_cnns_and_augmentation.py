"""The checks of notebook 09, ``course_lib.checks.nb09_deeper_cnns_and_augmentation``, accept right answers and
reject wrong ones."""

import numpy as np
import pytest

from course_lib import checks


def _block_output_shapes_right(size, filters, blocks):
    shapes = []
    for b in range(blocks):
        size //= 2
        shapes.append((size, size, filters * 2**b))
    return shapes


def test_check_block_output_shapes_accepts_a_right_answer(capsys):
    checks.check_block_output_shapes(_block_output_shapes_right)
    checks.check_block_output_shapes(
        lambda s, f, b: np.array(_block_output_shapes_right(s, f, b))  # an array is fine too
    )
    assert capsys.readouterr().out.count("Correct") == 2


def test_check_block_output_shapes_rejects_rounding_up_and_no_doubling():
    def rounded_up(size, filters, blocks):
        return [(-(-size // 2 ** (b + 1)),) * 2 + (filters * 2**b,) for b in range(blocks)]

    with pytest.raises(AssertionError, match="it rounds the sizes up[\\s\\S]*drops a last odd row"):
        checks.check_block_output_shapes(rounded_up)
    with pytest.raises(AssertionError, match="never changes the number of channels"):
        checks.check_block_output_shapes(
            lambda s, f, b: [(h, w, f) for h, w, _ in _block_output_shapes_right(s, f, b)]
        )


def test_check_block_output_shapes_rejects_early_doubling_before_pooling_and_channels_first():
    with pytest.raises(AssertionError, match="one block too early"):
        checks.check_block_output_shapes(
            lambda s, f, b: [(h, w, 2 * c) for h, w, c in _block_output_shapes_right(s, f, b)]
        )
    with pytest.raises(AssertionError, match="before each block's pooling"):
        checks.check_block_output_shapes(
            lambda s, f, b: [(s // 2**i, s // 2**i, f * 2**i) for i in range(b)]
        )
    with pytest.raises(AssertionError, match="it puts the channels first"):
        checks.check_block_output_shapes(
            lambda s, f, b: [(c, h, w) for h, w, c in _block_output_shapes_right(s, f, b)]
        )


def test_check_block_output_shapes_rejects_sizes_that_are_not_ints():
    def halves(size, filters, blocks):  # true division: 28 / 2 / 2 / 2 = 3.5
        return [(size / 2 ** (b + 1), size / 2 ** (b + 1), filters * 2**b) for b in range(blocks)]

    with pytest.raises(AssertionError, match=r"\(14.0, 14.0, 64\): its sizes are floats[\s\S]*floor division"):
        checks.check_block_output_shapes(halves)

    def last_halved(size, filters, blocks):
        shapes = _block_output_shapes_right(size, filters, blocks)
        if shapes[-1][0] * 2 + 1 == size // 2 ** (blocks - 1):
            shapes[-1] = (shapes[-1][0] + 0.5, shapes[-1][1] + 0.5, shapes[-1][2])
        return shapes

    with pytest.raises(AssertionError, match=r"returned \(3.5, 3.5, 256\): 3.5 is not a whole number of pixels"):
        checks.check_block_output_shapes(last_halved)


def test_check_block_output_shapes_rejects_wrong_lengths_types_and_stubs():
    with pytest.raises(AssertionError, match="returned 1 shapes; expected one per block"):
        checks.check_block_output_shapes(lambda s, f, b: _block_output_shapes_right(s, f, b)[-1:])
    with pytest.raises(AssertionError, match="expected a list of"):
        checks.check_block_output_shapes(lambda s, f, b: 3)
    with pytest.raises(AssertionError, match=r"returned \[\(15, 14, 64\), \(8, 7, 128\), \(4, 3, 256\)\], which is not what Keras's layers give"):
        checks.check_block_output_shapes(
            lambda s, f, b: [(h + 1, w, c) for h, w, c in _block_output_shapes_right(s, f, b)]
        )
    with pytest.raises(AssertionError, match="not attempted yet"):
        checks.check_block_output_shapes(lambda s, f, b: (_ for _ in ()).throw(NotImplementedError))


def _inverted_dropout_right(x, rate, rng):
    keep = rng.random(x.shape) >= rate
    return np.where(keep, x / (1 - rate), 0.0)


def test_check_inverted_dropout_accepts_a_right_answer(capsys):
    checks.check_inverted_dropout(_inverted_dropout_right)
    checks.check_inverted_dropout(lambda x, r, g: x * (g.random(x.shape) > r) / (1 - r))
    assert capsys.readouterr().out.count("Correct") == 2


def test_check_inverted_dropout_rejects_wrong_scaling():
    with pytest.raises(AssertionError, match="survivors are unchanged|values that survive"):
        checks.check_inverted_dropout(lambda x, r, g: np.where(g.random(x.shape) >= r, x, 0.0))
    with pytest.raises(AssertionError, match="multiplied by 1 - rate"):
        checks.check_inverted_dropout(
            lambda x, r, g: np.where(g.random(x.shape) >= r, x * (1 - r), 0.0)
        )
    with pytest.raises(AssertionError, match="survivors are not x scaled so that the mean stays the same"):
        checks.check_inverted_dropout(
            lambda x, r, g: np.where(g.random(x.shape) >= r, x / (1 - r) + 1, 0.0)
        )


def test_check_inverted_dropout_rejects_wrong_share_of_zeros():
    with pytest.raises(AssertionError, match="it drops a share 1 - rate at every rate, not rate"):
        checks.check_inverted_dropout(
            lambda x, r, g: np.where(g.random(x.shape) < r, x / (1 - r), 0.0)
        )
    with pytest.raises(AssertionError, match=r"0.12[0-9] of the values are 0 for rate=0.25; the share of zeros should be about rate"):
        checks.check_inverted_dropout(
            lambda x, r, g: np.where(g.random(x.shape) >= r / 2, x / (1 - r), 0.0)
        )


def test_check_inverted_dropout_rejects_in_place_global_random_and_wrong_shape():
    def in_place(x, rate, rng):
        x *= (rng.random(x.shape) >= rate) / (1 - rate)
        return x

    with pytest.raises(AssertionError, match="changed its input x"):
        checks.check_inverted_dropout(in_place)
    with pytest.raises(AssertionError, match="same seed gave different results"):
        checks.check_inverted_dropout(
            lambda x, r, g: _inverted_dropout_right(x, r, np.random.default_rng())
        )
    with pytest.raises(AssertionError, match="has shape \\(250, 400\\)"):
        checks.check_inverted_dropout(lambda x, r, g: _inverted_dropout_right(x, r, g).T)


def _translate_right(x, dy, dx):
    out = np.zeros_like(x)
    h, w = x.shape[1:3]
    out[:, max(dy, 0) : h + min(dy, 0), max(dx, 0) : w + min(dx, 0)] = x[
        :, max(-dy, 0) : h - max(dy, 0), max(-dx, 0) : w - max(dx, 0)
    ]
    return out


def test_check_translate_accepts_a_right_answer(passes):
    passes(checks.check_translate, _translate_right)


def test_check_translate_rejects_roll_wrong_direction_and_swapped_axes():
    with pytest.raises(AssertionError, match="come back on the other[\\s\\S]*fill"):
        checks.check_translate(lambda x, dy, dx: np.roll(x, (dy, dx), axis=(1, 2)))
    with pytest.raises(AssertionError, match="moved the wrong way"):
        checks.check_translate(lambda x, dy, dx: _translate_right(x, -dy, -dx))
    with pytest.raises(AssertionError, match="dy and dx are swapped"):
        checks.check_translate(lambda x, dy, dx: _translate_right(x, dx, dy))


def test_check_translate_rejects_a_wrong_zero_shift_and_a_stub():
    with pytest.raises(AssertionError, match="differs from the right result"):
        checks.check_translate(lambda x, dy, dx: _translate_right(x, dy, dx) if dx else 0 * x)
    with pytest.raises(AssertionError, match="not attempted yet"):
        checks.check_translate(lambda x, dy, dx: (_ for _ in ()).throw(NotImplementedError))


def _batch_norm_right(x, gamma, beta, epsilon):
    mean, var = x.mean(axis=(0, 1, 2)), x.var(axis=(0, 1, 2))
    return gamma * (x - mean) / np.sqrt(var + epsilon) + beta


def _statistics(axes, ddof=0, epsilon=True, outside=False):
    """Batch normalization with its statistics (or epsilon) taken another way."""

    def batch_norm(x, gamma, beta, eps):
        mean, var = x.mean(axis=axes, keepdims=True), x.var(axis=axes, keepdims=True, ddof=ddof)
        eps = eps if epsilon else 0.0
        return gamma * (x - mean) / (np.sqrt(var) + eps if outside else np.sqrt(var + eps)) + beta

    return batch_norm


def test_check_batch_norm_accepts_the_formula_written_other_ways(capsys):
    checks.check_batch_norm(_batch_norm_right)

    def with_keepdims_and_loops(x, gamma, beta, epsilon):
        out = np.empty_like(x)
        for c in range(x.shape[-1]):
            channel = x[..., c]
            out[..., c] = gamma[c] * (channel - channel.mean()) / np.sqrt(channel.var() + epsilon) + beta[c]
        return out

    checks.check_batch_norm(with_keepdims_and_loops)
    checks.check_batch_norm(lambda x, g, b, e: (g * (x - x.mean((0, 1, 2))) / np.sqrt(x.var((0, 1, 2)) + e) + b).tolist())
    assert capsys.readouterr().out.count("Correct") == 3


@pytest.mark.parametrize("wrong, named", [
    (_statistics(None), "one mean and one variance for the whole batch"),
    (_statistics(0), "over the batch axis only"),
    (_statistics((1, 2)), "statistics of each image on its own"),
    (_statistics((0, 1, 2), ddof=1), "divides the variance by n - 1"),
    (_statistics((0, 1, 2), outside=True), "adds epsilon to the standard deviation"),
    (_statistics((0, 1, 2), epsilon=False), "leaves out epsilon"),
    (lambda x, g, b, e: _batch_norm_right(x, b, g, e), "swaps gamma and beta"),
    (lambda x, g, b, e: _batch_norm_right(x, np.ones_like(g), np.zeros_like(b), e), "leaves out gamma and beta"),
])
def test_check_batch_norm_names_the_mistake(wrong, named):
    with pytest.raises(AssertionError, match=named):
        checks.check_batch_norm(wrong)


def test_check_batch_norm_rejects_other_answers():
    with pytest.raises(AssertionError, match="differs from the right result"):
        checks.check_batch_norm(lambda x, g, b, e: _batch_norm_right(x, g, b, e) + (x > 2))
    with pytest.raises(AssertionError, match="changed its input x"):
        checks.check_batch_norm(lambda x, g, b, e: x.__isub__(x.mean((0, 1, 2))))
    with pytest.raises(AssertionError, match=r"returned shape \(2,\)"):
        checks.check_batch_norm(lambda x, g, b, e: x.mean((0, 1, 2)))
    with pytest.raises(AssertionError, match="returned None"):
        checks.check_batch_norm(lambda x, g, b, e: None)
    with pytest.raises(AssertionError, match="calls a library's batch normalization"):
        checks.check_batch_norm(lambda x, g, b, e: __import__("keras").layers.BatchNormalization()(x))
    with pytest.raises(AssertionError, match="not attempted yet"):
        checks.check_batch_norm(lambda x, g, b, e: (_ for _ in ()).throw(NotImplementedError))


def right_answers():
    """Check name -> the arguments of one right answer (tests/test_every_check.py uses them)."""
    return {
        "check_block_output_shapes": (_block_output_shapes_right,),
        "check_inverted_dropout": (_inverted_dropout_right,),
        "check_batch_norm": (_batch_norm_right,),
        "check_translate": (_translate_right,),
    }
