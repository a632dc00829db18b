# Every target bootstraps .venv itself: created when missing, reinstalled when
# pyproject.toml changes.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/newsroom

# Local targets only: production reads DJANGO_SECRET_KEY from its environment.
LOCAL_ENV := DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-local-development-only-not-secret}

# Backups go outside the project; `make restore BACKUP=<archive>` puts one back.
BACKUP_DIR ?= $(HOME)/newsroom-backups

.PHONY: install run serve test test-postgres test-load lint format clean backup restore

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=1 $(PY) manage.py load_demo --users
	@echo
	@echo "Newsroom is at http://$(HOST):$(PORT)/ — staff log in at http://$(HOST):$(PORT)/admin/"
	@echo
	DJANGO_DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

# Production serving: the environment must hold DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS
# and DATABASE_URL (see README). Binds GUNICORN_BIND, 127.0.0.1:8000 by default.
serve: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(VENV)/bin/gunicorn --config newsroom/gunicorn.py newsroom.wsgi

test: $(STAMP)
	$(LOCAL_ENV) DATABASE_URL= $(PY) -m pytest $(PYTEST_ARGS)

test-postgres: $(STAMP)
	$(LOCAL_ENV) DATABASE_URL=$(POSTGRES_URL) $(PY) -m pytest $(PYTEST_ARGS)

backup: $(STAMP)
	$(PY) -m newsroom.backup backup --to $(BACKUP_DIR)

restore: $(STAMP)
	@test -n "$(BACKUP)" || { echo "Usage: make restore BACKUP=path/to/newsroom-<time>.tar.gz"; exit 2; }
	$(PY) -m newsroom.backup restore $(BACKUP)

# Load and fault tests against a live gunicorn on PostgreSQL; each makes its own database.
test-load: $(STAMP)
	$(LOCAL_ENV) DATABASE_URL=$(POSTGRES_URL) $(PY) -m pytest -m load -s -q tests/load

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles
