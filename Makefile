# Silkbridge: the one command runner. `make run` serves the demo site, `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
BIND ?= 127.0.0.1:8000
WORKERS ?= 3
export DJANGO_SETTINGS_MODULE := silkbridge.settings

.PHONY: run serve install seed test test-fast lint fmt bench messages check-messages openapi clean

$(VENV)/.installed: requirements.txt requirements-dev.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	$(PIP) install --quiet --no-deps -e .
	touch $@

install: $(VENV)/.installed

seed: install
	$(PY) -m silkbridge migrate --noinput -v0
	$(PY) -m silkbridge seed-demo --if-empty

run: seed
	$(PY) -m silkbridge collectstatic --noinput -v0
	@echo "Silkbridge is serving on http://$(BIND)/ (Ctrl-C stops it)"
	$(VENV)/bin/gunicorn silkbridge.wsgi:application --bind $(BIND) --workers $(WORKERS) --limit-request-line 8190 --access-logfile - --error-logfile -

test: install
	$(PY) -m pytest -n auto $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check silkbridge tests bench
	$(VENV)/bin/ruff format --check silkbridge tests bench
	$(VENV)/bin/mypy silkbridge

fmt: install
	$(VENV)/bin/ruff check --fix silkbridge tests bench
	$(VENV)/bin/ruff format silkbridge tests bench

bench: install
	$(PY) bench/scheduling_bench.py
	-$(PY) bench/affiliation_bench.py
	$(PY) bench/scifact_bench.py
	$(PY) bench/crosslingual_bench.py
	$(PY) bench/partners_bench.py
	$(PY) bench/search_speed_bench.py
	$(PY) bench/http_bench.py

messages: install
	cd silkbridge && ../$(PY) -m silkbridge makemessages --no-obsolete --no-location -l ar -l es -l fr -l ru -l zh_Hans
	cd silkbridge && ../$(PY) -m silkbridge compilemessages -v0

openapi: install
	$(PY) -m silkbridge openapi --write

clean:
	rm -rf $(VENV) var staticfiles test-artifacts
