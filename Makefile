# `make demo`: install and show the demo desk.  `make test`: install and run every check.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: demo test install install-test completions bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'

demo: install
	$(BIN)/desk demo

test: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest -q

completions: install
	_DESK_COMPLETE=source_bash $(BIN)/desk > completions/desk.bash
	_DESK_COMPLETE=source_zsh $(BIN)/desk > completions/_desk
	_DESK_COMPLETE=source_fish $(BIN)/desk > completions/desk.fish

bench: install
	$(BIN)/python bench/bench.py --out bench/RESULTS.md
