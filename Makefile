# Everything runs from a project-local virtualenv that these targets create from nothing.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=

SANDBOX_ARGS ?=
SANDBOX_PORT ?= 8765
DAYS ?= 7

.PHONY: install test test-long test-prod test-faults compare-marts bench sandbox truth run report docs lint python-style clean help dbt-ls chromium
NODE_LIST := dbt_project/target/dbt_ls.json
DBT_SOURCES := $(shell find dbt_project/models dbt_project/macros dbt_project/snapshots dbt_project/tests -type f) dbt_project/dbt_project.yml

help:
	@echo "make install   create $(VENV) and install the pinned requirements"
	@echo "make test      the whole test suite (installs first)"
	@echo "make sandbox   serve the simulated Genesys Cloud org on 127.0.0.1:$(SANDBOX_PORT)"
	@echo "make truth     write the sandbox's ground truth to data/sandbox-truth.json"
	@echo "make run       the pipeline end to end: sandbox (or the org in GENESYS_*), Airflow backfill of"
	@echo "               DAYS=$(DAYS) days, warehouse, report, summary (SANDBOX_ARGS shapes the org)"
	@echo "make test-long the long variants: a scheduler's backfill, landing faults and a warehouse on a bucket"
	@echo "make test-prod the production topology natively: CeleryExecutor, Redis, PostgreSQL"
	@echo "make test-faults the long fault suite (more days, higher rates, a 14-day backfill re-run)"
	@echo "make compare-marts BASE=<rev>  marts equal revision BASE's, daily and full refresh, DuckDB and PostgreSQL"
	@echo "make report    rewrite the HTML report from the current warehouse"
	@echo "make docs      the dbt docs site as one file: data/docs/index.html (column types once built)"
	@echo "make lint      ruff (Python) and sqlfluff with the dbt templater (SQL); both also run in make test"
	@echo "make bench     the benchmarks (about 25 min): bench/results.md and bench/results.json"

$(STAMP): requirements.txt requirements-dev.txt constraints.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.9
	$(BIN)/uv pip install --python $(BIN)/python --quiet --compile-bytecode -r requirements.txt -r requirements-dev.txt -c constraints.txt -e .
	touch $(STAMP)

# The warehouse DAG renders its tasks from dbt's node list: list again whenever the project changes.
$(NODE_LIST): $(STAMP) $(DBT_SOURCES)
	$(BIN)/genesys-elt dbt-ls

install: $(STAMP) $(NODE_LIST)

dbt-ls: $(NODE_LIST)

# Each test's time goes to build/test-times.xml (JUnit), to see what keeps the suite long.
test: $(STAMP) $(NODE_LIST) chromium python-style
	$(BIN)/python -m pytest --junitxml=build/test-times.xml $(PYTEST_ARGS)

# Python style is checked, not argued: ruff's lint rules and its formatter (pyproject.toml).
python-style: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The long variants of what make test checks: a backfill under a running scheduler, the fault
# suite's landing faults and a whole warehouse on an S3 bucket. CI runs them after make test.
test-long: $(STAMP) $(NODE_LIST)
	$(BIN)/python -m pytest -m long $(PYTEST_ARGS)

test-prod: $(STAMP) $(NODE_LIST)
	$(BIN)/python -m pytest -m prod $(PYTEST_ARGS)

# The fault suite with the long profile, plus the Airflow backfill re-run; prints what was injected.
test-faults: $(STAMP) $(NODE_LIST)
	GENESYS_ELT_FAULT_PROFILE=long $(BIN)/python -m pytest -m "not prod" tests/faults $(PYTEST_ARGS)
	@cat build/faults/fault-report.md

# A change that must change no mart: this checkout's marts against revision BASE's, built from the
# same slices day by day and as a full refresh, on DuckDB and PostgreSQL.
compare-marts: $(STAMP) $(NODE_LIST)
	@test -n "$(BASE)" || { echo "make compare-marts needs BASE=<git revision>" >&2; exit 2; }
	$(BIN)/python -m pytest -m baseline --baseline-rev=$(BASE) tests/warehouse/test_same_marts_as_baseline.py $(PYTEST_ARGS)

# Measured against the limits on this machine; BENCH="identity dag_parse" runs only those.
bench: $(STAMP) $(NODE_LIST)
	$(BIN)/python -m bench $(BENCH)

sandbox: $(STAMP)
	$(BIN)/genesys-sandbox serve --port $(SANDBOX_PORT) $(SANDBOX_ARGS)

truth: $(STAMP)
	mkdir -p data
	$(BIN)/genesys-sandbox truth $(SANDBOX_ARGS) --out data/sandbox-truth.json
	@echo "wrote data/sandbox-truth.json"

run: $(STAMP) $(NODE_LIST)
	$(BIN)/genesys-elt run --days $(DAYS) --sandbox-args="$(SANDBOX_ARGS)"

report: $(STAMP)
	$(BIN)/genesys-elt report

docs: $(STAMP)
	$(BIN)/genesys-elt docs

lint: $(STAMP) python-style
	$(BIN)/genesys-elt lint

# The report test drives Debian's headless Chromium; install it when it is missing.
chromium:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  (apt-get install -y -q chromium >/dev/null 2>&1 || \
	   (apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null)) || \
	  echo "chromium could not be installed; the report's browser test will fail" >&2

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
