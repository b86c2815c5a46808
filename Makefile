# `make demo`: install and show the demo desk.  `make test`: install and run every check.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: demo test install install-test completions catalogs bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'

demo: install
	$(BIN)/desk demo
	@echo "desk is in $(BIN)/: run $(BIN)/desk ..., or . $(BIN)/activate to put it on your PATH"

# Every check, then the suite on SQLite and again on PostgreSQL (a private
# server on loopback; skipped with the reason when none can be started).
test: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest -q
	DESK_TEST_BACKEND=postgres $(BIN)/pytest -q

completions: install
	_DESK_COMPLETE=source_bash $(BIN)/desk > completions/desk.bash
	_DESK_COMPLETE=source_zsh $(BIN)/desk > completions/_desk
	_DESK_COMPLETE=source_fish $(BIN)/desk > completions/desk.fish

# Every message people read (marked ones and the command tree's help):
# extract, merge into each catalog, compile.
catalogs: install-test
	mkdir -p build
	$(BIN)/python -m deskcli.catalogs build/deskcli.pot
	$(BIN)/pybabel update --ignore-obsolete -i build/deskcli.pot -d src/deskcli/locale -D deskcli
	$(BIN)/pybabel compile -d src/deskcli/locale -D deskcli

bench: install
	$(BIN)/python bench/bench.py --out bench/RESULTS.md
