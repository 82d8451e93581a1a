# 交流吧 — the two Quickstart commands are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install --disable-pip-version-check -q -c requirements/constraints.txt
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test install install-test lint audit format lock clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python pyproject.toml requirements/constraints.txt
	$(PIP) -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PIP) -e '.[test]'
	@touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# Serves the demo city on SQLite with two background workers beside the web server: one for
# the loop (SMS, sweeps, rollups) and one for the triage queue, so retraining never delays them.
# Static files are collected and precompressed (brotli, gzip) and served from there, as in
# production; the first collect takes about half a minute.
run: install
	$(BIN)/jiaoliuba migrate --no-input
	@echo "collecting static files …"
	@$(BIN)/jiaoliuba collectstatic --no-input -v0
	@echo "loading the demo city (about a minute and a half the first time) …"
	$(BIN)/jiaoliuba load_demo
	@echo "交流吧 → http://$(HOST):$(PORT)/  (demo accounts: see README; SMS codes appear framed below)"
	@$(BIN)/jiaoliuba worker & WORKER=$$!; \
	$(BIN)/jiaoliuba worker --queues triage & TRIAGE=$$!; \
	trap 'kill $$WORKER $$TRIAGE 2>/dev/null' EXIT INT TERM; \
	WHITENOISE_USE_FINDERS=0 $(BIN)/jiaoliuba runserver $(HOST):$(PORT)

# The API fuzzing sends thousands of generated requests and runs in a process of its own.
ISOLATED := jiaoliuba/api/tests/test_fuzz.py
test: install-test
	$(BIN)/python -m pytest $(addprefix --ignore=,$(ISOLATED)) $(PYTEST_ARGS)
	$(BIN)/python -m pytest jiaoliuba/api/tests/test_fuzz.py

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/jiaoliuba makemigrations --check --dry-run

# Known vulnerabilities (PyPI's advisory data) in every pinned package. pip-audit lives in a
# venv of its own so its dependencies never enter the project's tree.
AUDIT_VENV := .venv-audit
# It reads advisories from PyPI's JSON API; where only the package index is reachable (a
# mirror) it says so in one line and skips, instead of failing every package.
AUDIT_PROBE := import urllib.request as u; u.urlopen("https://pypi.org/pypi/pip/24.0/json", timeout=20)
audit:
	@if ! $(PYTHON) -c '$(AUDIT_PROBE)' 2>/dev/null; then \
	  echo "pip-audit SKIPPED: PyPI's JSON API (the advisory data) is not reachable from here"; \
	else \
	  test -x $(AUDIT_VENV)/bin/pip-audit || { $(PYTHON) -m venv $(AUDIT_VENV) && \
	    $(AUDIT_VENV)/bin/python -m pip install --disable-pip-version-check -q pip-audit==2.10.1; } && \
	  $(AUDIT_VENV)/bin/pip-audit --strict --no-deps --disable-pip -r requirements/constraints.txt; \
	fi

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Re-pin the whole dependency tree after changing pyproject.toml.
lock: $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test,production]'
	{ echo "# Every package of the tree, pinned. Regenerate with: make lock"; \
	  $(BIN)/python -m pip freeze --exclude-editable | grep -v '^jiaoliuba' | sort -f; } > requirements/constraints.txt

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
