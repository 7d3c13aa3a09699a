# Two commands on a fresh clone: `make serve` and `make test`.
# Every target sets up what it needs itself (.venv from pyproject.toml,
# node_modules from package-lock.json) and redoes it when those files change.

PYTHON  ?= python3
VENV    := .venv
PY      := $(VENV)/bin/python
HOST    ?= 127.0.0.1
PORT    ?= 8000
export NO_MKDOCS_2_WARNING := 1

PY_STAMP   := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: help setup serve build test figures bench clean

help:
	@echo "make serve    set everything up, build the figures, serve at http://$(HOST):$(PORT)"
	@echo "make test     set everything up and run every test (unit, doctest, site, browser)"
	@echo "make build    strict site build into site/"
	@echo "make figures  regenerate stale figures (FIGURE=name for one, FORCE=1 to redraw)"
	@echo "make bench    time a clean build, a no-change rebuild, a page edit under serve"
	@echo "make clean    remove site/, caches, .venv and node_modules"

$(PY_STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

setup: $(PY_STAMP) $(NODE_STAMP)

figures: $(PY_STAMP)
	$(PY) scripts/figures.py $(if $(FIGURE),--only $(FIGURE)) $(if $(FORCE),--force)

build: setup
	$(VENV)/bin/mkdocs build --strict

serve: setup figures
	$(VENV)/bin/mkdocs serve --dirty --no-strict -a $(HOST):$(PORT)

test: setup
	$(PY) -m pytest

bench: setup
	PYTHONPATH=scripts $(PY) -m engine.bench

clean:
	rm -rf site .cache .pytest_cache .hypothesis $(VENV) node_modules
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
