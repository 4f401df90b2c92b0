"""The DAGs run for real: ``airflow dags test`` for one day of each extract DAG, and a 3-day
``airflow backfill create`` carried out by a running scheduler, against the sandbox over HTTP,
followed by the warehouse DAG (Cosmos watcher mode needs the scheduler and the triggerer: its
per-model tasks wait on the build, which ``dags test``, running one task at a time, cannot do)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from genesys_elt.landing.reader import read_manifest
from genesys_elt.local.run import run_warehouse
from genesys_elt.streams import CONVERSATIONS_DAG, STREAM_NAMES, WAREHOUSE_DAG
from genesys_elt.streams import stream as registered
from tests.conftest import start_sandbox, url_of

from .airflow_env import AirflowEnv, fresh_postgres_database, openlineage_events, openlineage_to_files

pytestmark = pytest.mark.integration
DAG_IDS = ("genesys_predictive_engagement", "genesys_conversations", "genesys_journey")


@pytest.fixture(scope="module")
def sandbox():
    server = start_sandbox(customers=200, days=7)
    yield server
    server.shutdown()


def _landed(env: AirflowEnv, stream: str, day: str) -> dict | None:
    return read_manifest(env.data_dir, stream, date.fromisoformat(day))


@pytest.mark.timeout(600)
def test_airflow_dags_test_of_each_extract_dag(sandbox, tmp_path):
    env = AirflowEnv(tmp_path, sandbox).setup()
    for dag_id in DAG_IDS:  # conversations before journey: journey's sessions wait for its contacts
        result = env.airflow("dags", "test", dag_id, "2026-11-20")
        output = result.stdout + result.stderr
        assert result.returncode == 0, output[-3000:]
        assert "state=success" in output, output[-3000:]
    # A run whose data interval starts on 2026-11-19 extracts that day (scorecards two days behind,
    # conversations with their five-day trailing window).
    for stream, day in [
        ("campaigns", "2026-11-19"),
        ("scorecards", "2026-11-17"),
        ("conversations", "2026-11-17"),
        ("conversations", "2026-11-19"),
        ("external_contacts", "2026-11-19"),
        ("journey_events", "2026-11-19"),
        ("journey_sessions", "2026-11-19"),
    ]:
        manifest = _landed(env, stream, day)
        assert manifest is not None and manifest["records"] > 0, (stream, day)
    assert list((env.data_dir / "raw" / "genesys" / "campaign_journey" / "date=2026-11-19").glob("part=*"))


@pytest.mark.long
@pytest.mark.timeout(900)
def test_backfill_of_three_days_then_the_warehouse_under_a_running_scheduler(sandbox, tmp_path):
    lineage = tmp_path / "openlineage"
    env = AirflowEnv(
        tmp_path, sandbox, fresh_postgres_database("genesys_elt_backfill_test"), extra_env=openlineage_to_files(lineage)
    ).setup()
    env.start_services()
    try:
        env.wait_for_dags(set(DAG_IDS) | {WAREHOUSE_DAG})
        for dag_id in DAG_IDS:
            # Airflow 3.3 leaves the runs of a paused DAG's backfill queued: unpause first, as the
            # README tells an operator to.
            env.check("dags", "unpause", dag_id)
            env.check("backfill", "create", "--dag-id", dag_id, "--from-date", "2026-11-18", "--to-date", "2026-11-20")
        runs = env.wait_for_runs({d: 3 for d in DAG_IDS}, lambda r: r["run_id"].startswith("backfill__"), timeout=480)
        states = [r["state"] for dag_runs in runs.values() for r in dag_runs]
        assert states == ["success"] * 9, runs
        warehouse_run = run_warehouse(env, env.home)
        assert warehouse_run["state"] == "success"
        tasks = env.task_states(WAREHOUSE_DAG, warehouse_run["run_id"])
        assert len(tasks) > 40 and {t["state"] for t in tasks} == {"success"}, tasks
    finally:
        env.stop()
    for day in ("2026-11-18", "2026-11-19", "2026-11-20"):
        for stream in (
            "campaigns",
            "scorecards",
            "conversations",
            "external_contacts",
            "journey_events",
            "journey_sessions",
        ):
            target = {"scorecards": str(date.fromisoformat(day).toordinal() - 2)}.get(stream)
            check_day = date.fromordinal(int(target)).isoformat() if target else day
            assert _landed(env, stream, check_day) is not None, (stream, check_day)
    with duckdb.connect(str(env.data_dir / "warehouse.duckdb"), read_only=True) as con:
        days = {
            str(d) for (d,) in con.execute("select distinct journey_date from marts.fact_predictive_journey").fetchall()
        }
        conversations = con.execute("select count(*) from marts.fact_conversation").fetchone()[0]
    # each run lands its day's funnels and re-lands the two days before (the figures fill in late)
    assert days == {f"2026-11-{n}" for n in range(16, 21)} and conversations > 0
    _assert_lineage(openlineage_events(lineage), env, url_of(sandbox))


def _assert_lineage(events: list[dict], env, api_origin: str) -> None:
    """The OpenLineage provider reported each extract task's run with the Genesys endpoints it read
    and the raw slices it wrote, and Cosmos's dbt build with the tables it read and wrote."""
    completed = [e for e in events if e["eventType"] == "COMPLETE"]
    by_task: dict[str, list[dict]] = {}
    for event in completed:
        by_task.setdefault(event["job"]["name"], []).append(event)
    for stream in STREAM_NAMES:
        job = f"{registered(stream).dag_id}.{stream}"
        runs = by_task.get(job, [])
        assert runs, f"no COMPLETE event for {job}: {sorted(by_task)}"
        inputs = {(d["namespace"], d["name"]) for e in runs for d in e["inputs"]}
        outputs = {(d["namespace"], d["name"]) for e in runs for d in e["outputs"]}
        assert inputs and all(namespace == api_origin and name.startswith("/api/v2/") for namespace, name in inputs), (
            job,
            inputs,
        )
        raw = env.data_dir / "raw" / "genesys" / stream
        assert outputs and all(
            namespace == "file" and Path(name).is_relative_to(raw) and Path(name).is_dir()
            for namespace, name in outputs
        ), (job, outputs)
    # The extract runs of 2026-11-19 name that day's conversations slice and its trailing days'.
    days = {
        Path(name).name
        for e in by_task[f"{CONVERSATIONS_DAG}.conversations"]
        for _, name in [(d["namespace"], d["name"]) for d in e["outputs"]]
    }
    assert {"date=2026-11-16", "date=2026-11-18", "date=2026-11-20"} <= days
    built = [e for name, runs in by_task.items() if name.startswith(f"{WAREHOUSE_DAG}.") for e in runs]
    tables_out = {d["name"].split(".", 1)[-1] for e in built for d in e["outputs"]}
    tables_in = {d["name"].split(".", 1)[-1] for e in built for d in e["inputs"]}
    assert {
        f"marts.{table}" for table in ("fact_conversation", "customer_timeline", "fact_predictive_journey")
    } <= tables_out, sorted(tables_out)
    assert "staging.stg_genesys__conversations" in tables_in, sorted(tables_in)
