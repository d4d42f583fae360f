# Setup and everyday tasks. `make demo` and `make test` work on a fresh
# Debian machine with python3 (3.11 or newer) and make.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO := .demo
SAMPLE_KEY := sample_data/sample-identity.txt

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "psdcli needs Python 3.11 or newer"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || \
		{ echo "python3 -m venv failed: run 'apt-get install python3-venv'"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

# Import the sample bundles into a throwaway database with the sample key,
# then show the case queue and the import history.
demo: $(STAMP)
	rm -rf $(DEMO)
	PSDCLI_DATA_DIR=$(DEMO) PSDCLI_ANALYST=demo-analyst \
		$(BIN)/psdcli import --identity $(SAMPLE_KEY) sample_data/bundles
	PSDCLI_DATA_DIR=$(DEMO) PSDCLI_ANALYST=demo-analyst $(BIN)/psdcli bundle list
	PSDCLI_DATA_DIR=$(DEMO) PSDCLI_ANALYST=demo-analyst $(BIN)/psdcli case list \
		--reason "first look at the sample data"

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python bench/import_bench.py

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache .mypy_cache .ruff_cache
