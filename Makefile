# Silkbridge: the one command runner. `make run` serves the demo site, `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
BIND ?= 127.0.0.1:8000
WORKERS ?= 3
export DJANGO_SETTINGS_MODULE := silkbridge.settings

.PHONY: run serve install seed test test-all lint fmt bench messages check-messages openapi lock clean

# Every dependency, transitive ones included, at the version and hash requirements.lock pins.
$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --require-hashes -r requirements.lock
	$(PIP) install --quiet --no-deps -e .
	touch $@

install: $(VENV)/.installed

seed: install
	$(PY) -m silkbridge migrate --noinput -v0
	$(PY) -m silkbridge seed-demo --if-empty

run: seed
	$(PY) -m silkbridge collectstatic --noinput -v0
	@echo "Silkbridge is serving on http://$(BIND)/ (Ctrl-C stops it)"
	SILKBRIDGE_SITE_URL=$${SILKBRIDGE_SITE_URL:-http://$(BIND)} $(VENV)/bin/gunicorn silkbridge.wsgi:application --config gunicorn.conf.py --bind $(BIND) --workers $(WORKERS) --limit-request-line 8190 --access-logfile - --error-logfile -

# The test suite without the slow model and browser tests (those: make test-all; CI runs both).
test: install
	$(PY) -m pytest -n auto -m "not slow" $(PYTEST_ARGS)

test-all: install
	$(PY) -m pytest -n auto $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check silkbridge tests bench
	$(VENV)/bin/ruff format --check silkbridge tests bench
	$(VENV)/bin/mypy silkbridge
	$(VENV)/bin/lint-imports

fmt: install
	$(VENV)/bin/ruff check --fix silkbridge tests bench
	$(VENV)/bin/ruff format silkbridge tests bench

bench: install
	$(PY) bench/scheduling_bench.py
	$(PY) bench/events_bench.py
	$(PY) bench/checkin_bench.py
	-$(PY) bench/affiliation_bench.py
	$(PY) bench/scifact_bench.py
	$(PY) bench/crosslingual_bench.py
	$(PY) bench/partners_bench.py
	$(PY) bench/search_speed_bench.py
	$(PY) bench/floor_bench.py
	$(PY) bench/cold_start_bench.py
	$(PY) bench/freshness_bench.py --demo
	$(PY) bench/freshness_bench.py
	$(PY) bench/growth_bench.py
	$(PY) bench/http_bench.py
	$(PY) bench/throttle_bench.py
	$(PY) bench/marketplace_bench.py

messages: install
	cd silkbridge && ../$(PY) -m silkbridge makemessages --no-obsolete --no-location -l ar -l es -l fr -l ru -l zh_Hans
	cd silkbridge && ../$(PY) -m silkbridge compilemessages -v0

# Rewrite requirements.lock from pyproject.toml's pins (after changing a dependency there).
lock: install
	$(VENV)/bin/uv pip compile --quiet --generate-hashes --extra dev --python-version 3.11 \
		--python-platform x86_64-manylinux_2_28 pyproject.toml -o requirements.lock

openapi: install
	$(PY) -m silkbridge openapi --write

clean:
	rm -rf $(VENV) var staticfiles test-artifacts
