"""DAG parse time per file, beyond importing Airflow. Each file is parsed in a fresh interpreter that
has already imported Airflow and its DagBag, so what is timed is the file's own cost: its imports
(genesys_elt, Cosmos) and building its DAG, as the dag-processor pays it for a new file.

A deployed dag-processor reads imported modules from their cached bytecode, so the probe lets Python
write it (``PYTHONDONTWRITEBYTECODE`` unset) and an untimed first parse fills the cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile

from .common import ROOT

TARGET_SECONDS = 0.3
REPEATS = 3
PROBE = """
import json, sys, time
from airflow.dag_processing.dagbag import DagBag
started = time.perf_counter()
bag = DagBag(dag_folder=sys.argv[1])
elapsed = time.perf_counter() - started
print(json.dumps({"seconds": elapsed, "dags": sorted(bag.dags), "errors": {k: str(v)[:300] for k, v in bag.import_errors.items()}}))
"""


def parse_once(path) -> dict:
    env = {
        **os.environ,
        "AIRFLOW_HOME": os.environ.get("AIRFLOW_HOME") or tempfile.mkdtemp(prefix="bench_airflow_"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(path)], env=env, capture_output=True, text=True, cwd=ROOT, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"parsing {path.name} failed: {done.stderr[-2000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if result["errors"] or not result["dags"]:
        raise RuntimeError(f"{path.name} did not parse cleanly: {result['errors']}")
    return result


def run() -> dict:
    files = {}
    for path in sorted((ROOT / "dags").glob("*.py")):
        parse_once(path)  # warm-up: writes the bytecode cache a running dag-processor would have
        times = [parse_once(path)["seconds"] for _ in range(REPEATS)]
        files[path.name] = {"best_seconds": min(times), "runs": times}  # the least disturbed of the runs
    worst = max(f["best_seconds"] for f in files.values())
    return {"files": files, "worst_seconds": worst, "target_seconds": TARGET_SECONDS, "met": worst < TARGET_SECONDS}
