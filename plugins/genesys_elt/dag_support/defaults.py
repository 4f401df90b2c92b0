"""Defaults every Genesys DAG shares: schedule, retries, pools, assets. Parsing this file does no
network or database work."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

from airflow.sdk import Asset, CronDataIntervalTimetable

from ..streams import stream

# A daily data interval [D 00:00, D+1 00:00) UTC; the run starts once D has ended.
DAILY = CronDataIntervalTimetable("@daily", timezone="UTC")
START = datetime(2026, 1, 1, tzinfo=timezone.utc)
API_POOL = "genesys_api"  # bounds concurrent API work per OAuth client
WAREHOUSE_POOL = "duckdb_warehouse"  # DuckDB has one writer
# Sensors reschedule between pokes, so the interval costs latency, not worker slots. Read from the
# environment so a backfill in a test or a demo need not wait minutes per poke.
SENSOR_POKE_SECONDS = int(os.environ.get("GENESYS_ELT_SENSOR_POKE_SECONDS", "300"))
SENSOR_TIMEOUT_SECONDS = int(timedelta(hours=36).total_seconds())

DEFAULT_ARGS = {
    "owner": "data-engineering",
    "retries": 3,
    "retry_delay": timedelta(minutes=1),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=30),
    "pool": API_POOL,
}


def raw_asset(name: str) -> Asset:
    """Emitted when a stream's slice lands; the warehouse DAG is scheduled on these."""
    return Asset(name=stream(name).asset_name, uri=f"file:///genesys/raw/{name}")
