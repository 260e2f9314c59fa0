# Parvis — the two commands: `make demo` (run the site) and `make test` (run the tests).
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Python 3.12+ (Django 6). Override with `make PYTHON=/path/to/python3.12 ...`.
PYTHON ?= $(shell for p in python3.13 python3.12 $(HOME)/.pyenv/versions/3.1[2-9]*/bin/python python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; \
	then echo $$p; break; fi; done)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
STAMP := $(VENV)/.installed-stamp

# The embedded demo: SQLite, console e-mail, eager tasks, MFA for staff relaxed.
DEMO_ENV := DATABASE_URL= REDIS_URL= DEBUG=true PARVIS_STAFF_MFA_REQUIRED=false PARVIS_FRIENDLY_ERRORS=true
# The tests need a Redis (real cache, real Celery worker); tasks are eager unless a test starts a worker.
TEST_ENV := REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/1} CELERY_TASK_ALWAYS_EAGER=true DEBUG=true

.PHONY: help install demo test test-services worker lint format messages screenshot lighthouse bench bench-longtail bench-digest clean

help:
	@echo "make demo   – install, migrate, import Oise, load demo content, serve http://127.0.0.1:8000"
	@echo "make test   – run the whole test suite (PostgreSQL when DATABASE_URL points to one);"
	@echo "              installs and starts what it needs first (Redis, Chromium, nginx): scripts/test-services.sh"
	@echo "make worker – a Celery worker and the beat scheduler on REDIS_URL (e-mails, digests)"
	@echo "make lint   – ruff check, ruff format --check, migrations check, deploy check"
	@echo "make screenshot – phone and desktop screenshots of the key pages (demo data) in var/screenshots/"
	@echo "make lighthouse – Lighthouse (mobile) on the key demo pages: docs/lighthouse.md, fails under the thresholds"
	@echo "make bench  – load benchmark at 1% and 100% scale against the bare-Django floor (PostgreSQL, wrk)"
	@echo "make bench-longtail – thousands of visitor pages read while members write, against the floor (BENCH_ARGS=\"--scale 10\")"
	@echo "make bench-digest – the daily digest for 100,000 members with 2 Celery workers (after make bench)"

$(STAMP): pyproject.toml requirements.lock
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is required (set PYTHON=...)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# Front-end packages from the npm registry (package-lock.json), copied where Django finds static
# files; never committed (src/parvis/core/static/vendor/ is ignored).
VENDOR := src/parvis/core/static/vendor
VENDOR_STAMP := $(VENDOR)/.installed-stamp

$(VENDOR_STAMP): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "npm is required (Node.js 20): apt-get install nodejs npm"; exit 1; }
	npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error
	rm -rf $(VENDOR)/leaflet && mkdir -p $(VENDOR)/leaflet
	cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.js.map node_modules/leaflet/dist/leaflet.css node_modules/leaflet/dist/images $(VENDOR)/leaflet/
	rm -rf $(VENDOR)/htmx && mkdir -p $(VENDOR)/htmx
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	touch $(VENDOR_STAMP)

install: $(STAMP) $(VENDOR_STAMP)

demo: install
	$(DEMO_ENV) $(MANAGE) migrate --noinput
	$(DEMO_ENV) $(MANAGE) createcachetable
	$(DEMO_ENV) $(MANAGE) import_territory 60
	$(DEMO_ENV) $(MANAGE) load_demo
	$(DEMO_ENV) $(MANAGE) runserver 127.0.0.1:8000

# What the suite needs, installed and running before any test (scripts/test-services.sh): Redis,
# PostgreSQL when DATABASE_URL is local, Chromium, nginx. It stops the run when it cannot.
test-services:
	$(TEST_ENV) bash scripts/test-services.sh

# The suite runs in one process per core plus one (pytest-xdist; each test file stays in one
# process, so its module fixtures are built once): its processes also wait on PostgreSQL, Redis,
# Chromium and the servers some tests start (on two cores, three processes took 25 min of
# tests where two took 33). TEST_PROCESSES=1 runs it in this process alone.
TEST_PROCESSES ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 2) + 1 )))
test: test-services install
	$(TEST_ENV) $(BIN)/pytest $(if $(filter-out 1,$(TEST_PROCESSES)),-n $(TEST_PROCESSES) --dist loadfile) $(PYTEST_ARGS)

# The benchmark: seeds parvis_bench_* databases on $$BENCH_POSTGRES (default the local
# PostgreSQL), serves with gunicorn and drives each page with wrk. See docs/performance.md.
bench: install
	@command -v wrk >/dev/null 2>&1 || { command -v apt-get >/dev/null 2>&1 && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } || \
		{ echo "wrk is required (apt-get install wrk)"; exit 1; }
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# A département's evening: a long tail of public pages read by 8 clients while members write
# through the services, with the page cache on and off, against the floor. See docs/performance.md.
bench-longtail: install
	@command -v wrk >/dev/null 2>&1 || { command -v apt-get >/dev/null 2>&1 && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } || \
		{ echo "wrk is required (apt-get install wrk)"; exit 1; }
	$(BIN)/python bench/longtail.py $(BENCH_ARGS)

# The daily digest at full scale: a copy of parvis_bench_100 (parvis_bench_digest), 2 Celery
# workers on Redis db 12, e-mails by SMTP to a loopback sink. See docs/performance.md.
bench-digest: install
	$(BIN)/python bench/digest.py $(BENCH_ARGS)

# The queues `make worker` consumes (settings.CELERY_TASK_QUEUES): all of them by default.
WORKER_QUEUES ?= celery,email,digest
# One Celery worker with the beat scheduler embedded (outbox drain, daily digest), on the
# configured Redis. In production run the workers and one `celery beat` apart: docs/deployment.md.
worker: install
	@test -n "$$REDIS_URL" || { echo "Set REDIS_URL (e.g. redis://127.0.0.1:6379/0): the worker takes its tasks from Redis."; exit 1; }
	mkdir -p var
	CELERY_TASK_ALWAYS_EAGER=false $(BIN)/celery -A parvis worker --beat \
		--queues $(WORKER_QUEUES) --schedule var/celerybeat-schedule --loglevel INFO $(WORKER_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(DEMO_ENV) $(MANAGE) makemigrations --check --dry-run
	DEBUG=false SECRET_KEY=$$(head -c 64 /dev/urandom | base64 | tr -d '\n/+=') ALLOWED_HOSTS=parvis.example \
		REDIS_CACHE_URL=redis://127.0.0.1:6380/0 $(MANAGE) check --deploy --fail-level WARNING

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: install
	mkdir -p src/parvis/locale
	cd src/parvis && DJANGO_SETTINGS_MODULE=parvis.settings ../../$(BIN)/django-admin makemessages \
		-l fr -l en --no-obsolete --ignore 'migrations/*'
	cd src/parvis && DJANGO_SETTINGS_MODULE=parvis.settings ../../$(BIN)/django-admin compilemessages

# Screenshots of the key pages (visitor, member, moderator; 390x844 and 1366x900) from the demo
# data, with axe-core's verdict, in var/screenshots/ (git-ignored). Run `make demo` once before;
# PARVIS_DEMO_URL=http://127.0.0.1:8000 reuses a running demo instead of starting one.
screenshot: install
	$(DEMO_ENV) $(BIN)/python scripts/screenshot.py var/screenshots

# Lighthouse from npm (a devDependency) with Debian's chromium, mobile preset, on the key demo
# pages: the scores in docs/lighthouse.md; fails when one is under its threshold
# (scripts/lighthouse.py). Not part of `make test`.
LIGHTHOUSE := node_modules/.bin/lighthouse

$(LIGHTHOUSE): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $(LIGHTHOUSE)

lighthouse: install $(LIGHTHOUSE)
	@test -x /usr/bin/chromium || command -v chromium >/dev/null 2>&1 || \
		{ echo "Chromium is required (apt-get install chromium)"; exit 1; }
	$(DEMO_ENV) $(BIN)/python scripts/lighthouse.py docs/lighthouse.md

clean:
	rm -rf $(VENV) var node_modules $(VENDOR)
