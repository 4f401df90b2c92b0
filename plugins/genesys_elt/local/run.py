"""``genesys-elt run`` (what ``make run`` calls): the whole pipeline on this machine, as an operator
would run it. Starts the sandbox (unless a real org is configured), an Airflow of its own with a
real scheduler, backfills the extract DAGs over the last N days, runs the warehouse DAG, stops
everything it started and writes the report."""

from __future__ import annotations

import shutil
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from ..errors import ConfigError, GenesysEltError
from ..landing.reader import read_manifest
from ..readers.report import write_report
from ..settings import data_dir_from_env, real_org_configured, warehouse_from_env
from ..streams import STREAMS, WAREHOUSE_DAG, extract_dags
from ..warehouse.postgres import fresh_postgres_database, postgres_available
from .airflow_instance import LocalAirflow
from .sandbox import SANDBOX_PII_KEY, Target, sandbox_connection, sandbox_options, start_sandbox

EXTRACT_DAGS = tuple(extract_dags())


def say(message: str) -> None:
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {message}", flush=True)


def progress_printer(landing):
    """Prints each extract run once it finishes: DAG, day, state and the records it landed
    (``landing``: the data directory or the object store the runs land on)."""
    reported: set[tuple[str, str]] = set()

    def report(runs: dict[str, list[dict]]) -> None:
        for dag_id, dag_runs in runs.items():
            for run in dag_runs:
                key = (dag_id, run["run_id"])
                if run["state"] not in ("success", "failed") or key in reported:
                    continue
                reported.add(key)
                day = date.fromisoformat(run["logical_date"][:10]) if run.get("logical_date") else None
                landed = []
                for stream in extract_dags().get(dag_id, ()):
                    manifest = read_manifest(landing, stream, STREAMS[stream].slice_days(day)[-1]) if day else None
                    if manifest:
                        landed.append(f"{stream} {manifest['records']}")
                say(f"{dag_id} {day} {run['state']}" + (f": {', '.join(landed)} records" if landed else ""))

    return report


def run_pipeline(days: int, sandbox_args: list[str], env) -> dict:
    data_dir = data_dir_from_env(env)
    data_dir.mkdir(parents=True, exist_ok=True)
    extra_env = {"GENESYS_ELT_SENSOR_POKE_SECONDS": "5"}
    if real_org_configured(env):
        if not env.get("GENESYS_ELT_PII_KEY"):
            raise ConfigError("set GENESYS_ELT_PII_KEY (at least 16 characters) before loading a real org")
        target = Target(connection=None, end_date=datetime.now(timezone.utc).date() - timedelta(days=1))
        say("target: the Genesys Cloud org in the environment")
    else:
        options, end, _ = sandbox_options(sandbox_args, days)
        process, url = start_sandbox(options, data_dir)
        target = Target(connection=sandbox_connection(url, options), sandbox=process, end_date=end)
        extra_env["GENESYS_ELT_PII_KEY"] = env.get("GENESYS_ELT_PII_KEY") or SANDBOX_PII_KEY
        say(f"target: the sandbox at {url} ({' '.join(options)}); truth in {data_dir / 'sandbox-truth.json'}")
    first = target.end_date - timedelta(days=days - 1)
    started = time.monotonic()
    try:
        home = data_dir / "airflow"
        shutil.rmtree(home, ignore_errors=True)  # each run schedules from a clean metadata database
        database_url = fresh_postgres_database("genesys_elt_run") if postgres_available() else None
        # The operator's backfill is the only source of extract runs: the daily schedule stays off.
        airflow = LocalAirflow(
            home,
            data_dir,
            connection=target.connection,
            database_url=database_url,
            extra_env=extra_env,
            parallelism=8 if database_url else 1,
            api_pool_slots=6,
            scheduled_runs=False,
        )
        say(f"airflow: metadata in {'PostgreSQL' if database_url else 'SQLite'}, home {home}")
        run_on_airflow(airflow, first, target.end_date)
    finally:
        target.stop()
    say(f"pipeline done in {time.monotonic() - started:.0f} s")
    warehouse = warehouse_from_env({**env, "GENESYS_ELT_DATA_DIR": str(data_dir)})
    report = write_report(warehouse, data_dir / "report.html")
    return {
        "data_dir": data_dir,
        "warehouse": warehouse,
        "report": report,
        "sandbox": target.is_sandbox,
        "first": first,
        "last": target.end_date,
    }


def run_on_airflow(airflow: LocalAirflow, first: date, last: date, worker_slots: int = 2) -> None:
    """Backfills the extract DAGs over ``first``..``last`` under the running scheduler, as an
    operator would, then runs the warehouse DAG; stops the services it started."""
    days = (last - first).days + 1
    try:
        airflow.setup()
        airflow.start_services(worker_slots=worker_slots)
        airflow.wait_for_dags(set(EXTRACT_DAGS) | {WAREHOUSE_DAG})
        say(f"backfill {first} .. {last} of {', '.join(EXTRACT_DAGS)}")
        for dag_id in EXTRACT_DAGS:
            airflow.check("dags", "unpause", dag_id)
            airflow.check(
                "backfill",
                "create",
                "--dag-id",
                dag_id,
                "--from-date",
                first.isoformat(),
                "--to-date",
                last.isoformat(),
                "--reprocess-behavior",
                "completed",
                "--max-active-runs",
                str(min(days, 7)),
            )
        runs = airflow.wait_for_runs(
            {d: days for d in EXTRACT_DAGS},
            lambda r: r["run_id"].startswith("backfill__"),
            timeout=days * 300,
            progress=progress_printer(warehouse_from_env(airflow.env).landing),
        )
        failed = [f"{d} {r['run_id']}" for d, rs in runs.items() for r in rs if r["state"] != "success"]
        if failed:
            raise GenesysEltError(f"extract runs failed: {', '.join(failed)}; logs under {airflow.home / 'logs'}")
        say("warehouse: dbt build through Cosmos, once every stream's asset has new slices")
        run_warehouse(airflow, airflow.home)
    finally:
        airflow.stop()


def run_warehouse(airflow: LocalAirflow, home: Path, timeout: float = 900) -> dict:
    """Unpauses and triggers the warehouse DAG. (Asset events that backfill runs emit while the
    DAG is paused do not queue a run; should a run appear anyway, it is waited for too.)"""
    airflow.check("dags", "unpause", WAREHOUSE_DAG)
    airflow.check("dags", "trigger", WAREHOUSE_DAG)
    runs = airflow.wait_for_runs({WAREHOUSE_DAG: 1}, lambda r: True, timeout=timeout)[WAREHOUSE_DAG]
    while any(r["state"] not in ("success", "failed") for r in runs):  # a second queued run, if any
        time.sleep(3)
        runs = airflow.runs(WAREHOUSE_DAG)
    for run in runs:
        say(f"{WAREHOUSE_DAG} {run['run_id']} {run['state']}")
    if any(r["state"] != "success" for r in runs):
        raise GenesysEltError(f"the warehouse run failed; logs under {home / 'logs'}")
    return runs[-1]
