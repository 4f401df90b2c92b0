"""A throwaway Airflow for the DAG tests: its own home, the project's DAGs and pools, and the
genesys_cloud connection pointing at a sandbox (the same LocalAirflow that ``make run`` drives)."""

from __future__ import annotations

import json
from pathlib import Path

from genesys_elt.local.airflow_instance import LocalAirflow
from genesys_elt.warehouse.postgres import fresh_postgres_database  # noqa: F401 (re-exported)
from tests.conftest import url_of

PII_KEY = "dag-test-pii-key-0123456789"


def AirflowEnv(home: Path, sandbox, database_url: str | None = None, extra_env: dict | None = None) -> LocalAirflow:  # noqa: N802
    connection = {
        "conn_type": "http",
        "host": url_of(sandbox),
        "login": "sandbox",
        "password": "sandbox-secret",
        "extra": {"archived_retry_delay_seconds": 1, "rate_limit_per_minute": 100000},
    }
    return LocalAirflow(
        home,
        home / "data",
        connection=connection,
        database_url=database_url,
        extra_env={"GENESYS_ELT_PII_KEY": PII_KEY, "GENESYS_ELT_SENSOR_POKE_SECONDS": "5", **(extra_env or {})},
        scheduled_runs=False,
    )  # only the runs a test creates


def openlineage_to_files(directory: Path) -> dict[str, str]:
    """The OpenLineage provider's file transport: one JSON file per event under ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    return {"AIRFLOW__OPENLINEAGE__TRANSPORT": json.dumps({"type": "file", "log_file_path": str(directory / "event")})}


def openlineage_events(directory: Path) -> list[dict]:
    return [json.loads(path.read_text()) for path in sorted(directory.glob("event*"))]
