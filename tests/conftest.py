import sys

import pytest
from hypothesis import settings

# The same examples on every run and every machine: a red CI is then reproducible here.
settings.register_profile("course", derandomize=True, deadline=None)
settings.load_profile("course")


@pytest.fixture(autouse=True)
def _counted_models_leave_no_weights_to_draw():
    """After each test, forget the variables of models built in
    ``keras.StatelessScope(initialize_variables=False)``: left on Keras's waiting list, they were
    all drawn at once by the next test that traced a custom layer in the same worker (VGG16's 138
    million weights and more: 15-24 s, in whichever test came next)."""
    yield
    if "keras" in sys.modules:  # a test that never imported Keras has nothing waiting
        from course_lib._keras_internals import forget_deferred_variables

        forget_deferred_variables()


@pytest.fixture
def passes(capsys):
    """``passes(check, *answers)`` calls a check with right answers and asserts it printed its
    "Correct: ..." line; it returns what the check printed."""

    def run(check, *answers, **options):
        check(*answers, **options)
        printed = capsys.readouterr().out
        assert printed.startswith("Correct:"), printed
        return printed

    return run
