import pytest
from hypothesis import settings

# The same examples on every run and every machine: a red CI is then reproducible here.
settings.register_profile("course", derandomize=True, deadline=None)
settings.load_profile("course")


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
