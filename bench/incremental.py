"""Incremental cost: one day's daily run (its extract tasks over HTTP, then ``dbt build``) on a
warehouse that already holds 60 days, against the same run on an empty data directory. The 60 days
are landed beforehand by the real extractor in-process and built once, untimed."""

from __future__ import annotations

import os
import tempfile
from datetime import date, timedelta
from pathlib import Path

from genesys_elt.extract.extractor import Extractor
from genesys_elt.streams import daily_slices
from genesys_elt.warehouse.dbt import run_dbt
from genesys_sandbox.org import OrgConfig

from .common import END_DATE, NOW, Stopwatch, sandbox, say, settings_for
from .inprocess import in_process_sandbox, land_days

TARGET_RATIO = 1.3
CUSTOMERS, LOADED_DAYS, SEED = 1_500, 60, 13


def daily_run(url: str, data_dir: Path, day: date) -> dict:
    env = {**os.environ, "GENESYS_ELT_DATA_DIR": str(data_dir), "GENESYS_ELT_DBT_TARGET": "duckdb",
           "GENESYS_ELT_WAREHOUSE": str(data_dir / "warehouse.duckdb")}
    extractor = Extractor.from_settings(settings_for(url, data_dir, rate_limit=1_000_000), clock=lambda: NOW)
    with Stopwatch() as extract:
        for stream, slice_day in daily_slices(day):  # scorecards D-2, trailing conversation days
            extractor.run(stream, slice_day)
    with Stopwatch() as build:
        run_dbt("build", env=env)
    return {"extract_seconds": extract.seconds, "dbt_seconds": build.seconds,
            "seconds": extract.seconds + build.seconds}


def run() -> dict:
    org = OrgConfig(seed=SEED, customers=CUSTOMERS, days=LOADED_DAYS + 1, end_date=END_DATE)
    loaded_dir = Path(tempfile.mkdtemp(prefix="bench_incremental_loaded_"))
    empty_dir = Path(tempfile.mkdtemp(prefix="bench_incremental_empty_"))
    first = END_DATE - timedelta(days=LOADED_DAYS)
    with Stopwatch() as preload:
        landed = land_days(in_process_sandbox(org), loaded_dir, first, END_DATE - timedelta(days=1))
        run_dbt("build", env={**os.environ, "GENESYS_ELT_DATA_DIR": str(loaded_dir), "GENESYS_ELT_DBT_TARGET": "duckdb",
                              "GENESYS_ELT_WAREHOUSE": str(loaded_dir / "warehouse.duckdb")})
    say(f"incremental: {LOADED_DAYS} days loaded and built in {preload.seconds:.0f} s "
        f"({landed['journey_events']:,} journey events, {landed['conversations']:,} conversations)")
    with sandbox(customers=CUSTOMERS, days=LOADED_DAYS + 1, seed=SEED) as api:
        on_empty = daily_run(api.url, empty_dir, END_DATE)
        on_loaded = daily_run(api.url, loaded_dir, END_DATE)
    ratio = on_loaded["seconds"] / on_empty["seconds"]
    say(f"incremental: the day takes {on_loaded['seconds']:.1f} s on {LOADED_DAYS} loaded days, "
        f"{on_empty['seconds']:.1f} s on an empty warehouse")
    return {"loaded_days": LOADED_DAYS, "customers": CUSTOMERS, "preloaded": landed, "on_empty": on_empty,
            "on_loaded": on_loaded, "ratio": ratio, "target_ratio": TARGET_RATIO, "met": ratio <= TARGET_RATIO}
