from hypothesis import settings

# The same examples on every run and every machine: a red CI is then reproducible here.
settings.register_profile("course", derandomize=True, deadline=None)
settings.load_profile("course")
