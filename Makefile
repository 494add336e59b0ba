# The two commands: `make run` and `make test`. Everything else here serves them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export PORT


.PHONY: run dev bench bench-data test install install-test migrate demo serve lint check-deploy clean screenshots

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements.txt requirements-test.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements-test.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

# How `make run` serves: gunicorn (gunicorn.conf.py) with the production settings, as deployed and
# as bench/pages.py measures, but over plain HTTP on this machine and with uploads served by Django.
LOCAL_PROD_ENV = DJANGO_SETTINGS_MODULE=mttq_portal.settings.production DEBUG=0 \
	SECRET_KEY=$$(cat var/secret_key) ALLOWED_HOSTS=$${ALLOWED_HOSTS:-.localhost,127.0.0.1,localhost} \
	SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 SECURE_HSTS_SECONDS=0 SERVE_MEDIA=1

var/secret_key:
	mkdir -p var && $(PY) -c 'import secrets; print(secrets.token_urlsafe(64))' > $@ && chmod 600 $@

## make run: install, migrate, load the Vietnamese demo, serve on http://127.0.0.1:8000 (gunicorn)
run: demo var/secret_key
	$(LOCAL_PROD_ENV) $(PY) manage.py collectstatic --noinput -v0
	HOST=$(HOST) PORT=$(PORT) $(LOCAL_PROD_ENV) $(VENV)/bin/gunicorn -c gunicorn.conf.py mttq_portal.wsgi

## make dev: the same content with Django's auto-reloading development server (DEBUG on)
dev: demo
	$(PY) manage.py runserver $(HOST):$(PORT)

## make test: install the test needs, then the whole suite (SQLite unless DATABASE_URL is set)
test: install-test
	$(PY) manage.py makemigrations --check --dry-run --settings=mttq_portal.settings.test
	$(PY) -m ruff check .
	$(PY) -m pytest

## make screenshots: regenerate docs/screenshots/*.png (shown in the README) in Chromium
screenshots: install-test
	SCREENSHOTS=1 REQUIRE_BROWSER=1 $(PY) -m pytest -q tests/browser/test_screenshots.py

BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/mttq_bench
## make bench-data: the benchmark databases (PostgreSQL): 3,321 communes / 1,000,000 articles, and 20 / 1,000
bench-data: install
	$(PY) bench/scale_data.py --database-url $(BENCH_DATABASE_URL) --communes 3321 --articles 1000000
	$(PY) bench/scale_data.py --database-url $(BENCH_DATABASE_URL)_1k --communes 20 --articles 1000

## make bench: gunicorn + wrk over the public pages (bench/README.md); BENCH_ARGS="--quick" for a short run
bench: install
	sh bench/install-wrk.sh
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/pages.py --servers 2 --compare-small $(BENCH_ARGS)

lint: install-test
	$(PY) -m ruff check .

check-deploy: install
	DEBUG=0 SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))') \
	ALLOWED_HOSTS=example.vn DJANGO_SETTINGS_MODULE=mttq_portal.settings.production \
	$(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var staticfiles .test-media .pytest_cache .ruff_cache
