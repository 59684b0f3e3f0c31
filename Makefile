# Dossier: `make run` serves the archive, `make test` runs every test. Both set up what they need.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT

.PHONY: run test setup lint bench bench-smoke eval browser-deps server-deps clean

$(VENV)/.runtime: requirements.txt
	@command -v $(PYTHON) >/dev/null || { echo "Dossier needs Python 3.11 ($(PYTHON) not found); set PYTHON=/path/to/python3.11"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# Database, seed collection, static files and search index; safe to repeat, loads nothing twice.
setup: $(VENV)/.runtime
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	$(PY) manage.py load_seed_collection
	$(PY) manage.py sync_index
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py ensure_admin

# Plain HTTP on loopback: the production-only HTTPS settings are off unless you set DJANGO_SECURE=1.
run: setup
	DJANGO_SECURE=$${DJANGO_SECURE:-0} $(VENV)/bin/gunicorn -c gunicorn.conf.py

# Browser tests: Debian's Chromium, and axe-core (npm, pinned by tests/browser/package-lock.json).
AXE := tests/browser/node_modules/axe-core/axe.min.js

browser-deps: $(AXE)
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Browser tests need Chromium at /usr/bin/chromium: run 'sudo apt-get install chromium'"; exit 1; \
	  fi; }

$(AXE): tests/browser/package.json tests/browser/package-lock.json
	@command -v npm >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's npm for the accessibility tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; \
	  else \
	    echo "The accessibility tests need npm to install axe-core: run 'sudo apt-get install npm'"; exit 1; \
	  fi; }
	npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
	touch $@

# The whole suite on the embedded install (SQLite), then everything that touches the database
# or search again on a real PostgreSQL server the tests start themselves (tests/pg.py: initdb
# and pg_ctl in a temporary directory, apt-installed when missing and root), once per engine
# in PG_SEARCH_BACKENDS. Ingest parsing and the browser's rendering do not depend on the
# database; the tests that start PostgreSQL servers of their own ran in the first run already.
PG_SEARCH_BACKENDS ?= postgres
PG_TESTS ?= tests --ignore=tests/browser --ignore=tests/ingest --ignore=tests/bench \
  --ignore=tests/test_replica.py --ignore=tests/test_move_archive.py --ignore=tests/test_backup_postgres.py \
  --ignore=tests/test_two_servers.py
# Servers the tests start on loopback (PostgreSQL for the second run, the replica, move and
# two-server tests; Redis for the shared cache), installed once here rather than by two test
# processes racing for apt's lock.
server-deps:
	@ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 && command -v redis-server >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's postgresql-15 and redis-server for the database tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      postgresql-15 postgresql-contrib redis-server >/dev/null; \
	  else \
	    echo "The database tests need PostgreSQL 15 and Redis: run 'sudo apt-get install postgresql-15 redis-server'"; exit 1; \
	  fi; }

test: $(VENV)/.dev browser-deps server-deps
	$(PY) -m pytest
	DOSSIER_TEST_DATABASE=postgres DOSSIER_TEST_SEARCH_BACKENDS=$(PG_SEARCH_BACKENDS) $(PY) -m pytest $(PG_TESTS)

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) var test-artifacts

# Benchmarks (issue 5): archives are built once and cached under var/bench/; wrk is Debian's.
$(VENV)/.bench: $(VENV)/.dev
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	  else echo "The HTTP benchmark needs wrk: run 'sudo apt-get install wrk'"; fi; }
	touch $@

# The full run: 10k and 100k archives (the first 100k build takes hours), table + var/bench/results.json.
bench: $(VENV)/.bench
	$(PY) manage.py bench $(BENCH_ARGS)

# The small version CI runs: 10k archive, one query per class, short loads; prints its figures.
bench-smoke: $(VENV)/.bench
	$(PY) manage.py bench --smoke $(BENCH_ARGS)

# Ingest quality on ../shared/data/rawtext-dev (issue 11): table + var/bench/ingest-eval.json; never gates CI.
# EVAL_ARGS="--failures 20 --kind text" lists why development pages fail.
eval: $(VENV)/.dev
	$(PY) manage.py eval_ingest $(EVAL_ARGS)
