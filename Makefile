# Promptly: `make run` runs the whole app on the embedded default, `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: run test lint types unit browser-deps deploy-check bench clean

# constraints.txt holds the versions the suite last passed with, so a fresh clone installs those and not
# whatever was released since (refresh it with `pip freeze --exclude-editable` after an upgrade passes).
$(INSTALLED): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(INSTALLED)

run: $(INSTALLED)
	$(BIN)/python -m promptly.runner

# Tests keep their own embedded servers (var/test) apart from the demo's, unless URLs are given. They run in
# TEST_WORKERS processes (pytest-xdist; `auto` is one per core), each on a test database and a Redis database
# of its own: docs/testing.md.
TEST_WORKERS ?= auto
test: export PROMPTLY_DATA_DIR ?= $(CURDIR)/var/test
test: $(INSTALLED) browser-deps lint types
	$(BIN)/python manage.py check --fail-level WARNING
	$(MAKE) --no-print-directory deploy-check
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup --durations=25

# Django's deployment checks with the production settings docker-compose.yml and the README describe.
deploy-check: $(INSTALLED)
	DJANGO_SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	PROMPTLY_TOKEN_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(32))')" \
	DJANGO_ALLOWED_HOSTS=inbox.example.com DJANGO_CSRF_TRUSTED_ORIGINS=https://inbox.example.com \
	DJANGO_DEBUG=false PROMPTLY_SANDBOX=false PROMPTLY_HTTPS=true \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: $(INSTALLED)
	$(BIN)/mypy .

# Playwright cannot download browsers here: the tests drive Debian's Chromium.
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "Install Debian's chromium (as root: apt-get install chromium) for the browser tests." >&2; exit 1; fi; \
	fi

bench: $(INSTALLED)
	@for script in bench/[!_]*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) var/test
