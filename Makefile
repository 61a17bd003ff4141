# Two commands on a fresh machine with only Python 3.11+: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-browser fuzz-api lint format install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/lindungdesa setup --province 61 --demo
	$(BIN)/lindungdesa collectstatic --noinput --verbosity 0
	@echo "Lindung Desa berjalan di http://$(HOST):$(PORT)/  (Ctrl+C untuk berhenti)"
	@# The background worker (imports, snapshots) runs beside the web server and stops with it.
	$(BIN)/lindungdesa db_worker --queue-name '*' --no-reload --verbosity 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/lindungdesa runserver $(HOST):$(PORT) --noreload --skip-checks

test: $(STAMP)
	@# One test process per core (pytest-xdist); each has its own test database.
	$(BIN)/pytest -n auto

test-browser: $(STAMP)
	$(BIN)/pytest -m browser

FUZZ_SECONDS ?= 120
fuzz-api: $(STAMP)
	bash scripts/api-fuzz.sh $(FUZZ_SECONDS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
