# `make run` and `make test` are all a newcomer needs; both set up .venv first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
# The first Python 3.12+ found: pyenv's shims (.python-version names 3.13.0), then the usual names.
PYTHON ?= $(shell for p in python3.13 python3.12 $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3) $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3) python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then echo $$p; break; fi; done)

# Tests use the local PostgreSQL and Redis unless told otherwise.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/courseapp
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
CHROMIUM ?= /usr/bin/chromium
# `make run PORT=8100` serves elsewhere; links in e-mails follow the port.
PORT ?= 8000

.PHONY: help install run worker test lint check-deploy chromium bench clean

help:
	@echo "make run     set up, migrate, load the demo course, serve on http://127.0.0.1:8000 (PORT=8100 for another)"
	@echo "make test    lint, migration and deploy checks, the whole test suite (PostgreSQL, Redis, Chromium)"
	@echo "make worker  a Celery worker (needs REDIS_URL)"
	@echo "make bench   the benchmarks in bench/"

$(VENV)/.installed: requirements.txt
	@if [ -z "$(PYTHON)" ]; then \
		echo "No Python 3.12 or newer found. Install Python 3.13 (e.g. 'pyenv install 3.13.0') or run 'make PYTHON=/path/to/python3.13 ...'." >&2; \
		exit 1; fi
	@echo "Creating $(VENV) with $(PYTHON) ($$($(PYTHON) --version))"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

install: $(VENV)/.installed

# axe-core for the accessibility scan of the browser tests (from the npm registry, pinned in package-lock.json).
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed for the accessibility tests (Debian: apt-get install npm)." >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

run: export DJANGO_DEBUG ?= true
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: install
	$(PY) manage.py migrate
	$(PY) manage.py load_demo
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

worker: export DJANGO_DEBUG ?= true
worker: install
	@test -n "$$REDIS_URL" || { echo "Set REDIS_URL (e.g. redis://127.0.0.1:6379/0): without it tasks run in-process." >&2; exit 1; }
	$(VENV)/bin/celery -A config worker --loglevel=INFO

# Debian's Chromium for the browser tests (Playwright's own browser download cannot work here).
chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
		echo "Installing Debian's chromium for the browser tests"; \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_DEBUG=true $(VENV)/bin/mypy

# The production settings must pass Django's deployment checklist.
check-deploy: install
	DJANGO_DEBUG=false DJANGO_ALLOWED_HOSTS=course.example.edu \
	DJANGO_SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
		$(PY) manage.py check --deploy --fail-level WARNING

test: export DJANGO_DEBUG = true
test: export DATABASE_URL = $(TEST_DATABASE_URL)
test: export TEST_REDIS_URL := $(TEST_REDIS_URL)
test: install node_modules/.installed chromium lint check-deploy
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_ARGS)

bench: export DJANGO_DEBUG = true
bench: export DATABASE_URL = $(TEST_DATABASE_URL)
bench: install
	@if ! command -v wrk >/dev/null; then \
		echo "Installing Debian's wrk for the HTTP benchmark"; \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk >/dev/null; \
	fi
	$(PY) -m pip install --quiet -r bench/requirements.txt
	npm ci --prefix bench --no-audit --no-fund --silent
	$(PY) bench/served.py
	$(PY) bench/pages.py
	$(PY) bench/readings.py
	$(PY) bench/gradebook.py
	$(PY) bench/reviews_submit.py
	$(PY) bench/assignment.py
	$(PY) bench/linkcheck.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache node_modules
