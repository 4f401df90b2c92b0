"""What the DAGs' tasks do, as plain functions of a day: Airflow-free, so pytest reaches them
directly. The DAG files only say what runs when; which slice days a run covers comes from the
stream registry."""

from __future__ import annotations

import logging
from datetime import date, datetime, timezone

from ..errors import NotYetAvailable
from ..extract.extractor import Extractor
from ..streams import stream

log = logging.getLogger(__name__)


def slice_day(data_interval_start: datetime) -> date:
    """The UTC day a daily run covers."""
    return data_interval_start.astimezone(timezone.utc).date()


def _extractor() -> Extractor:
    from .hook import GenesysCloudHook

    return Extractor.from_settings(GenesysCloudHook().settings())


def extract(name: str, run_day: date) -> list[dict]:
    """Every slice the daily run for ``run_day`` lands of one stream: D, D-2 for scorecards, the
    trailing days for conversations (as the registry says)."""
    extractor = _extractor()
    summaries = []
    for day in stream(name).slice_days(run_day, extractor.settings.trailing_days):
        for m in extractor.run(name, day):
            log.info(
                "%s %s%s: %s records, %s rejected, %s requests",
                name,
                day,
                f" ({m['part']})" if m.get("part") else "",
                m["records"],
                m["rejected"],
                m.get("requests"),
            )
            summaries.append(_summary(m))
    return summaries


def _summary(manifest: dict) -> dict:
    """What a task returns of a landed slice: which one, from which source, how many records."""
    return {k: manifest.get(k) for k in ("stream", "date", "part", "source", "records", "rejected")}


def campaign_parts(run_day: date) -> list[dict]:
    """The campaigns (or, on a real org, action maps) whose funnels the run for ``run_day`` lands,
    each with the source it comes from: decided here once for the run, and handed to each funnel
    task. On a real org it includes maps deleted within the trailing window."""
    source, ids = _extractor().part_ids("campaign_journey", run_day)
    return [{"campaign_id": part, "source": source.kind} for part in ids]


def campaign_journey(run_day: date, campaign_id: str, source: str) -> list[dict]:
    """One campaign's (or action map's) funnel slices of the run for ``run_day``: D and the
    trailing days before it, each a part of its day's slice; a skipped day lands nothing."""
    extractor = _extractor()
    landed = []
    for day in stream("campaign_journey").slice_days(run_day, extractor.settings.trailing_days):
        manifest = extractor.land_part("campaign_journey", day, campaign_id, source)
        landed += [_summary(manifest)] if manifest else []
    return landed


def conversations_available(day: date) -> bool:
    """True once the API's data-availability date has passed the end of ``day``."""
    try:
        _extractor().require_available(day)
    except NotYetAvailable as exc:
        log.info("waiting: %s", exc)
        return False
    return True
