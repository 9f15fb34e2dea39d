# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
SRC := ikz states models flows deployments
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1

.PHONY: run test test-fast lint typecheck install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)
	@# Byte-compile our own code: some environments set PYTHONDONTWRITEBYTECODE, and the
	@# CLI should not recompile every module on each start.
	@$(PY) -m compileall -q $(SRC) >/dev/null

# The main job: the local stack (Prefect server + UI, served deployments, mail sink,
# demo portfolio on first start). Ctrl-C stops it. PORT=4300 make run for another port.
PORT ?= 4200
run: install
	$(VENV)/bin/ikz up --port $(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install
	$(VENV)/bin/mypy

test: lint typecheck
	$(VENV)/bin/pytest --durations=20

test-fast: install
	$(VENV)/bin/pytest -m "not slow"

clean:
	rm -rf $(VENV) .ikz .pytest_cache .mypy_cache .ruff_cache
