# Sigap: `make run` serves everything on http://127.0.0.1:8000, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
BOUNDARIES ?= ../shared/data/kecamatan.geojson.gz

.DEFAULT_GOAL := help
.PHONY: help run test worker install install-test setup lint format bench clean

help:
	@echo "make run     - set up (venv, install, migrate, regions, demo data) and serve on http://$(HOST):$(PORT)"
	@echo "make test    - install test requirements and run the whole suite"
	@echo "make worker  - Celery worker with beat (needs REDIS_URL)"
	@echo "make lint    - ruff check + format check"
	@echo "make bench   - performance scripts in bench/"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -q -e '.[test]'
	@touch $@

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

bench: install-test
	@for f in bench/*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* staticfiles .pytest_cache
