"""``genesys-elt run`` (what ``make run`` calls): the whole pipeline on this machine, as an operator
would run it. Starts the sandbox (unless a real org is configured), an Airflow of its own with a
real scheduler, backfills the extract DAGs over the last N days, runs the warehouse DAG, stops
everything it started, writes the report and prints a summary."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime, time as dtime, timedelta, timezone
from pathlib import Path

from .errors import ConfigError, GenesysEltError
from .landing import read_manifest
from .local_airflow import (
    EXTRACT_DAGS,
    WAREHOUSE_DAG,
    LocalAirflow,
    free_port,
    fresh_postgres_database,
    postgres_available,
)
from .settings import CONN_ENV, data_dir_from_env

SANDBOX = str(Path(sys.executable).with_name("genesys-sandbox"))
SANDBOX_PII_KEY = "sandbox-demo-pseudonymization-key"  # only ever used against the simulated org
ORG_FLAGS = ("--seed", "--customers", "--days", "--end-date", "--activity-scale")  # what shapes the org
STREAMS_OF = {
    "genesys_predictive_engagement": ("campaigns", "scorecards"),
    "genesys_conversations": ("conversations", "external_contacts"),
    "genesys_journey": ("journey_events", "journey_sessions"),
}


def say(message: str) -> None:
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {message}", flush=True)


@dataclass
class Target:
    """Where the data comes from: the sandbox (with its process) or a real org from the environment."""
    connection: dict | None
    sandbox: subprocess.Popen | None = None
    end_date: date | None = None

    @property
    def is_sandbox(self) -> bool:
        return self.sandbox is not None

    def stop(self) -> None:
        if self.sandbox is not None:
            self.sandbox.terminate()
            try:
                self.sandbox.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.sandbox.kill()


def real_org_configured(env) -> bool:
    return bool(env.get(CONN_ENV)) or all(env.get(k) for k in ("GENESYS_CLIENT_ID", "GENESYS_CLIENT_SECRET",
                                                                "GENESYS_REGION"))


def sandbox_options(args: list[str], days: int) -> tuple[list[str], date, str]:
    """The sandbox's command-line options: the operator's, plus an org long enough for the range
    (two trailing days for conversations, two for scorecards) and a clock frozen on the morning
    after the last day, so that a second run sees the same org."""
    given = dict(zip(args[::2], args[1::2])) if all(a.startswith("--") for a in args[::2]) else None
    if given is None or len(args) % 2:
        raise ConfigError(f"SANDBOX_ARGS must be '--option value' pairs, got {' '.join(args)!r}")
    end = date.fromisoformat(given["--end-date"]) if "--end-date" in given else \
        datetime.now(timezone.utc).date() - timedelta(days=1)
    options = dict(given)
    options.setdefault("--end-date", end.isoformat())
    options.setdefault("--days", str(days + 4))
    # A demo-sized org, and a limit that lets a week load in minutes (a real org's default is
    # 300 requests per minute per client).
    options.setdefault("--customers", "500")
    options.setdefault("--rate-limit-per-minute", "3000")
    options.setdefault("--now", datetime.combine(end + timedelta(days=1), dtime(6), timezone.utc).isoformat())
    return [part for pair in options.items() for part in pair], end, options["--days"]


def sandbox_connection(url: str, options: list[str]) -> dict:
    """The genesys_cloud connection for the sandbox started with ``options``: its default client,
    its rate limit, and a short wait before re-checking an archived campaign."""
    limit = int(dict(zip(options[::2], options[1::2]))["--rate-limit-per-minute"])
    return {"conn_type": "http", "host": url, "login": "sandbox", "password": "sandbox-secret",
            "extra": {"archived_retry_delay_seconds": 2, "rate_limit_per_minute": limit}}


def start_sandbox(options: list[str], data_dir: Path) -> tuple[subprocess.Popen, str]:
    org_options = [p for flag, value in zip(options[::2], options[1::2]) if flag in ORG_FLAGS for p in (flag, value)]
    truth = data_dir / "sandbox-truth.json"
    written = subprocess.run([SANDBOX, "truth", *org_options, "--out", str(truth)], capture_output=True, text=True)
    if written.returncode != 0:
        raise GenesysEltError(f"genesys-sandbox truth failed: {written.stderr.strip().splitlines()[-1:]}")
    port = free_port()
    log = open(data_dir / "sandbox.log", "w")
    process = subprocess.Popen([SANDBOX, "serve", "--port", str(port), *options], stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 120  # generating a large org takes a while
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise GenesysEltError(f"the sandbox exited ({process.returncode}); see {data_dir / 'sandbox.log'}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise GenesysEltError("the sandbox did not start listening within 120 s")


def progress_printer(data_dir: Path):
    """Prints each extract run once it finishes: DAG, day, state and the records it landed."""
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
                for stream in STREAMS_OF.get(dag_id, ()):
                    manifest = read_manifest(data_dir, stream, day - timedelta(days=2) if stream == "scorecards" else day) if day else None
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
        target = Target(connection=sandbox_connection(url, options),
                        sandbox=process, end_date=end)
        extra_env["GENESYS_ELT_PII_KEY"] = env.get("GENESYS_ELT_PII_KEY") or SANDBOX_PII_KEY
        say(f"target: the sandbox at {url} ({' '.join(options)}); truth in {data_dir / 'sandbox-truth.json'}")
    first = target.end_date - timedelta(days=days - 1)
    started = time.monotonic()
    try:
        home = data_dir / "airflow"
        shutil.rmtree(home, ignore_errors=True)  # each run schedules from a clean metadata database
        database_url = fresh_postgres_database("genesys_elt_run") if postgres_available() else None
        # The operator's backfill is the only source of extract runs: the daily schedule stays off.
        airflow = LocalAirflow(home, data_dir, connection=target.connection, database_url=database_url,
                               extra_env=extra_env, parallelism=8 if database_url else 1, api_pool_slots=6,
                               scheduled_runs=False)
        say(f"airflow: metadata in {'PostgreSQL' if database_url else 'SQLite'}, home {home}")
        run_on_airflow(airflow, first, target.end_date)
    finally:
        target.stop()
    say(f"pipeline done in {time.monotonic() - started:.0f} s")
    return {"data_dir": data_dir, "sandbox": target.is_sandbox, "first": first, "last": target.end_date}


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
            airflow.check("backfill", "create", "--dag-id", dag_id, "--from-date", first.isoformat(),
                          "--to-date", last.isoformat(), "--reprocess-behavior", "completed",
                          "--max-active-runs", str(min(days, 7)))
        runs = airflow.wait_for_runs({d: days for d in EXTRACT_DAGS}, lambda r: r["run_id"].startswith("backfill__"),
                                     timeout=days * 300, progress=progress_printer(airflow.data_dir))
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
