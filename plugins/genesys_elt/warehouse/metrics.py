"""The metrics layer: the dbt project's semantic models and metrics, queried with MetricFlow (`mf`)
against the configured warehouse target. One definition of each metric, so that two analysts
asking for the handoff rate by week get one answer."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ..settings import warehouse_from_env
from .dbt import PROJECT_DIR, WarehouseError


def _mf_executable() -> str:
    beside_python = Path(sys.executable).with_name("mf")
    found = str(beside_python) if beside_python.exists() else shutil.which("mf")
    if not found:
        raise WarehouseError("MetricFlow is not installed in this environment (pip install -r requirements.txt)")
    return found


def run_mf(*args: str, env=os.environ, capture: bool = True) -> subprocess.CompletedProcess:
    """``mf <args>`` in the dbt project, against the warehouse the settings name (DuckDB or PostgreSQL)."""
    settings = warehouse_from_env(env)
    mf_env = {**settings.dbt_env(env), "DBT_PROFILES_DIR": str(PROJECT_DIR)}
    return subprocess.run([_mf_executable(), *args], cwd=PROJECT_DIR, env=mf_env, capture_output=capture, text=True)


def query_metrics(
    metrics: list[str], group_by: list[str] = (), where: str | None = None, env=os.environ
) -> list[dict[str, str]]:
    """One ``mf query``: a row per group, each value as MetricFlow printed it."""
    with tempfile.TemporaryDirectory(prefix="genesys_mf_") as scratch:
        out = Path(scratch) / "query.csv"
        args = ["query", "--metrics", ",".join(metrics), "--csv", str(out)]
        args += ["--group-by", ",".join(group_by)] if group_by else []
        args += ["--where", where] if where else []
        done = run_mf(*args, env=env)
        if done.returncode != 0 or not out.exists():
            raise WarehouseError(f"mf query failed (exit {done.returncode}): {(done.stdout + done.stderr)[-1500:]}")
        with out.open(newline="") as rows:
            return list(csv.DictReader(rows))
