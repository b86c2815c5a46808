# `make demo`: install and show the demo desk.  `make test`: install and run every check.
# `make report-screenshot`: the demo desk's HTML report and a screenshot of it in build/.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: demo test install install-test completions catalogs bench report-screenshot

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

install: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[live]'

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,live]'

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
	$(BIN)/pybabel update --ignore-obsolete --no-fuzzy-matching --width 100 -i build/deskcli.pot -d src/deskcli/locale -D deskcli
	$(BIN)/pybabel compile -d src/deskcli/locale -D deskcli

bench: install
	$(BIN)/python bench/bench.py --out bench/RESULTS.md

# The demo desk in a throwaway file, its report as a page (build/report.html)
# and what a browser shows of it (build/report.png, Debian's chromium).
CHROMIUM ?= chromium
report-screenshot: install
	mkdir -p build
	@work=$$(mktemp -d) && trap 'rm -rf "$$work"' EXIT && \
	DESK_DB="$$work/demo.db" $(BIN)/desk demo >/dev/null && \
	DESK_DB="$$work/demo.db" $(BIN)/desk report --html build/report.html && \
	$(CHROMIUM) --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$$work/chromium" --window-size=1200,2000 \
		--screenshot="$(CURDIR)/build/report.png" "file://$(CURDIR)/build/report.html" 2>/dev/null
	@echo "build/report.html and build/report.png"
