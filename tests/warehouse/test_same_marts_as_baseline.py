"""A change to the dbt project that must change no mart (a refactor of how it decides what to
rebuild): the marts this checkout builds equal, by content hash, those another revision builds from
the same landed slices, day by day and as a full refresh, on DuckDB and on PostgreSQL.

`make compare-marts BASE=<rev>` runs it; the revision is checked out in a git worktree and its own
warehouse code (plugins and dbt project) builds, in a process of its own, from the slices this
checkout's extraction landed."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from genesys_elt.warehouse import dbt as warehouse
from genesys_elt.warehouse.postgres import SERVER as POSTGRES
from genesys_elt.warehouse.postgres import drop_postgres_database, fresh_postgres_database
from tests.conftest import SandboxSession, start_sandbox, url_of
from tests.daily import extract_day, run_at
from tests.extract.conftest import PII_KEY, make_extractor
from tests.marts import assert_same_marts, duckdb_mart_rows, postgres_env, postgres_mart_rows

pytestmark = [pytest.mark.baseline, pytest.mark.integration, pytest.mark.timeout(5400)]
ROOT = Path(__file__).resolve().parents[2]
DAYS = 8
CUSTOMERS = 200
BUILD_IN_BASELINE = "import sys; from genesys_elt.warehouse import dbt; dbt.build(full_refresh=sys.argv[1] == 'full')"


@pytest.fixture(scope="module")
def baseline(request, tmp_path_factory) -> Path:
    """The baseline revision's checkout (a detached git worktree), removed afterwards."""
    revision = request.config.getoption("--baseline-rev")
    if not revision:
        raise pytest.UsageError("name the revision to compare with: make compare-marts BASE=<rev>")
    checkout = tmp_path_factory.mktemp("baseline") / "checkout"
    subprocess.run(["git", "worktree", "add", "--detach", str(checkout), revision], cwd=ROOT, check=True)
    yield checkout
    subprocess.run(["git", "worktree", "remove", "--force", str(checkout)], cwd=ROOT, check=True)


def build_with(checkout: Path | None, env: dict[str, str], full_refresh: bool = False) -> None:
    """A warehouse build by this checkout's code (None) or by a baseline checkout's, from its own tree."""
    if checkout is None:
        warehouse.build(full_refresh=full_refresh, env=env)
        return
    tree = {"PYTHONPATH": os.pathsep.join(str(checkout / d) for d in ("plugins", "include"))}
    done = subprocess.run(
        [sys.executable, "-c", BUILD_IN_BASELINE, "full" if full_refresh else "daily"],
        env={**env, **tree},
        cwd=checkout,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    # the baseline's own dbt project built it, not this checkout's
    assert (checkout / "dbt_project" / "target" / "run_results.json").exists()


def test_marts_equal_the_baseline_revisions_daily_and_as_a_full_refresh(baseline, tmp_path):
    sandbox = start_sandbox(customers=CUSTOMERS, days=DAYS, job_latency_seconds=0.05)
    control = SandboxSession(url_of(sandbox))
    config = sandbox.api.org.config
    days = [config.first_day + timedelta(days=n) for n in range(config.days)]
    landing = tmp_path / "landing"
    common = {
        **os.environ,
        "GENESYS_ELT_DATA_DIR": str(landing),
        "GENESYS_ELT_PII_KEY": PII_KEY,
        "GENESYS_ELT_DBT_TARGET": "duckdb",
    }
    builds = {
        (name, engine): (
            checkout,
            {**common, "GENESYS_ELT_WAREHOUSE": str(tmp_path / f"{name}.duckdb")}
            if engine == "duckdb"
            else {**common, **postgres_env(f"genesys_elt_compare_{name}")},
        )
        for name, checkout in (("now", None), ("baseline", baseline))
        for engine in ("duckdb", "postgres")
    }
    for name, engine in builds:
        if engine == "postgres":
            fresh_postgres_database(f"genesys_elt_compare_{name}", byte_order=True)
    try:
        extractor = make_extractor(sandbox, landing)
        for day in days:  # each day lands, then every warehouse builds it, as the daily DAGs do
            control.control(now=run_at(day).isoformat())
            extract_day(extractor, day, days[0])
            for checkout, env in builds.values():
                build_with(checkout, env)

        def marts(name: str, engine: str) -> dict[str, list[str]]:
            if engine == "duckdb":
                return duckdb_mart_rows(tmp_path / f"{name}.duckdb")
            return postgres_mart_rows(**{**POSTGRES, "dbname": f"genesys_elt_compare_{name}"})

        for engine in ("duckdb", "postgres"):
            daily = marts("now", engine)
            assert all(daily[t] for t in ("fact_conversation", "customer_timeline", "fact_predictive_journey"))
            assert_same_marts(daily, marts("baseline", engine))
        for checkout, env in builds.values():
            build_with(checkout, env, full_refresh=True)
        for engine in ("duckdb", "postgres"):
            assert_same_marts(marts("now", engine), marts("baseline", engine))
    finally:
        sandbox.shutdown()
        for name, engine in builds:
            if engine == "postgres":
                drop_postgres_database(f"genesys_elt_compare_{name}")
