"""course_lib.images: the offline photos, scaling, grey levels and resizing."""

import cv2
import numpy as np
import pytest

from course_lib import images


@pytest.mark.parametrize("name", sorted(images.PHOTOS))
def test_every_photo_loads_offline_as_floats_in_unit_range(name):
    photo = images.load_photo(name)
    assert photo.dtype == np.float32
    assert photo.ndim in (2, 3) and (photo.ndim == 2 or photo.shape[-1] == 3)
    assert 0.0 <= photo.min() < photo.max() <= 1.0
    grey = images.load_photo(name, gray=True, size=(32, 48))
    assert grey.shape == (32, 48)


def test_to_unit_range_divides_uint8_by_255():
    values = np.array([[0, 128, 255]], dtype=np.uint8)
    np.testing.assert_allclose(images.to_unit_range(values), values / 255.0, rtol=1e-6)


@pytest.mark.parametrize(
    ("image", "error", "match"),
    [
        (np.array([0.0, 2.0]), ValueError, "must already be in \\[0, 1\\]"),
        (np.array([0, 300], dtype=np.int32), TypeError, "dtype int32"),
        (np.array(["a"]), TypeError, "image must hold numbers"),
    ],
)
def test_to_unit_range_rejects_what_it_cannot_scale(image, error, match):
    with pytest.raises(error, match=match):
        images.to_unit_range(image)


def test_to_gray_uses_the_same_weights_as_opencv():
    rgb = images.load_photo("chelsea")
    np.testing.assert_allclose(images.to_gray(rgb), cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), atol=1e-5)
    with pytest.raises(ValueError, match="RGB"):
        images.to_gray(np.zeros((4, 4, 4)))


def test_resize_keeps_channels_and_checks_its_size():
    assert images.resize(np.zeros((10, 10, 3)), (5, 4)).shape == (5, 4, 3)
    assert images.resize(np.zeros((10, 10, 1)), (20, 20)).shape == (20, 20, 1)
    with pytest.raises(ValueError, match="positive"):
        images.resize(np.zeros((10, 10)), (0, 4))
    with pytest.raises(TypeError, match="height, width"):
        images.resize(np.zeros((10, 10)), 5)
    with pytest.raises(ValueError, match="received shape"):
        images.resize(np.zeros(10), (5, 5))


def test_unknown_photo_names_the_known_ones():
    with pytest.raises(ValueError, match="name must be one of 'astronaut'.*received name='dog'"):
        images.load_photo("dog")
