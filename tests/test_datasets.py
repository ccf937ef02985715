"""course_lib.datasets: offline data in the Keras convention, split the same way everywhere."""

import numpy as np
import pytest

from course_lib import datasets


def test_digits_follow_the_keras_convention():
    (x_train, y_train), (x_test, y_test) = datasets.load_digits()
    assert x_train.shape == (1347, 8, 8, 1) and x_test.shape == (450, 8, 8, 1)
    assert x_train.dtype == np.float32 and y_train.dtype == np.int64
    assert 0.0 == min(x_train.min(), x_test.min()) and max(x_train.max(), x_test.max()) == 1.0
    assert len(y_train) + len(y_test) == 1797


def test_digits_split_is_stratified_and_reproducible():
    (_, y_train), (_, y_test) = datasets.load_digits()
    train_share = np.bincount(y_train) / len(y_train)
    test_share = np.bincount(y_test) / len(y_test)
    np.testing.assert_allclose(train_share, test_share, atol=0.01)
    (x_again, _), _ = datasets.load_digits()
    np.testing.assert_array_equal(datasets.load_digits()[0][0], x_again)


def test_digits_resize_to_mnist_shape():
    (x_train, _), (x_test, _) = datasets.load_digits(size=(28, 28))
    assert x_train.shape[1:] == (28, 28, 1) and x_test.shape[1:] == (28, 28, 1)
    assert 0.0 <= x_train.min() and x_train.max() <= 1.0


@pytest.mark.parametrize("fraction", [0, 1, 1.5, -0.1])
def test_impossible_test_fraction_is_refused(fraction):
    with pytest.raises(ValueError, match="test_fraction"):
        datasets.load_digits(test_fraction=fraction)
