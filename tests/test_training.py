"""The COURSE_PROFILE switch picks the data and the strategy; nothing is trained here."""

import pytest

from course_lib import datasets, training
from course_lib.session import import_tensorflow

tf = import_tensorflow()


@pytest.mark.parametrize(
    ("profile", "task", "expected"),
    [
        ("fast", "digits", "digits"),
        ("fast", "photos", "photos"),
        ("full", "digits", "mnist"),
        ("full", "fashion", "fashion_mnist"),
        ("full", "photos", "cifar10"),
    ],
)
def test_the_profile_selects_the_data(monkeypatch, profile, task, expected):
    monkeypatch.setenv("COURSE_PROFILE", profile)
    loaded = []
    monkeypatch.setattr(datasets, "load", lambda name, **kwargs: loaded.append(name) or "data")
    assert training.current_profile() == profile
    assert training.load_task(task) == "data" and loaded == [expected]


def test_default_is_fast_and_unknown_profiles_are_refused(monkeypatch):
    monkeypatch.delenv("COURSE_PROFILE", raising=False)
    assert training.current_profile() == "fast" and training.epochs(2, 20) == 2
    monkeypatch.setenv("COURSE_PROFILE", "FULL")
    assert training.epochs(2, 20) == 20
    monkeypatch.setenv("COURSE_PROFILE", "turbo")
    with pytest.raises(ValueError, match="COURSE_PROFILE='turbo' is not a profile; expected one of fast, full"):
        training.current_profile()
    with pytest.raises(ValueError, match="unknown task 'cats'"):
        training.dataset_name("cats", "fast")


def test_several_gpus_get_a_mirrored_strategy(monkeypatch):
    class FakeMirrored:
        pass

    monkeypatch.setattr(tf.distribute, "MirroredStrategy", FakeMirrored)
    monkeypatch.setattr(tf.config, "list_physical_devices", lambda kind=None: ["GPU:0", "GPU:1"])
    assert isinstance(training.distribution_strategy(), FakeMirrored)
    monkeypatch.setattr(tf.config, "list_physical_devices", lambda kind=None: ["GPU:0"])
    assert training.distribution_strategy() is tf.distribute.get_strategy()
    monkeypatch.setattr(tf.config, "list_physical_devices", lambda kind=None: [])
    assert not isinstance(training.distribution_strategy(), FakeMirrored)
