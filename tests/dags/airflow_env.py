"""A throwaway Airflow installation for tests: its own home and SQLite database, the project's
DAGs, the API pool, and the genesys_cloud connection pointing at a sandbox."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import url_of

ROOT = Path(__file__).resolve().parents[2]
AIRFLOW = str(Path(sys.executable).with_name("airflow"))
PII_KEY = "dag-test-pii-key-0123456789"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}


def fresh_postgres_database(name: str) -> str:
    """A new, empty database on the machine's PostgreSQL: the scheduler, the API server and the DAG
    processor write concurrently, which SQLite cannot take."""
    import psycopg2

    conn = psycopg2.connect(dbname="postgres", **PG)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    return f"postgresql+psycopg2://{PG['user']}@{PG['host']}:{PG['port']}/{name}"


class AirflowEnv:
    def __init__(self, home: Path, sandbox, database_url: str | None = None):
        self.home = home
        self.data_dir = home / "data"
        self.api_port = free_port()
        conn = {"conn_type": "http", "host": url_of(sandbox), "login": "sandbox", "password": "sandbox-secret",
                "extra": {"archived_retry_delay_seconds": 1, "rate_limit_per_minute": 100000}}
        self.env = {
            **os.environ,
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": database_url or f"sqlite:///{home / 'airflow.db'}",
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{self.api_port}/execution/",
            "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{self.api_port}",
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
            "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "1",
            "AIRFLOW__CORE__PARALLELISM": "4",
            "AIRFLOW_CONN_GENESYS_CLOUD": json.dumps(conn),
            "GENESYS_ELT_PII_KEY": PII_KEY,
            "GENESYS_ELT_DATA_DIR": str(self.data_dir),
            "GENESYS_ELT_SENSOR_POKE_SECONDS": "5",
        }
        self.processes: list[subprocess.Popen] = []

    def airflow(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        return subprocess.run([AIRFLOW, *args], env=self.env, capture_output=True, text=True, timeout=timeout)

    def setup(self) -> "AirflowEnv":
        for args in (("db", "migrate"), ("pools", "set", "genesys_api", "4", "Genesys Cloud API, per OAuth client")):
            result = self.airflow(*args)
            assert result.returncode == 0, result.stderr[-2000:]
        return self

    def start(self, *component: str) -> None:
        log = open(self.home / f"{component[0]}.log", "w")
        self.processes.append(subprocess.Popen([AIRFLOW, *component], env=self.env, stdout=log, stderr=subprocess.STDOUT))

    def start_services(self) -> None:
        self.start("api-server", "--port", str(self.api_port))
        self.start("dag-processor")
        self.start("scheduler")

    def wait_for_dags(self, dag_ids: set[str], timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = self.airflow("dags", "list", "-o", "json", timeout=60)
            if result.returncode == 0:
                listed = {d["dag_id"] for d in _json_output(result.stdout)}
                if dag_ids <= listed:
                    return
            time.sleep(2)
        raise TimeoutError(f"DAGs not parsed within {timeout}s")

    def runs(self, dag_id: str) -> list[dict]:
        result = self.airflow("dags", "list-runs", dag_id, "-o", "json", timeout=60)
        assert result.returncode == 0, result.stderr[-2000:]
        return _json_output(result.stdout)

    def stop(self) -> None:
        for proc in self.processes:
            proc.terminate()
        for proc in self.processes:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def _json_output(stdout: str) -> list:
    """The JSON list an airflow CLI command printed, after whatever warnings it printed first."""
    for line in reversed(stdout.strip().splitlines()):
        if line.startswith("["):
            try:
                return json.loads(line)
            except ValueError:
                continue
    return []
