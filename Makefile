# Pantau — one command to run, one to test. Both set everything up on a fresh Debian machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STORE := data/pantau.duckdb
SEED ?= 2024
PYTEST_ARGS ?=

.PHONY: run test lint bench demo deps-browser clean

$(BIN)/.installed: requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
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

# Debian's Chromium for the real-browser tests (Playwright drives it; no browser download).
deps-browser:
	@command -v chromium >/dev/null || { \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

lint: $(BIN)/.installed
	$(BIN)/ruff check .

test: $(BIN)/.installed $(STORE) deps-browser
	$(BIN)/ruff check .
	$(BIN)/pytest -q $(PYTEST_ARGS)

bench: $(BIN)/.installed $(STORE)
	$(BIN)/python bench/build_store.py
	$(BIN)/python bench/queries.py

clean:
	rm -rf $(VENV) data
