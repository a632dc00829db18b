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

# Backups go outside the project, one folder each; `make restore BACKUP=<folder>` puts one back.
BACKUP_DIR ?= $(HOME)/newsroom-backups

.PHONY: install run serve test test-postgres test-load test-e2e e2e-system-packages lint format clean backup restore bench mutation

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
	BACKUP_DIR="$(BACKUP_DIR)" $(PY) -m newsroom.backup backup

restore: $(STAMP)
	@test -n "$(BACKUP)" || { echo "Usage: make restore BACKUP=path/to/newsroom-<time>"; exit 2; }
	$(PY) -m newsroom.backup restore "$(BACKUP)"

# Load and fault tests against a live gunicorn on PostgreSQL; each makes its own database.
test-load: $(STAMP)
	$(LOCAL_ENV) DATABASE_URL=$(POSTGRES_URL) $(PY) -m pytest -m load -s -q tests/load

# Browser tests: Debian's Chromium (Playwright's own browser download is not used),
# Java for the Nu HTML Checker, and axe-core and vnu-jar from npm (tests/e2e/package.json).
E2E := tests/e2e
# The live test server speaks plain HTTP on localhost: no HTTPS redirect, HSTS or secure-only cookies.
E2E_ENV := DJANGO_SECURE_SSL_REDIRECT=0 DJANGO_HSTS_SECONDS=0 DJANGO_SECURE_COOKIES=0
# npm rewrites this file on every install: older than the lock file means stale.
E2E_NODE_MODULES := $(E2E)/node_modules/.package-lock.json

test-e2e: $(STAMP) $(E2E_NODE_MODULES) e2e-system-packages
	$(LOCAL_ENV) $(E2E_ENV) DATABASE_URL= $(PY) -m pytest $(E2E) -m e2e $(PYTEST_ARGS)

e2e-system-packages:
	@command -v chromium >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)
	@command -v java >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y default-jre-headless)

# No install scripts: vnu-jar's would download a Java runtime; the machine's is used.
$(E2E_NODE_MODULES): $(E2E)/package.json $(E2E)/package-lock.json
	npm ci --prefix $(E2E) --ignore-scripts --no-audit --no-fund
	touch $(E2E_NODE_MODULES)

# Mutation testing of the services and selectors (not run by CI): see tests/mutation.py and
# [tool.mutmut] in pyproject.toml. `make mutation` starts afresh; `make mutation MUTANTS="..."`
# (names or globs, such as bias.services.x_rating_publish*) retests only those mutants of the
# last run, say after new tests, and keeps its other results.
MUTATION_CHILDREN ?= 2
mutation: $(STAMP)
	test -n "$(MUTANTS)" || rm -rf mutants
	$(LOCAL_ENV) DATABASE_URL= $(PY) -m tests.mutation --max-children $(MUTATION_CHILDREN) $(MUTANTS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run

# The load benchmark: `make bench BENCH_ARGS="--articles 200 --duration 3"`; see bench/run.py.
bench: $(STAMP)
	command -v wrk >/dev/null || (apt-get update && apt-get install -y wrk)
	$(PY) -m bench.run $(BENCH_ARGS)

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles mutants $(E2E)/node_modules $(E2E)/artifacts
