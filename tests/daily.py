"""Daily operation as the DAGs run it, without Airflow: each day's run starts the next morning,
pulls the day's slices, the scorecard day two days back and the trailing conversation days."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Callable

from genesys_elt.streams import daily_slices


def run_at(day: date) -> datetime:
    """A daily run for ``day`` starts the next morning."""
    return datetime.combine(day + timedelta(days=1), time(6), tzinfo=timezone.utc)


def day_tasks(day: date, first: date) -> list[tuple[str, date]]:
    """The (stream, slice day) pairs of one day's runs, in the order the DAGs reach them (the
    registry's order); nothing before ``first``, the start of the loaded range."""
    return [(stream, slice_day) for stream, slice_day in daily_slices(day) if slice_day >= first]


def extract_day(extractor, day: date, first: date, task: Callable | None = None) -> None:
    """Runs the day's tasks; ``task(stream, slice_day, run)`` may wrap each (retries, faults)."""
    for stream, slice_day in day_tasks(day, first):
        if task is None:
            extractor.run(stream, slice_day)
        else:
            task(stream, slice_day, lambda s=stream, d=slice_day: extractor.run(s, d))
