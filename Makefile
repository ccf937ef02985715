# Two commands do all the set-up by themselves on a fresh machine (course.py does the work, and
# runs on Windows and macOS without make: python course.py lab / python course.py test):
#   make lab   - create .venv if needed, install the course, open it in JupyterLab
#   make test  - create .venv if needed, install the course, run every test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Quiet, reproducible TensorFlow for every process the other targets start (kernels inherit it);
# the same settings as course_lib.session.QUIET_ENVIRONMENT, which course.py reads.
export PYTHONHASHSEED := 0
export TF_CPP_MIN_LOG_LEVEL := 3
export TF_ENABLE_ONEDNN_OPTS := 0

.PHONY: lab test install notebooks slides learners grade benchmark clean

install: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) course.py install

lab:
	$(PYTHON) course.py lab

test:
	$(PYTHON) course.py test

# Re-execute every notebook in place (stored outputs are what nbval compares against).
notebooks: $(STAMP)
	$(BIN)/python tools/execute_notebooks.py notebooks/*.ipynb

# Static reveal.js slides of every notebook into slides/ (generated, not committed). They load
# reveal.js and MathJax from slides/assets/, so they work offline: open slides/NN_name.slides.html.
slides: $(STAMP)
	$(BIN)/python tools/build_slides.py

# The learners' edition: solutions replaced by placeholders, into exercises/ (generated, not committed).
learners: $(STAMP)
	$(BIN)/python -m course_lib.exercises notebooks exercises

# Grade hand-ins: make grade SUBMISSIONS=path/to/folder [OUT=grades]
SUBMISSIONS ?= submissions
OUT ?= grades
grade: $(STAMP)
	$(BIN)/python -m course_lib.grading $(SUBMISSIONS) --out $(OUT)

benchmark: $(STAMP)
	$(BIN)/python benchmarks/conv.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .hypothesis slides
