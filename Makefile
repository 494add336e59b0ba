# The two commands: `make run` and `make test`. Everything else here serves them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export PORT

.PHONY: run test install install-test migrate demo serve lint check-deploy clean screenshots

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

## make run: install, migrate, load the Vietnamese demo, serve on http://127.0.0.1:8000
run: demo
	$(PY) manage.py runserver $(HOST):$(PORT)

## make test: install the test needs, then the whole suite (SQLite unless DATABASE_URL is set)
test: install-test
	$(PY) manage.py makemigrations --check --dry-run --settings=mttq_portal.settings.test
	$(PY) -m ruff check .
	$(PY) -m pytest

## make screenshots: regenerate docs/screenshots/*.png (shown in the README) in Chromium
screenshots: install-test
	SCREENSHOTS=1 REQUIRE_BROWSER=1 $(PY) -m pytest -q tests/browser/test_screenshots.py

lint: install-test
	$(PY) -m ruff check .

check-deploy: install
	DEBUG=0 SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))') \
	ALLOWED_HOSTS=example.vn DJANGO_SETTINGS_MODULE=mttq_portal.settings.production \
	$(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) staticfiles .test-media .pytest_cache .ruff_cache
