"""Transform speed: ``dbt build`` of the whole project over about 1 million journey events and
200,000 conversations, against one DuckDB statement that produces the same ``customer_timeline``
from the same raw files.

The single statement is the timeline's own lineage (staging, identity graph, conversations,
touchpoints) as dbt compiles it, inlined as common table expressions: no intermediate tables, no
tests, no other marts, no snapshots. Its result must equal the table dbt built, row for row, or
the benchmark fails. The ratio is what dbt's layering, materializations and tests cost on top of
the work the timeline needs."""

from __future__ import annotations

import json
import multiprocessing
import os
import time
from datetime import timedelta
from pathlib import Path

import duckdb

from genesys_sandbox.org import OrgConfig

from .common import END_DATE, ROOT, Stopwatch, say
from .inprocess import in_process_sandbox, land_days

TARGET_RATIO = 2.0
CUSTOMERS, DAYS = 41_000, 30  # about 1.1 million journey events and 200,000 conversations
DBT_PROJECT = ROOT / "dbt_project"


def _land_share(args) -> dict:
    customers, days, data_dir, worker, workers = args
    sandbox = in_process_sandbox(OrgConfig(seed=11, customers=customers, days=days, end_date=END_DATE))
    first = END_DATE - timedelta(days=days - 1)
    totals: dict[str, int] = {}
    for offset in range(worker, days, workers):
        day = first + timedelta(days=offset)
        for stream, count in land_days(sandbox, Path(data_dir), day, day).items():
            totals[stream] = totals.get(stream, 0) + count
    return totals


def land_dataset(data_dir: Path, customers: int = CUSTOMERS, days: int = DAYS) -> dict[str, int]:
    """Every stream for ``days`` days of a generated org, landed by the real extractor; the days are
    shared between two processes (each generates the same org from the same seed)."""
    workers = 2
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        parts = pool.map(_land_share, [(customers, days, str(data_dir), w, workers) for w in range(workers)])
    return {stream: sum(p.get(stream, 0) for p in parts) for stream in parts[0]}


def timeline_statement(manifest_path: Path) -> str:
    """``customer_timeline``'s compiled SQL with every model it depends on inlined as a CTE."""
    manifest = json.loads(manifest_path.read_text())
    nodes, parents = manifest["nodes"], manifest["parent_map"]
    final = next(k for k, n in nodes.items() if n["resource_type"] == "model" and n["name"] == "customer_timeline")
    order: list[str] = []

    def visit(node_id: str) -> None:
        for parent in parents.get(node_id, []):
            if parent.startswith("model.") and parent not in order:
                visit(parent)
        if node_id not in order:
            order.append(node_id)

    visit(final)
    relations = {nodes[k]["relation_name"]: nodes[k]["name"] for k in order}

    def inlined(node_id: str) -> str:
        sql = nodes[node_id]["compiled_code"]
        for relation, name in relations.items():
            sql = sql.replace(relation, name)
        return sql

    ctes = ",\n".join(f"{nodes[k]['name']} as (\n{inlined(k)}\n)" for k in order[:-1])
    return f"with {ctes}\nselect * from (\n{inlined(final)}\n)" if ctes else inlined(final)


def run(workdir: Path, customers: int = CUSTOMERS, days: int = DAYS) -> dict:
    from genesys_elt.warehouse.dbt import run_dbt

    data_dir = workdir / "data"
    env = {
        **os.environ,
        "GENESYS_ELT_DATA_DIR": str(data_dir),
        "GENESYS_ELT_DBT_TARGET": "duckdb",
        "GENESYS_ELT_WAREHOUSE": str(workdir / "warehouse.duckdb"),
    }
    with Stopwatch() as landing:
        landed = land_dataset(data_dir, customers, days)
    say(
        f"transform: landed {landed['journey_events']:,} journey events and {landed['conversations']:,} "
        f"conversations in {landing.seconds:.0f} s"
    )

    with Stopwatch() as dbt_build:
        run_dbt("build", "--target-path", str(workdir / "target"), env=env)
    say(f"transform: dbt build {dbt_build.seconds:.1f} s")

    statement = timeline_statement(workdir / "target" / "manifest.json")
    (workdir / "timeline_single_statement.sql").write_text(statement)
    con = duckdb.connect(str(workdir / "single.duckdb"))
    con.execute("set enable_progress_bar = false")
    started = time.perf_counter()
    con.execute(f"create table customer_timeline as {statement}")
    single_seconds = time.perf_counter() - started
    con.execute(f"attach '{workdir / 'warehouse.duckdb'}' as dbt (read_only)")
    rows = con.execute("select count(*) from customer_timeline").fetchone()[0]
    differing = con.execute("""
        select (select count(*) from (select * from customer_timeline except all select * from dbt.marts.customer_timeline))
             + (select count(*) from (select * from dbt.marts.customer_timeline except all select * from customer_timeline))
    """).fetchone()[0]
    con.close()
    if differing:
        raise AssertionError(f"the single statement's timeline differs from dbt's in {differing} rows")
    say(f"transform: single statement {single_seconds:.1f} s, {rows:,} timeline rows, identical to dbt's")
    ratio = dbt_build.seconds / single_seconds
    return {
        "journey_events": landed["journey_events"],
        "conversations": landed["conversations"],
        "external_contacts": landed["external_contacts"],
        "journey_sessions": landed["journey_sessions"],
        "landing_seconds": landing.seconds,
        "dbt_build_seconds": dbt_build.seconds,
        "single_statement_seconds": single_seconds,
        "timeline_rows": rows,
        "ratio": ratio,
        "target_ratio": TARGET_RATIO,
        "met": ratio <= TARGET_RATIO,
    }
