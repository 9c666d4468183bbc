# Everything a developer types. `make help` lists it.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install lock run browser migrate demo test lint format typecheck migration clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# The exact versions of requirements-dev.lock (what the tests passed with), then the project
# itself, editable, without resolving anything again.
$(STAMP): pyproject.toml requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.lock
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

install: $(STAMP)  ## create .venv and install the bot with its dev tools (from the lock files)

LOCK = $(PY) -m uv pip compile pyproject.toml --python-version 3.11 --universal \
	--custom-compile-command "make lock" --quiet $(args)

lock: $(STAMP)  ## renew requirements*.lock from pyproject.toml (args=--upgrade: newest versions)
	$(LOCK) -o requirements.lock
	$(LOCK) --extra dev --constraint requirements.lock -o requirements-dev.lock
	$(PY) -m pip install --quiet -r requirements-dev.lock
	@touch $(STAMP)

run: $(STAMP)  ## try the bot in a browser: a local sandbox with the demo network, no token
	$(PY) -m bot sandbox

# Debian's chromium for tests/sandbox/test_browser.py. Installing needs apt-get and root;
# elsewhere one line says so and the browser tests are skipped (each says why).
CHROMIUM_PACKAGES = chromium fonts-dejavu-core fonts-liberation fonts-noto-color-emoji

browser:  ## Debian's chromium for the browser tests (apt-get, as root), unless it is there
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		apt-get update && apt-get install -y $(CHROMIUM_PACKAGES); \
	else \
		echo "make browser: chromium is missing and installing it needs apt-get as root" \
			"(apt-get install $(CHROMIUM_PACKAGES)); the browser tests will be skipped."; \
	fi

migrate: $(STAMP)  ## upgrade the database to the newest schema
	$(PY) -m bot migrate

demo: $(STAMP)  ## load the demo network (idempotent)
	$(PY) -m bot demo-data

test: $(STAMP) browser  ## lint, type-check and run all tests
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) -m mypy
	$(PY) -m pytest -rs

lint: $(STAMP)  ## ruff, and the import contracts (pyproject.toml, [tool.importlinter])
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports

format: $(STAMP)  ## ruff format and autofix
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

typecheck: $(STAMP)  ## mypy --strict on every package
	$(PY) -m mypy

migration: $(STAMP)  ## new migration from model changes: make migration m="what changed"
	DATABASE_URL="$$($(PY) -c 'from bot.settings import load_settings; print(load_settings().database_url)')" \
	$(VENV)/bin/alembic -c models/alembic.ini revision --autogenerate \
		--rev-id $$(printf '%04d' $$(( $$(ls models/migrations/versions/[0-9]*.py | wc -l) + 1 ))) \
		-m "$(m)"

clean:  ## remove .venv and caches (keeps data/)
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .import_linter_cache
