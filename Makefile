# The two commands: `make run` (set up and serve the demo) and `make test` (set up and test).
SHELL := /bin/bash
.DEFAULT_GOAL := help
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv

PYTHON ?= python3
UV := .tools/bin/uv
PY := .venv/bin/python
MANAGE := $(PY) manage.py
PYTEST_WORKERS ?= auto
PORT ?= 8000

.PHONY: help setup run test lint browser node wrk bench chaos clean

help:
	@echo "make run    set up (Python 3.13 env, database, demo content) and serve http://127.0.0.1:8000 (PORT=...)"
	@echo "make test   set up and run ruff, mypy and the whole test suite"
	@echo "make chaos  the whole stack (2 web, 2 workers, beat) with Redis, PostgreSQL, SMTP and a worker failing"
	@echo "make bench  load the site under gunicorn (PostgreSQL, Redis) with wrk; a 50,000-record RIS import through the import task (bench/)"

# uv itself comes from PyPI into .tools/, with the Python that .python-version selects.
$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check "uv>=0.9,<1"

.venv/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen
	touch $@

setup: .venv/.synced

# Debian's Chromium for the Playwright tests (Playwright cannot download its own browser here).
browser:
	@command -v chromium >/dev/null || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

# axe-core for the accessibility tests, from package-lock.json; again only when the lock changes.
# npm comes with the machine's Node.js; without it, Debian's packages.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq nodejs npm >/dev/null; }
	npm ci --no-audit --no-fund
	touch $@

node: node_modules/.installed
# Debian's wrk, the load generator of `make bench`.
wrk:
	@command -v wrk >/dev/null || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq wrk >/dev/null; }

run: setup
	$(MANAGE) migrate --noinput
	SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} $(MANAGE) seed_demo
	SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} $(MANAGE) runserver 127.0.0.1:$(PORT)

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy .
	.venv/bin/lint-imports
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) makemigrations --check --dry-run

test: setup browser node lint
	.venv/bin/pytest -n $(PYTEST_WORKERS)

# The fault tests alone (also part of `make test` on PostgreSQL): the whole stack with Redis,
# PostgreSQL, SMTP and a worker going away (tests/test_stack_faults.py). Needs PostgreSQL.
chaos: setup
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/imprimatur_chaos} \
		.venv/bin/pytest -m stack

# Needs PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/imprimatur_bench,
# dropped and recreated) and Redis (REDIS_URL, default redis://127.0.0.1:6379/1, flushed).
bench: setup wrk
	$(PY) bench/run.py
	$(PY) bench/reference_import.py
	$(PY) bench/reference_formatting.py

clean:
	rm -rf .venv .tools staticfiles node_modules test-artifacts
