"""A backfill operator's re-run, under a real scheduler: 14 days backfilled and built, then days 3 to
9 backfilled again with ``--reprocess-behavior completed`` and the warehouse rebuilt. Every mart
stays identical; the re-run really re-extracted those days, and only those. Long: `make test-faults`."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from genesys_elt.landing.reader import read_manifest
from genesys_elt.local.airflow_instance import LocalAirflow
from genesys_elt.local.run import EXTRACT_DAGS, run_on_airflow, run_warehouse
from genesys_elt.local.sandbox import SANDBOX_PII_KEY, sandbox_connection, sandbox_options, start_sandbox
from genesys_elt.streams import WAREHOUSE_DAG
from genesys_elt.warehouse.postgres import fresh_postgres_database
from tests.marts import assert_same_marts, duckdb_mart_rows

pytestmark = [pytest.mark.faults, pytest.mark.integration]
DAYS = 14
SANDBOX_ARGS = ["--seed", "23", "--customers", "80", "--end-date", "2026-11-20"]


def _after(moment: datetime):
    def started_after(run: dict) -> bool:
        started = run.get("start_date")
        return bool(started) and datetime.fromisoformat(started.replace("Z", "+00:00")) > moment

    return started_after


@pytest.mark.timeout(2400)
def test_rerunning_days_3_to_9_of_a_14_day_backfill_leaves_every_mart_identical(ledger, tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    options, end, _ = sandbox_options(SANDBOX_ARGS, DAYS)
    first = end - timedelta(days=DAYS - 1)
    rerun = [first + timedelta(days=n) for n in range(2, 9)]  # days 3 to 9
    sandbox, url = start_sandbox(options, data_dir)
    airflow = LocalAirflow(
        tmp_path / "airflow",
        data_dir,
        connection=sandbox_connection(url, options),
        database_url=fresh_postgres_database("genesys_elt_rerun_test"),
        parallelism=8,
        api_pool_slots=6,
        scheduled_runs=False,
        extra_env={"GENESYS_ELT_PII_KEY": SANDBOX_PII_KEY, "GENESYS_ELT_SENSOR_POKE_SECONDS": "5"},
    )
    try:
        run_on_airflow(airflow, first, end)
        clean = duckdb_mart_rows(data_dir / "warehouse.duckdb", same_warehouse=True)
        before = {
            day: read_manifest(data_dir, "journey_events", day)["run_id"]
            for day in (first + timedelta(days=n) for n in range(DAYS))
        }

        airflow.start_services()
        rerun_started = datetime.now(timezone.utc)
        for dag_id in EXTRACT_DAGS:
            airflow.check(
                "backfill",
                "create",
                "--dag-id",
                dag_id,
                "--from-date",
                rerun[0].isoformat(),
                "--to-date",
                rerun[-1].isoformat(),
                "--reprocess-behavior",
                "completed",
                "--max-active-runs",
                "7",
            )
        runs = airflow.wait_for_runs({d: len(rerun) for d in EXTRACT_DAGS}, _after(rerun_started), timeout=1500)
        assert {r["state"] for rs in runs.values() for r in rs} == {"success"}, runs
        assert all(len(rs) == len(rerun) for rs in runs.values()), runs  # days 3 to 9, nothing else
        run_warehouse(airflow, airflow.home)  # waits for every warehouse run, asset-triggered ones too
        built = [r for r in airflow.runs(WAREHOUSE_DAG) if _after(rerun_started)(r)]
        assert built and {r["state"] for r in built} == {"success"}, built
    finally:
        airflow.stop()
        sandbox.terminate()
        sandbox.wait(timeout=30)

    after = {day: read_manifest(data_dir, "journey_events", day)["run_id"] for day in before}
    assert {day for day in before if after[day] != before[day]} == set(rerun)  # re-extracted, and only those
    rows = duckdb_mart_rows(data_dir / "warehouse.duckdb", same_warehouse=True)
    ledger["backfill_rerun"] = {
        "injected": {"rerun_days_3_to_9": len(rerun)},
        "equal": rows == clean,
        "differing_tables": [t for t in clean if rows[t] != clean[t]],
    }
    assert_same_marts(rows, clean)
    assert all(clean[table] for table in ("fact_predictive_journey", "customer_timeline", "fact_conversation"))
