"""An Airflow installation of its own, under one home directory, run as real processes: the
metadata database, the project's DAGs and pools, the ``genesys_cloud`` connection, and the API
server, DAG processor, scheduler (and triggerer and Celery worker for the production topology).
``make run``, the production-topology check and the DAG tests all drive Airflow through it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..dag_support.defaults import API_POOL, WAREHOUSE_POOL
from ..errors import GenesysEltError
from ..warehouse.docs import cosmos_docs_projects

ROOT = Path(__file__).resolve().parents[3]
AIRFLOW = str(Path(sys.executable).with_name("airflow"))
FINISHED = {"success", "failed"}


class AirflowError(GenesysEltError):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Worker:
    """A Celery worker of its own: the queues it serves and the data directory on its disk (workers
    that share no disk land on object storage, see GENESYS_ELT_LANDING_URL)."""

    name: str
    queues: str
    data_dir: Path
    slots: int = 2


@dataclass
class LocalAirflow:
    home: Path
    data_dir: Path
    connection: dict | None = None  # the genesys_cloud connection; None: the environment names the org
    database_url: str | None = None  # None: SQLite in the home (enough for `airflow dags test`)
    executor: str = "LocalExecutor"
    parallelism: int = 4
    api_pool_slots: int = 4
    scheduled_runs: bool = True  # False: only backfills, manual and asset-triggered runs
    extra_env: dict[str, str] = field(default_factory=dict)
    workers: tuple[Worker, ...] = ()  # Celery workers of their own; none: one worker on data_dir
    processes: list[subprocess.Popen] = field(default_factory=list)

    def __post_init__(self):
        self.home = Path(self.home)
        self.data_dir = Path(self.data_dir)
        self.api_port = free_port()

    @property
    def env(self) -> dict[str, str]:
        env = {
            **os.environ,
            "AIRFLOW_HOME": str(self.home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__EXECUTOR": self.executor,
            "AIRFLOW__CORE__PARALLELISM": str(self.parallelism),
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": self.database_url or f"sqlite:///{self.home / 'airflow.db'}",
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{self.api_port}/execution/",
            "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{self.api_port}",
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
            "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "1",
            "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": str(self.scheduled_runs),
            "GENESYS_ELT_DATA_DIR": str(self.data_dir),
            # Cosmos's plugin serves the warehouse DAG's docs site under Browse in the UI.
            "AIRFLOW__COSMOS__DBT_DOCS_PROJECTS": cosmos_docs_projects({"GENESYS_ELT_DATA_DIR": str(self.data_dir)}),
            # Each task process takes 1/slots of the rate budget; the pool admits that many at once.
            "GENESYS_ELT_API_POOL_SLOTS": str(self.api_pool_slots),
            **self.extra_env,
        }
        if self.connection is not None:
            env["AIRFLOW_CONN_GENESYS_CLOUD"] = json.dumps(self.connection)
        return env

    # ------------------------------------------------------------------ commands
    def airflow(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        return subprocess.run([AIRFLOW, *args], env=self.env, capture_output=True, text=True, timeout=timeout)

    def check(self, *args: str, timeout: float = 300) -> str:
        result = self.airflow(*args, timeout=timeout)
        if result.returncode != 0:
            raise AirflowError(f"airflow {' '.join(args)} failed: {(result.stderr or result.stdout)[-1500:]}")
        return result.stdout

    def setup(self) -> "LocalAirflow":
        """The metadata database and the pools the DAGs name."""
        self.home.mkdir(parents=True, exist_ok=True)
        self.check("db", "migrate", timeout=600)
        self.check("pools", "set", API_POOL, str(self.api_pool_slots), "Genesys Cloud API, per OAuth client")
        self.check("pools", "set", WAREHOUSE_POOL, "1", "DuckDB takes one writer at a time")
        return self

    # ------------------------------------------------------------------ services
    def start(self, *component: str, log_name: str | None = None, env: dict | None = None) -> None:
        log = open(self.home / f"{log_name or component[0]}.log", "w")
        self.processes.append(
            subprocess.Popen(
                [AIRFLOW, *component],
                env={**self.env, **(env or {})},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )

    def start_services(self, worker_slots: int = 2) -> None:
        self.start("api-server", "--port", str(self.api_port))
        self.start("dag-processor")
        self.start("scheduler")
        self.start("triggerer")  # the warehouse's per-model watchers defer until dbt reports them
        if self.executor == "CeleryExecutor" and not self.workers:
            self.start("celery", "worker", "--concurrency", str(worker_slots), log_name="celery-worker")
        for worker in self.workers if self.executor == "CeleryExecutor" else ():
            worker.data_dir.mkdir(parents=True, exist_ok=True)
            self.start(
                *("celery", "worker", "--concurrency", str(worker.slots), "--queues", worker.queues),
                *("--celery-hostname", f"{worker.name}@%h", "--pid", str(self.home / f"worker-{worker.name}.pid")),
                log_name=f"celery-worker-{worker.name}",
                # each worker serves its task logs on a port of its own, as on separate machines
                env={
                    "GENESYS_ELT_DATA_DIR": str(worker.data_dir),
                    "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
                },
            )

    def stop(self) -> None:
        for proc in self.processes:
            proc.terminate()
        for proc in self.processes:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.processes.clear()

    def __enter__(self) -> "LocalAirflow":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # ------------------------------------------------------------------ state
    def wait_for_dags(self, dag_ids: set[str], timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = self.airflow("dags", "list", "-o", "json", timeout=120)
            if result.returncode == 0 and dag_ids <= {d["dag_id"] for d in json_output(result.stdout)}:
                return
            time.sleep(2)
        raise AirflowError(f"the DAG processor did not list {sorted(dag_ids)} within {timeout:.0f}s")

    def runs(self, dag_id: str) -> list[dict]:
        return json_output(self.check("dags", "list-runs", dag_id, "-o", "json", timeout=120))

    def task_states(self, dag_id: str, run_id: str) -> list[dict]:
        return json_output(self.check("tasks", "states-for-dag-run", dag_id, run_id, "-o", "json", timeout=120))

    def wait_for_runs(
        self,
        expected: dict[str, int],
        run_filter: Callable[[dict], bool],
        timeout: float,
        progress: Callable[[dict[str, list[dict]]], None] | None = None,
    ) -> dict[str, list[dict]]:
        """Polls until each DAG has ``expected[dag_id]`` finished runs that pass ``run_filter``."""
        deadline = time.monotonic() + timeout
        while True:
            runs = {dag_id: [r for r in self.runs(dag_id) if run_filter(r)] for dag_id in expected}
            if progress:
                progress(runs)
            done = all(len([r for r in runs[d] if r["state"] in FINISHED]) >= n for d, n in expected.items())
            if done:
                return runs
            if time.monotonic() > deadline:
                raise AirflowError(
                    f"runs unfinished after {timeout:.0f}s: "
                    + ", ".join(f"{d}: {[r['state'] for r in rs]}" for d, rs in runs.items())
                )
            time.sleep(3)


def json_output(stdout: str) -> list:
    """The JSON list an airflow CLI command printed, after whatever warnings came first."""
    for line in reversed(stdout.strip().splitlines()):
        if line.startswith("["):
            try:
                return json.loads(line)
            except ValueError:
                continue
    return []
