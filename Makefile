# Two commands take a newcomer from clone to running: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
PIP     = $(VENV)/bin/pip
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test setup install messages lint format check clean bench fuzz
# A half-made database (a failed migrate or load) is removed, so the next run starts clean.
.DELETE_ON_ERROR:

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

messages: install
	@if command -v msgfmt >/dev/null 2>&1; then $(PY) manage.py compilemessages --ignore=$(VENV) -v0; \
	else echo "msgfmt not found: using the committed .mo catalogues"; fi

# The embedded database is made once, with the 2020 demo data and the local admin;
# later runs only apply new migrations and keep what you edited. Delete
# var/db.sqlite3 to start over.
var/db.sqlite3:
	mkdir -p var
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py load_cogwg_2020
	$(PY) manage.py create_local_admin

setup: install messages var/db.sqlite3
	$(PY) manage.py migrate --noinput -v0

run: setup
	@echo "Serving on http://$(HOST):$(PORT)/ (admin: http://$(HOST):$(PORT)/en/admin/)"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install messages
	$(VENV)/bin/pytest

# Load and query benchmark on PostgreSQL, Redis and wrk (bench/run.py, docs/performance.md).
bench: install
	$(PY) bench/run.py

# The API fuzzed from its own OpenAPI schema (tests/api/test_fuzz.py). Each run explores
# new inputs from a new seed, which it prints: `make fuzz FUZZ_SEED=N` runs the same
# inputs again. CI runs a fixed seed, so that a commit's result is the same on every run.
FUZZ_EXAMPLES ?= 100
ifndef FUZZ_SEED
FUZZ_SEED := $(shell od -An -N4 -tu4 /dev/urandom | tr -d ' ')
endif
fuzz: install messages
	@echo "fuzzing with $(FUZZ_EXAMPLES) examples per operation, seed $(FUZZ_SEED) (make fuzz FUZZ_SEED=$(FUZZ_SEED) repeats it)"
	COGWG_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(VENV)/bin/pytest tests/api/test_fuzz.py -q -p no:cacheprovider \
		--hypothesis-seed=$(FUZZ_SEED)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
