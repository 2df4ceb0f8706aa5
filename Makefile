# Civic Ledger — every target installs what it needs first (Python venv, npm packages).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
NPM_STAMP := node_modules/.civic-installed
PY_STAMP := $(VENV)/.civic-installed

.PHONY: setup test demo bench artifacts lint typecheck clean

setup: $(PY_STAMP) $(NPM_STAMP)

$(PY_STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check --upgrade pip
	$(VENV)/bin/pip install -q --disable-pip-version-check -e '.[dev]'
	@touch $@

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

## make test: set everything up, then run the whole suite against a real anvil and real databases.
test: setup
	$(VENV)/bin/pytest

## make demo: set everything up and serve the demo communities at http://127.0.0.1:8000
demo: setup
	$(VENV)/bin/civic-ledger demo --home .home/demo

## make bench: gas report and throughput figures (printed and written to build/bench/)
bench: setup
	$(PY) -m scripts.bench

## make artifacts: recompile the contracts into contracts/artifacts/ (committed)
artifacts: setup
	$(PY) -m ledger_service.chain.compile

lint: setup
	$(VENV)/bin/ruff check ledger_service explorer tests scripts

typecheck: setup
	$(VENV)/bin/mypy ledger_service explorer

clean:
	rm -rf $(VENV) node_modules build .home
