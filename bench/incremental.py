"""Incremental cost: the warehouse build after one more daily run, at 7, 28 and 180 days of history
of one 8,000-customer org, against a full build from scratch at 28 days.

One data directory grows as a real deployment's does: days are landed by the real extractor in
process, the warehouse is built (untimed) to catch up, then the next day's daily runs land their
slices (trailing windows and the 48-hour scorecard day included) and ``dbt build`` is timed. A
build whose cost grows with history shows up as the 180-day build against the 7-day one.

On this machine one build's time varies by a tenth or more from run to run, so each figure is the
median of REPEATS builds from the same state: the warehouse file is copied before the next-day
build and put back before each repeat.

At 8,000 customers dbt's own cost (its start, parsing, the per-node work of some 150 models, tests
and snapshots) is most of a build, so the next-day build against a full one is measured again at
LARGER_ORG customers, where the data is most of it."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import tempfile
from datetime import date, timedelta
from pathlib import Path

from genesys_elt.streams import daily_slices
from genesys_elt.warehouse.dbt import PROJECT_DIR, SCHEDULED_BUILD_EXCLUDE, build, run_dbt
from genesys_sandbox.org import OrgConfig

from .common import END_DATE, Stopwatch, say
from .inprocess import extractor_for, in_process_sandbox, land_days

CUSTOMERS, SEED = 8_000, 13
HISTORY_DAYS = (7, 28, 180)
FULL_BUILD_AT = 28
LARGER_ORG = 40_000  # customers: about 6,000 conversations a day
REPEATS = 3
TARGETS = {"history_ratio": 1.2, "next_day_vs_full": 0.25}


def _env(data_dir: Path, warehouse: Path) -> dict:
    return {
        **os.environ,
        "GENESYS_ELT_DATA_DIR": str(data_dir),
        "GENESYS_ELT_DBT_TARGET": "duckdb",
        "GENESYS_ELT_WAREHOUSE": str(warehouse),
    }


def _timed_build(data_dir: Path, warehouse: Path) -> float:
    with Stopwatch() as watch:
        build(env=_env(data_dir, warehouse))  # the daily build: models, snapshots, data tests
    return watch.seconds


def _median_build(data_dir: Path, warehouse: Path) -> tuple[float, list[float]]:
    """The build from the warehouse's present state, REPEATS times (the state put back before each);
    returns the median and every run. The warehouse is left as one build leaves it."""
    before = warehouse.with_name(warehouse.name + ".before")
    shutil.copyfile(warehouse, before)  # dbt checkpoints on exit: the file alone is the state
    runs = []
    for repeat in range(REPEATS):
        if repeat:
            shutil.copyfile(before, warehouse)
            warehouse.with_name(warehouse.name + ".wal").unlink(missing_ok=True)
        runs.append(_timed_build(data_dir, warehouse))
    before.unlink()
    return statistics.median(runs), runs


def _median_full_build(data_dir: Path) -> tuple[float, list[float]]:
    """The data directory's slices built from nothing, REPEATS times, each into an empty warehouse
    file of its own; returns the median and every run."""
    runs = []
    for _ in range(REPEATS):
        for leftover in data_dir.glob("full_refresh.duckdb*"):
            leftover.unlink()
        runs.append(_timed_build(data_dir, data_dir / "full_refresh.duckdb"))
    return statistics.median(runs), runs


def _slowest_nodes(data_dir: Path, warehouse: Path, count: int = 10) -> dict[str, float]:
    """The slowest models, snapshots and tests of a build with nothing new, run on one dbt thread so
    that no node's time includes waiting for another's (dbt's run_results), in seconds."""
    run_dbt("build", "--exclude", *SCHEDULED_BUILD_EXCLUDE, "--threads", "1", env=_env(data_dir, warehouse))
    results = json.loads((PROJECT_DIR / "target" / "run_results.json").read_text())["results"]
    slowest = sorted(results, key=lambda result: -result["execution_time"])[:count]
    return {result["unique_id"].split(".", 2)[-1]: round(result["execution_time"], 2) for result in slowest}


def _next_day_against_full(customers: int) -> dict:
    """FULL_BUILD_AT days of an org of `customers`, landed and built; then the next day's build (the
    median of REPEATS) against a full build of the same slices into an empty warehouse."""
    first = END_DATE - timedelta(days=FULL_BUILD_AT)
    sandbox = in_process_sandbox(OrgConfig(seed=SEED, customers=customers, days=FULL_BUILD_AT + 1, end_date=END_DATE))
    data_dir = Path(tempfile.mkdtemp(prefix="bench_incremental_larger_"))
    warehouse = data_dir / "warehouse.duckdb"
    try:
        landed = land_days(sandbox, data_dir, first, first + timedelta(days=FULL_BUILD_AT - 1))
        _timed_build(data_dir, warehouse)
        extractor = extractor_for(sandbox, data_dir)
        for stream, slice_day in daily_slices(first + timedelta(days=FULL_BUILD_AT)):
            extractor.run(stream, slice_day)
        next_day, next_day_runs = _median_build(data_dir, warehouse)
        full, full_runs = _median_full_build(data_dir)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    say(f"incremental: {customers:,} customers, next-day build {next_day:.1f} s against a full build {full:.1f} s")
    return {
        "customers": customers,
        "days": FULL_BUILD_AT,
        "landed_records": landed,
        "conversations_per_day": round(landed["conversations"] / FULL_BUILD_AT),
        "next_day_seconds": next_day,
        "next_day_runs": next_day_runs,
        "full_build_seconds": full,
        "full_build_runs": full_runs,
        "next_day_vs_full": next_day / full,
    }


def run() -> dict:
    first = END_DATE - timedelta(days=max(HISTORY_DAYS))
    org = OrgConfig(seed=SEED, customers=CUSTOMERS, days=max(HISTORY_DAYS) + 1, end_date=END_DATE)
    sandbox = in_process_sandbox(org)
    data_dir = Path(tempfile.mkdtemp(prefix="bench_incremental_"))
    warehouse = data_dir / "warehouse.duckdb"
    extractor = extractor_for(sandbox, data_dir)
    landed: dict[str, int] = {}
    next_day: dict[str, dict] = {}
    full_build, full_runs = None, []
    loaded_through: date = first - timedelta(days=1)  # the last day landed whole
    for history in HISTORY_DAYS:
        # Catch up: land the days up to the history's last and build them, untimed.
        last = first + timedelta(days=history - 1)
        if last > loaded_through:
            for stream, count in land_days(sandbox, data_dir, loaded_through + timedelta(days=1), last).items():
                landed[stream] = landed.get(stream, 0) + count
        catch_up = _timed_build(data_dir, warehouse)
        # The next day's daily runs, then the build they trigger: the figure.
        day = last + timedelta(days=1)
        for stream, slice_day in daily_slices(day):
            extractor.run(stream, slice_day)
        loaded_through = last  # the next catch-up lands that day again, with the slices the run left out
        seconds, runs = _median_build(data_dir, warehouse)
        # The same build again with nothing new: what a build costs whatever it finds.
        nothing_new_runs = [_timed_build(data_dir, warehouse) for _ in range(REPEATS)]
        slowest = _slowest_nodes(data_dir, warehouse)
        next_day[str(history)] = {
            "seconds": seconds,
            "runs": runs,
            "nothing_new_seconds": statistics.median(nothing_new_runs),
            "nothing_new_runs": nothing_new_runs,
            "slowest_nodes": slowest,
            "catch_up_build_seconds": catch_up,
            "next_day": day.isoformat(),
        }
        say(f"incremental: next-day build with {history} days loaded {seconds:.1f} s")
        if history == FULL_BUILD_AT:
            # The same slices built from nothing, into a warehouse file of its own.
            full_build, full_runs = _median_full_build(data_dir)
            say(f"incremental: full build of the same {history + 1} days {full_build:.1f} s")
    shortest, longest = str(min(HISTORY_DAYS)), str(max(HISTORY_DAYS))
    history_ratio = next_day[longest]["seconds"] / next_day[shortest]["seconds"]
    next_day_vs_full = next_day[str(FULL_BUILD_AT)]["seconds"] / full_build
    shutil.rmtree(data_dir, ignore_errors=True)
    larger = _next_day_against_full(LARGER_ORG)
    return {
        "customers": CUSTOMERS,
        "seed": SEED,
        "history_days": list(HISTORY_DAYS),
        "next_day_build": next_day,
        "full_build_days": FULL_BUILD_AT,
        "full_build_seconds": full_build,
        "full_build_runs": full_runs,
        "repeats": REPEATS,
        "landed_records": landed,
        "history_ratio": history_ratio,
        "next_day_vs_full": next_day_vs_full,
        "larger_org": larger,
        "targets": TARGETS,
        "met": {
            "history_ratio": history_ratio <= TARGETS["history_ratio"],
            "next_day_vs_full": next_day_vs_full <= TARGETS["next_day_vs_full"],
        },
    }
