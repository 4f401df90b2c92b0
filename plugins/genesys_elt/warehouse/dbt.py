"""The dbt project that turns raw slices into the warehouse: where it lives, and how to run it
outside Airflow (the CLI, tests, ``make run``). Inside Airflow, Cosmos runs the same project."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from ..errors import GenesysEltError
from ..landing.layout import dbt_vars
from ..settings import WarehouseSettings, warehouse_from_env

PROJECT_DIR = Path(__file__).resolve().parents[3] / "dbt_project"
MART_TABLES = (
    "fact_predictive_journey",
    "dim_predictive_campaign",
    "fact_scorecard_performance",
    "fact_scorecard_score_distribution",
    "dim_customer",
    "fact_conversation",
    "customer_timeline",
    "customer_last_context",
    "identity_conflicts",
    "customer_key_history",
    "load_audit",
    "rejected_records",
    "fact_conversation_context",
    "fact_funnel_step_conversion",
    "dim_queue",
    "dim_agent",
    "dim_wrap_up_code",
    "dim_division",
)
# The warehouse DAG renders one task per dbt node from this list (`dbt ls` as JSON lines, Cosmos's
# LoadMode.DBT_LS_FILE), written ahead of parsing by `make install` or the image's init job: a small
# file read with plain I/O keeps DAG parsing free of dbt processes and of the larger manifest.
NODE_LIST = PROJECT_DIR / "target" / "dbt_ls.json"
# The metrics layer's nodes: MetricFlow reads them, Cosmos has no task for them.
NOT_RENDERED = {"metric", "semantic_model", "saved_query"}
NODE_LIST_KEYS = (
    "name",
    "unique_id",
    "resource_type",
    "depends_on",
    "original_file_path",
    "tags",
    "config",
    "freshness",
    "fqn",
)  # what Cosmos reads from each node


class WarehouseError(GenesysEltError):
    pass


def run_dbt(*args: str, env=os.environ) -> str:
    """Runs one dbt command against the project in a child process, so that DuckDB's file lock is
    released when it returns; returns what it printed, or raises with dbt's own account of what failed."""
    settings = warehouse_from_env(env)
    settings.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    command = [
        _dbt_executable(),
        *args,
        "--vars",
        json.dumps(dbt_vars()),
        "--project-dir",
        str(PROJECT_DIR),
        "--profiles-dir",
        str(PROJECT_DIR),
    ]
    done = subprocess.run(command, env=settings.dbt_env(env), cwd=PROJECT_DIR, capture_output=True, text=True)
    if done.returncode != 0:
        raise WarehouseError(f"dbt {' '.join(args)} failed (exit {done.returncode}):\n{_failures(done.stdout)}")
    return done.stdout


def write_node_list(env=os.environ) -> Path:
    """Writes ``NODE_LIST`` whole (a reader never sees half a file) and returns its path."""
    listing = run_dbt("ls", "--quiet", "--output", "json", "--output-keys", *NODE_LIST_KEYS, env=env)
    nodes = [
        node
        for line in listing.splitlines()
        if line.startswith("{")
        if (node := json.loads(line))["resource_type"] not in NOT_RENDERED
    ]
    if not any(node["resource_type"] == "model" for node in nodes):
        raise WarehouseError(f"dbt ls listed no model:\n{listing[-2000:]}")
    NODE_LIST.parent.mkdir(parents=True, exist_ok=True)
    partial = NODE_LIST.with_name(NODE_LIST.name + ".partial")
    partial.write_text("".join(json.dumps(node, sort_keys=True) + "\n" for node in nodes), encoding="utf-8")
    partial.replace(NODE_LIST)
    return NODE_LIST


def _dbt_executable() -> str:
    beside_python = Path(sys.executable).with_name("dbt")  # the same environment as this process
    found = str(beside_python) if beside_python.exists() else shutil.which("dbt")
    if not found:
        raise WarehouseError("dbt is not installed in this environment (pip install -r requirements.txt)")
    return found


def mirror_landing(env=os.environ):
    """A landing area on an object store is copied into the data directory first (only the slices
    whose manifest changed): dbt and the raw sync then read local files, as on one machine."""
    settings = warehouse_from_env(env)
    if not settings.mirrors_landing:
        return None
    from ..landing.mirror import mirror

    return mirror(settings.landing, settings.data_dir)


def load_raw(env=os.environ):
    """On a server warehouse, mirrors the landed slices into its genesys_raw tables first; DuckDB
    reads the files in place and needs nothing."""
    settings = warehouse_from_env(env)
    if settings.target != "postgres":
        return None
    import psycopg2

    from . import raw_sync

    try:
        conn = psycopg2.connect(**settings.postgres)
    except psycopg2.OperationalError as exc:
        raise WarehouseError(f"cannot reach the PostgreSQL warehouse: {str(exc).strip().splitlines()[0]}") from None
    try:
        return raw_sync.sync(settings.data_dir, conn)
    except raw_sync.RawSyncError as exc:
        raise WarehouseError(str(exc)) from None
    finally:
        conn.close()


# dbt's unit tests check the models' logic on fixed inputs, not the data: the test suite runs them
# (`run_unit_tests`), and the daily build, which runs the data tests, leaves them out.
SCHEDULED_BUILD_EXCLUDE = ("resource_type:unit_test",)


def build(full_refresh: bool = False, env=os.environ) -> WarehouseSettings:
    """Models, snapshots and every data test, in dependency order; returns where it built."""
    mirror_landing(env)
    load_raw(env)
    run_dbt("build", *(["--full-refresh"] if full_refresh else []), "--exclude", *SCHEDULED_BUILD_EXCLUDE, env=env)
    return warehouse_from_env(env)


def run_unit_tests(env=os.environ) -> str:
    """Every dbt unit test, against a warehouse already built (they read its models' columns)."""
    return run_dbt("test", "--select", "test_type:unit", env=env)


def _failures(log: str) -> str:
    """The lines of dbt's log that name a failure, or its tail when none does."""
    lines = log.splitlines()
    flagged = [line for line in lines if any(word in line for word in ("ERROR", "FAIL", "Error", "Failure"))]
    return "\n".join(flagged[-20:] or lines[-20:])
