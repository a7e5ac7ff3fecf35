# OVOP Portal. `make run` and `make test` are all a fresh machine needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEV ?= DJANGO_DEBUG=true
REGENCY ?= 36.04
PG_URL ?= postgres://postgres@127.0.0.1:5432/ovop

.PHONY: install run demo test test-postgres lint format messages check-deploy clean bench profile

$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed

## Prepare the demo database (migrate, load the regency, demo accounts and data) without serving.
demo: install
	$(DEV) $(BIN)/python manage.py migrate --noinput
	$(DEV) $(BIN)/python manage.py load_regions $(REGENCY)
	$(DEV) $(BIN)/python manage.py seed_demo

## Serve the portal with its demo data on http://127.0.0.1:8000 (SQLite by default).
run: demo
	$(DEV) $(BIN)/python manage.py runserver 127.0.0.1:8000

## The whole test suite (SQLite unless DATABASE_URL says otherwise).
test: install
	$(BIN)/pytest -p no:cacheprovider -n 2

## The whole test suite on the local PostgreSQL server.
test-postgres: install
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -p no:cacheprovider -n 2

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Extract and compile the translations (needs GNU gettext).
messages: install
	$(DEV) $(BIN)/python manage.py makemessages -l en --ignore=.venv --ignore=static/vendor
	$(DEV) $(BIN)/python manage.py compilemessages -l en -l id --ignore=.venv

## The production topology on this machine (as root: PostgreSQL, Redis, nginx, openssl), PASS/FAIL per
## check: nginx with TLS, two gunicorns, the worker, the scheduler, a mail catcher (deploy/README.md).
check-deploy: install
	command -v nginx >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq nginx-light)
	$(BIN)/python deploy/check_topology.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

## Load benchmark at national scale (PostgreSQL, Redis, gunicorn, wrk); prints the table for the README.
bench: install
	command -v wrk >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

## Where each page's time goes, rendered afresh (SQL / templates / other), regency and national deployments;
## e.g. make profile PROFILE_ARGS='--runs 10 --pages home,map' or PROFILE_ARGS='--cprofile map'.
profile: install
	$(BIN)/python bench/profile_pages.py $(PROFILE_ARGS)
