# Shram Portal. `make run` serves the portal with demo data; `make test` runs the suite.
# Both set everything up first on a fresh machine (see README.md).

PYTHON_SYS ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Runs a command with DATABASE_URL / REDIS_URL pointing at the services found
# (or at an embedded PostgreSQL when none answers).
WITH_SERVICES := $(PY) scripts/devenv.py exec --
MANAGE := $(WITH_SERVICES) $(PY) manage.py

.PHONY: setup prepare run test test-slow lint demo-code migrate seed web worker beat bench bench-smoke e2e

setup: $(VENV)/.installed node_modules/.installed var/.system-packages

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON_SYS) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

var/.system-packages: scripts/system-packages.sh
	sh scripts/system-packages.sh
	mkdir -p var && touch $@

# Everything the portal needs before it can serve: translations, static files, schema.
prepare: setup
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0
	$(PY) manage.py collectstatic --noinput -v 0
	$(MANAGE) migrate --noinput -v 0
	$(MANAGE) createcachetable

run: prepare
	$(MANAGE) seed_demo
	$(MANAGE) seed_registration
	$(MANAGE) seed_welfare
	$(MANAGE) seed_compliance
	$(PY) scripts/devenv.py serve

test: setup
	$(VENV)/bin/ruff check .
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0
	# On both cores, one test database per worker; tests that commit come second (they
	# empty the tables when they end), reusing the databases the first run made.
	$(WITH_SERVICES) $(VENV)/bin/pytest -m "not slow and not transactional" -n 2 --dist loadfile --create-db --reuse-db
	$(WITH_SERVICES) $(VENV)/bin/pytest -m "not slow and transactional" -n 2 --dist loadfile --reuse-db

test-slow: setup
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0
	$(WITH_SERVICES) $(VENV)/bin/pytest -m slow

lint: setup
	$(VENV)/bin/ruff check .

migrate: setup
	$(MANAGE) migrate

seed: prepare
	$(MANAGE) seed_demo
	$(MANAGE) seed_registration
	$(MANAGE) seed_welfare
	$(MANAGE) seed_compliance

# Current second-factor code of a demo staff account: make demo-code USER=stateadmin
demo-code:
	@$(MANAGE) demo_code $(USER)

# The production processes (docker-compose.yml runs these same commands).
web:
	$(WITH_SERVICES) $(VENV)/bin/gunicorn labourportal.wsgi:application --bind 0.0.0.0:8000 --workers 2 --worker-class sync

worker:
	$(WITH_SERVICES) $(PY) -m celery -A labourportal worker --loglevel=INFO

beat:
	$(WITH_SERVICES) $(PY) -m celery -A labourportal beat --loglevel=INFO --schedule var/celerybeat-schedule

# Browser journeys only (English desktop; Hindi and 360 px ones are also marked slow).
e2e: setup
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0
	$(WITH_SERVICES) $(VENV)/bin/pytest -m e2e

# Benchmarks (bench/results.md): SCALE=smoke|small|state; a database of their own.
SCALE ?= small
bench: setup
	SCALE=$(SCALE) PORTAL_DB_NAME=bench_labourportal $(WITH_SERVICES) $(PY) bench/run.py

bench-smoke: setup
	SCALE=smoke PORTAL_DB_NAME=bench_labourportal_smoke $(WITH_SERVICES) $(PY) bench/run.py
