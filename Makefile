# Two commands do all the set-up by themselves on a fresh machine:
#   make lab   - create .venv if needed, install the course, open it in JupyterLab
#   make test  - create .venv if needed, install the course, run every test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Quiet, reproducible TensorFlow for every process the tests start (kernels inherit it).
export PYTHONHASHSEED := 0
export TF_CPP_MIN_LOG_LEVEL := 3
export TF_ENABLE_ONEDNN_OPTS := 0

.PHONY: lab test install notebooks slides learners grade benchmark clean

install: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

# Jupyter refuses to run as root unless told to (containers and CI machines often are root).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

lab: $(STAMP)
	$(BIN)/jupyter lab $(ROOT_FLAG) notebooks/00_welcome.ipynb

test: $(STAMP)
	$(BIN)/python -m pytest

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
