# Sigap: `make run` serves everything on http://127.0.0.1:8000, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# The kecamatan boundaries make run imports: BOUNDARIES=… or SIGAP_BOUNDARIES_FILE=….
BOUNDARIES ?= $(or $(SIGAP_BOUNDARIES_FILE),../shared/data/kecamatan.geojson.gz)
# Every install takes its versions from the lock (uv.lock, exported to $(LOCK): what CI
# tested); `make lock` renews both.
LOCK := constraints.txt
# The installers themselves, pinned too (what CI used): pip, and the setuptools that
# builds the project (pyproject's [build-system], used without build isolation, which
# would take the newest release allowed).
TOOLS := pip==26.3 setuptools==84.2.1
UV_VERSION := uv>=0.9,<1

.DEFAULT_GOAL := help
.PHONY: help run test worker install install-test setup lint format bench clean lock

help:
	@echo "make run     - set up (venv, install, migrate, regions, demo data) and serve on http://$(HOST):$(PORT)"
	@echo "make test    - install test requirements and run the whole suite"
	@echo "make worker  - Celery worker with beat (needs REDIS_URL)"
	@echo "make lint    - ruff check + format check"
	@echo "make bench   - every bench on a scratch database (sigap_bench_scratch, else temp SQLite): one table + bench/results/latest.json"
	@echo "               BENCHES=\"selfcheck map\" picks some; exit 1 only if a script failed to run (a missed target: MISSED, exit 0)"
	@echo "make lock    - re-resolve uv.lock from pyproject.toml and export $(LOCK) (keeps pins still allowed; UPGRADE=1 takes the newest)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: Makefile pyproject.toml uv.lock $(LOCK) | $(BIN)/python
	$(BIN)/pip install -q $(TOOLS)
	$(BIN)/pip install -q --no-build-isolation -c $(LOCK) -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(LOCK) $(VENV)/.installed
	$(BIN)/pip install -q --no-build-isolation -c $(LOCK) -e '.[test]'
	@touch $@

# One command, same result on any machine: every dependency (runtime and test extras)
# for Python 3.11+ on every platform, resolved by uv from pyproject.toml's bounds into
# uv.lock (keeping its pins unless UPGRADE=1), then exported as the pip constraints file
# $(LOCK) that every install uses.
lock: | $(BIN)/python
	$(BIN)/pip install -q "$(UV_VERSION)"
	$(BIN)/uv lock --quiet $(if $(UPGRADE),--upgrade)
	$(BIN)/uv export --frozen --no-hashes --all-extras --no-emit-project --no-header \
		--quiet -o $(LOCK)
	@sed -i '1i # Exact versions CI tested (runtime + test extras, every platform, Python 3.11+), exported\n# from uv.lock by `make lock`: the constraints make install/test/run and CI install with\n# `pip install -c $(LOCK) -e .[test]`. Do not edit by hand: run `make lock`.' $(LOCK)
	@echo "uv.lock and $(LOCK) updated; run make install-test to apply them"

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# Idempotent: safe to run on every start.
setup: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_regions
	@if [ -f "$(BOUNDARIES)" ]; then $(BIN)/python manage.py import_boundaries "$(BOUNDARIES)"; \
	else echo "No boundary file at $(BOUNDARIES): GPS lookup stays empty until you import one."; fi
	SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} $(BIN)/python manage.py seed_demo

run: setup
	@echo "Serving Sigap on http://$(HOST):$(PORT)  (API /api/v1/, docs /api/docs/, admin /admin/, dashboard /dashboard/)"
	SIGAP_EMBEDDED_SCHEDULER=$(if $(REDIS_URL),0,1) $(BIN)/python manage.py runserver $(HOST):$(PORT) --noreload

worker: install
	@if [ -z "$(REDIS_URL)" ]; then echo "make worker needs REDIS_URL (and DATABASE_URL in production)"; exit 2; fi
	$(BIN)/celery -A core worker -B --scheduler django_celery_beat.schedulers:DatabaseScheduler --loglevel INFO

test: install-test
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Chromium for the browser tests (Debian package)"; \
		apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# A missed target is reported (MISSED in the table), not an error: the exit status is
# non-zero only when a script crashed, timed out or could not start (bench/run_all.py).
bench: install-test
	$(BIN)/python bench/run_all.py $(BENCHES)

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* staticfiles .pytest_cache
