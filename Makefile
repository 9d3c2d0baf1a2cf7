# The README's two commands: `make run` and `make test`. Each builds or refreshes .venv itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench lint check-samples clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[web,dev]'
	touch $(STAMP)

# The first run adds FICTIONAL demo emails and accounts (embedded Maildir only; `-`: skipped elsewhere).
run: $(STAMP)
	-$(BIN)/mast-intake demo --once
	$(BIN)/mast-intake run

test: $(STAMP)
	$(BIN)/ruff check mast_intake tests scripts
	$(BIN)/mypy
	$(BIN)/python -m pytest -q -rs $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python scripts/bench.py

lint: $(STAMP)
	$(BIN)/ruff check mast_intake tests scripts
	$(BIN)/mypy

check-samples: $(STAMP)
	$(BIN)/mast-intake check ../shared/samples/*.docx ../shared/samples/*.pdf

clean:
	rm -rf $(VENV) var
