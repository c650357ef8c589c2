# Two commands for a newcomer: `make run` (the bot; terminal chat without DISCORD_TOKEN) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(VENV)/.installed $@

run: $(VENV)/.installed
	$(BIN)/python -m bot

# With ../shared beside the checkout (CI), every HTTP exchange of the run is also checked against the API specs.
WIRE_AUDIT := ../shared/tools/wire_audit

test: $(VENV)/.installed-test
	@if [ -d $(WIRE_AUDIT) ]; then \
		log=$$(mktemp); \
		PYTHONPATH=$(WIRE_AUDIT) WIRE_AUDIT_LOG=$$log $(BIN)/python -m pytest && \
		$(BIN)/python $(WIRE_AUDIT)/check.py $$log ../shared/data; \
	else \
		$(BIN)/python -m pytest; \
	fi

lint: $(VENV)/.installed-test
	$(BIN)/ruff check bot cogs tests benchmarks
	$(BIN)/ruff format --check bot cogs tests benchmarks
	$(BIN)/mypy bot cogs

bench: $(VENV)/.installed
	$(BIN)/python -m benchmarks
