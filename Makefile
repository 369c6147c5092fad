# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint schema documents migrations bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/kabinet migrate
	$(BIN)/kabinet seed --demo
	$(BIN)/kabinet serve --with-worker

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Rewrites schema.graphql from the code (the drift test compares them).
schema: $(STAMP)
	$(BIN)/kabinet schema > schema.graphql

# Rewrites documents/manifest.json (trusted documents) from documents/*.graphql.
documents: $(STAMP)
	$(BIN)/kabinet documents > documents/manifest.json

# After changing models/: writes the next migration into models/migrations/.
migrations: $(STAMP)
	$(BIN)/kabinet makemigrations

clean:
	rm -rf $(VENV) var
