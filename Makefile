# Two commands on a fresh machine with only Python 3.11+: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# The test tools (pytest, Playwright, Schemathesis, ruff) come with the first `make test`: `make run` does
# not wait for them (half of pip's time on a fresh clone, docs/benchmarks.md).
DEV_STAMP := $(VENV)/.installed-dev-stamp
# The demo generator's Faker (the `demo` extra) comes with `make run` only.
DEMO_STAMP := $(VENV)/.installed-demo-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

# collectstatic runs only when a static file, a folder of them or the installed packages changed since the
# last one: STATIC_STAMP is touched as it starts (a file changed while it runs is collected next time).
VAR_DIR := $(or $(LINDUNGDESA_VAR_DIR),var)
STATIC_STAMP := $(or $(STATIC_ROOT),$(VAR_DIR)/static)/.collected
STATIC_SOURCES := $(shell find lindungdesa/static)

.PHONY: run static test test-browser fuzz-api lint format install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(STAMP)

$(DEV_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(DEV_STAMP)

$(DEMO_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[demo]'
	touch $(DEMO_STAMP)

install: $(STAMP)  # the project alone, as a server needs it

$(STATIC_STAMP): $(STAMP) $(STATIC_SOURCES)
	@mkdir -p $(dir $@)
	@touch $@.next
	$(BIN)/lindungdesa collectstatic --noinput --verbosity 0
	@mv $@.next $@

static: $(STATIC_STAMP)

run: $(DEMO_STAMP)
	@# collectstatic (when needed) beside the set-up: each keeps one core busy for a while.
	@$(MAKE) -s --no-print-directory static & static=$$!; \
	$(BIN)/lindungdesa setup --province 61 --demo; setup=$$?; \
	wait $$static && test $$setup -eq 0
	@echo "Lindung Desa berjalan di http://$(HOST):$(PORT)/  (Ctrl+C untuk berhenti)"
	@# The background worker (imports, snapshots) runs beside the web server and stops with it.
	$(BIN)/lindungdesa db_worker --queue-name '*' --no-reload --verbosity 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/lindungdesa runserver $(HOST):$(PORT) --noreload --skip-checks

test: $(DEV_STAMP)
	@# One test process per core (pytest-xdist); each has its own test database. Tests marked with one
	@# xdist_group run in one process: they share data made once (tests/shared.py). Bytecode is cached
	@# (__pycache__) even where the environment says not to (PYTHONDONTWRITEBYTECODE): otherwise each test
	@# process and each process the worker tests start compiles the project and pytest rewrites every test
	@# module again (collecting took 8.3 s of CPU per process instead of 3.3 s, docs/benchmarks.md).
	PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -n auto --dist loadgroup

test-browser: $(DEV_STAMP)
	$(BIN)/pytest -m browser -n auto  # each process its own live server and database

FUZZ_SECONDS ?= 120
fuzz-api: $(DEV_STAMP)
	bash scripts/api-fuzz.sh $(FUZZ_SECONDS)

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(DEV_STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
