# Everything a developer types. `make help` lists it.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install run browser migrate demo test lint format typecheck migration clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)  ## create .venv and install the bot with its dev tools

run: $(STAMP)  ## try the bot in a browser: a local sandbox with the demo network, no token
	$(PY) -m bot sandbox

browser:  ## Debian's chromium for the browser tests (apt-get, as root), unless it is there
	command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium fonts-dejavu-core fonts-liberation fonts-noto-color-emoji)

migrate: $(STAMP)  ## upgrade the database to the newest schema
	$(PY) -m bot migrate

demo: $(STAMP)  ## load the demo network (idempotent)
	$(PY) -m bot demo-data

test: $(STAMP) browser  ## lint, type-check and run all tests
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) -m mypy
	$(PY) -m pytest

lint: $(STAMP)  ## ruff, and the import contracts (pyproject.toml, [tool.importlinter])
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports

format: $(STAMP)  ## ruff format and autofix
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

typecheck: $(STAMP)  ## mypy --strict on services, models, bot and the sandbox
	$(PY) -m mypy

migration: $(STAMP)  ## new migration from model changes: make migration m="what changed"
	$(VENV)/bin/alembic -c models/alembic.ini revision --autogenerate \
		--rev-id $$(printf '%04d' $$(( $$(ls models/migrations/versions/[0-9]*.py | wc -l) + 1 ))) \
		-m "$(m)"

clean:  ## remove .venv and caches (keeps data/)
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .import_linter_cache
