# The two set-up commands of README.md: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: run test lint bench schema

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	touch $(VENV)/.runtime $@

## Install the runtime dependencies and serve on SQLite in ./data (or /data), port $PORT or 7860.
run: $(VENV)/.runtime
	$(BIN)/uvicorn router:app --host $${HOST:-0.0.0.0} --port $${PORT:-7860} --no-proxy-headers --no-server-header

## Install everything the tests need (database servers, browser) and run the whole suite.
test: $(VENV)/.dev
	scripts/install-test-deps.sh
	$(BIN)/python -m pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## Regenerate the committed Alembic-style schema scripts after adding a migration.
schema: $(VENV)/.runtime
	for dialect in sqlite postgresql mysql; do \
	  $(BIN)/python -m migrations sql --dialect $$dialect > migrations/sql/$$dialect.sql; done

## Benchmarks (bench/README.md): wrk against the real server, beside a bare Starlette ceiling.
## BASELINE=<git revision>: that revision side by side, and each case's ratio to it;
## METRICS_VARIANT=1: the current revision with METRICS=true too; BENCH_ARGS: more options.
bench: $(VENV)/.dev
	bench/run.sh $(if $(BASELINE),--baseline '$(BASELINE)') \
	  $(if $(filter-out 0 false no,$(METRICS_VARIANT)),--metrics) $(BENCH_ARGS)
