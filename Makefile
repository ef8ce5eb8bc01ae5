# Pantau — one command to run, one to test. Both set everything up on a fresh Debian machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STORE := data/pantau.duckdb
SEED ?= 2024
PYTEST_ARGS ?=
# The throw-away PostgreSQL cluster of `make test-postgres` (tests/pg/cluster.py): its own folder,
# a local port, 127.0.0.1 only. PG_ENV starts it (idempotent) and exports the reader/writer URLs.
PG_DIR ?= data/pg
PG_PORT ?= 54329
PG_ENV = PG_EXPORTS="$$($(BIN)/python -m tests.pg.cluster start --dir $(PG_DIR) --port $(PG_PORT))" \
	&& eval "$$PG_EXPORTS"
PG_STOP = $(BIN)/python -m tests.pg.cluster stop --dir $(PG_DIR)
# The cluster keeps its copy of the demo store between local runs until the store file or the
# schema changes.
DEMO_KEY = $(shell (stat -c %Y-%s $(STORE) 2>/dev/null; cat data_access/schema.py \
	data_access/rollups.py data_access/migrations/versions/*.py) | sha1sum | cut -c1-12)

.PHONY: run test test-duckdb test-postgres suite-duckdb suite-postgres lint bench bench-load demo deps-browser deps-postgres \
	pg-start pg-stop clean

$(BIN)/.installed: requirements.txt pyproject.toml
	test -x $(BIN)/pip || $(PYTHON) -m venv --clear $(VENV)  # an interrupted set-up is redone
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

# The national demo store is built once and reused; `make demo` rebuilds it.
$(STORE): | $(BIN)/.installed
	$(BIN)/pantau demo --seed $(SEED) --scope national

demo: $(BIN)/.installed
	$(BIN)/pantau demo --seed $(SEED) --scope national

run: $(BIN)/.installed $(STORE)
	$(BIN)/streamlit run dashboard/app.py

# Debian's Chromium for the real-browser tests (Playwright drives it; no browser download) and
# poppler-utils, whose pdftoppm turns the PDF briefing pack into pages for its test.
deps-browser:
	@command -v chromium >/dev/null || { \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }
	@command -v pdftoppm >/dev/null || { \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq poppler-utils >/dev/null; }

# Debian's PostgreSQL server for the PostgreSQL half of the suite, when it is not installed yet.
deps-postgres:
	@ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || { \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq postgresql >/dev/null; }

pg-start: $(BIN)/.installed deps-postgres
	@$(PG_ENV) && echo "PostgreSQL on 127.0.0.1:$(PG_PORT); reader: $$PANTAU_DATABASE_URL"

pg-stop:
	$(PG_STOP)

lint: $(BIN)/.installed
	$(BIN)/ruff check .

# The whole suite on both stores at once: the embedded DuckDB file and a throw-away PostgreSQL
# cluster (the two halves run side by side on the two cores; each one's output is printed when it
# ends). `make test-duckdb` / `make test-postgres` run one half.
test: $(BIN)/.installed $(STORE) deps-browser deps-postgres
	$(BIN)/ruff check .
	$(MAKE) --no-print-directory -j2 --output-sync=target suite-duckdb suite-postgres

test-duckdb: $(BIN)/.installed $(STORE) deps-browser
	$(BIN)/ruff check .
	$(MAKE) --no-print-directory suite-duckdb

test-postgres: $(BIN)/.installed deps-postgres deps-browser
	$(MAKE) --no-print-directory suite-postgres

suite-duckdb:
	@echo "== suite on the embedded DuckDB store"
	$(BIN)/pytest -q -p no:cacheprovider $(PYTEST_ARGS)

# Schema by migration (pantau db upgrade), the national demo store copied into the cluster by
# the writer role (pantau db copy; kept in $(PG_DIR) between local runs), the tests and the
# dashboard reading as the read-only role. Tests that never open the store are left out
# (tests/conftest.py). The cluster stops whatever the outcome.
suite-postgres: $(STORE)
	@echo "== suite on PostgreSQL (throw-away cluster in $(PG_DIR), port $(PG_PORT))"
	@$(PG_ENV) && trap '$(PG_STOP)' EXIT && set -e && \
	$(BIN)/pantau db upgrade && \
	if [ ! -f "$$PANTAU_PG_HOME/demo-$(DEMO_KEY).copied" ]; then \
	  $(BIN)/pantau db copy "duckdb:///$(abspath $(STORE))" && \
	  rm -f "$$PANTAU_PG_HOME"/demo-*.copied "$$PANTAU_PG_HOME"/demo-*.built && \
	  touch "$$PANTAU_PG_HOME/demo-$(DEMO_KEY).copied"; fi && \
	$(BIN)/pytest -q -p no:cacheprovider $(PYTEST_ARGS)

bench: $(BIN)/.installed $(STORE)
	$(BIN)/python bench/build_store.py
	$(BIN)/python bench/queries.py

# Concurrent dashboard sessions against one local server, on both stores (bench/load/README.md).
bench-load: $(BIN)/.installed $(STORE) deps-postgres
	$(BIN)/python -m bench.load.run --store duckdb
	@$(PG_ENV) && trap '$(PG_STOP)' EXIT && $(BIN)/python -m bench.load.run --store postgres

clean:
	-test -x $(BIN)/python && $(PG_STOP)
	rm -rf $(VENV) data
