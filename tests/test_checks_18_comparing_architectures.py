"""The checks of notebook 18, ``course_lib.checks.nb18_comparing_architectures``, accept right answers and
reject wrong ones."""

import numpy as np
import pytest

from course_lib import checks


_MEAN_BGR = np.array([103.939, 116.779, 123.68])


def test_check_caffe_preprocess_accepts_a_flip_and_a_subtraction(capsys):
    checks.check_caffe_preprocess(lambda x: x[..., ::-1] - _MEAN_BGR)
    checks.check_caffe_preprocess(lambda x: np.stack([x[..., 2], x[..., 1], x[..., 0]], axis=-1) - _MEAN_BGR)
    assert capsys.readouterr().out.count("Correct") == 2


def test_check_caffe_preprocess_rejects_channel_and_mean_mix_ups():
    with pytest.raises(AssertionError, match="still in RGB order"):
        checks.check_caffe_preprocess(lambda x: x - _MEAN_BGR)
    with pytest.raises(AssertionError, match="the mean is subtracted in RGB order"):
        checks.check_caffe_preprocess(lambda x: x[..., ::-1] - _MEAN_BGR[::-1])
    with pytest.raises(AssertionError, match="mean is not subtracted"):
        checks.check_caffe_preprocess(lambda x: x[..., ::-1])
    with pytest.raises(AssertionError, match="MobileNet's preprocessing"):
        checks.check_caffe_preprocess(lambda x: x / 127.5 - 1)


def test_check_caffe_preprocess_rejects_in_place_changes_none_and_wrong_shapes():
    def in_place(x):
        x -= 1
        return x

    with pytest.raises(AssertionError, match="changed the array it was given"):
        checks.check_caffe_preprocess(in_place)
    with pytest.raises(AssertionError, match="returned None"):
        checks.check_caffe_preprocess(lambda x: None)
    with pytest.raises(AssertionError, match="has shape"):
        checks.check_caffe_preprocess(lambda x: (x[..., ::-1] - _MEAN_BGR)[0])


def _unfreeze_right(base, n):
    import keras

    base.trainable = True
    for index, layer in enumerate(base.layers):
        layer.trainable = index >= len(base.layers) - n and not isinstance(layer, keras.layers.BatchNormalization)


def test_check_unfreeze_top_accepts_the_recipe(capsys):
    import keras

    def slices(base, n):
        base.trainable = True
        for layer in base.layers[: len(base.layers) - n]:
            layer.trainable = False
        for layer in base.layers:
            if isinstance(layer, keras.layers.BatchNormalization):
                layer.trainable = False

    def weighted_layers_only(base, n):  # a flag on a layer without weights changes nothing
        top = base.layers[len(base.layers) - n:]
        base.trainable = True
        for layer in base.layers:
            if layer.weights:
                layer.trainable = layer in top and not isinstance(layer, keras.layers.BatchNormalization)

    def frozen_base_at_0(base, n):  # n = 0: leaving the whole base frozen trains nothing too
        if n:
            _unfreeze_right(base, n)

    checks.check_unfreeze_top(_unfreeze_right)
    checks.check_unfreeze_top(slices)
    checks.check_unfreeze_top(weighted_layers_only)
    checks.check_unfreeze_top(frozen_base_at_0)
    assert capsys.readouterr().out.count("Correct") == 4


def _negative_slice(base, n):
    """The lesson's recipe with ``base.layers[:-n]``, which is empty at n = 0: nothing is frozen."""
    import keras

    base.trainable = True
    for layer in base.layers[:-n]:
        layer.trainable = False
    for layer in base.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.trainable = False


def _last_n_by_slice(base, n):
    """The hint's base.layers[-n:], which is every layer at n = 0."""
    import keras

    base.trainable = True
    top = base.layers[-n:]
    for layer in base.layers:
        layer.trainable = layer in top and not isinstance(layer, keras.layers.BatchNormalization)


def test_check_unfreeze_top_rejects_a_negative_slice_at_n_0():
    for wrong in (_negative_slice, _last_n_by_slice):
        with pytest.raises(AssertionError, match=r"unfreeze_top\(base, 0\) every layer[\s\S]*-0 is 0: "
                                                 r"base.layers\[-0:\] is every layer and base.layers\[:-0\] is none"):
            checks.check_unfreeze_top(wrong)


def test_check_unfreeze_top_rejects_a_frozen_base_and_trainable_batch_norm():
    def no_base_flag(base, n):
        for index, layer in enumerate(base.layers):
            layer.trainable = index >= len(base.layers) - n

    def keeps_batch_norm(base, n):
        base.trainable = True
        for layer in base.layers[:-n]:
            layer.trainable = False

    with pytest.raises(AssertionError, match="still frozen as a whole"):
        checks.check_unfreeze_top(lambda base, n: None)
    with pytest.raises(AssertionError, match="batch normalization layer .* is trainable"):
        checks.check_unfreeze_top(keeps_batch_norm)
    with pytest.raises(AssertionError, match="still frozen as a whole"):
        checks.check_unfreeze_top(no_base_flag)


def test_check_unfreeze_top_rejects_everything_trainable_and_off_by_one():
    import keras

    def everything(base, n):
        base.trainable = True

    def one_too_many(base, n):
        _unfreeze_right(base, n + 1)

    def top_left_frozen(base, n):  # freezes the others but forgets to unfreeze the top
        base.trainable = True
        for layer in base.layers:
            layer.trainable = False

    with pytest.raises(AssertionError, match="every layer of the base is trainable"):
        checks.check_unfreeze_top(everything)
    with pytest.raises(AssertionError, match="one layer off"):
        checks.check_unfreeze_top(one_too_many)
    with pytest.raises(AssertionError, match=r"layer 'conv_pw_13', which has weights and is one of the last 6 "
                                             r"layers, is frozen\.\nHint: make the base"):
        checks.check_unfreeze_top(top_left_frozen)
    with pytest.raises(AssertionError, match="not attempted yet"):
        checks.check_unfreeze_top(lambda base, n: (_ for _ in ()).throw(NotImplementedError))


def right_answers():
    """Check name -> the arguments of one right answer (tests/test_every_check.py uses them)."""
    return {
        "check_caffe_preprocess": (lambda x: x[..., ::-1] - _MEAN_BGR,),
        "check_unfreeze_top": (_unfreeze_right,),
    }
