"""What the DAGs' tasks do, as plain functions of a day: Airflow-free, so pytest reaches them
directly. The DAG files only say what runs when."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta, timezone

from .errors import NotYetAvailable
from .streams import Extractor

log = logging.getLogger(__name__)
SCORECARD_LAG_DAYS = 2  # outcomes backfill for 48 h: day D's run pulls D-2
TRAILING_DAYS = 2  # conversations change after the day (late wrap-up codes): re-pull this many earlier days


def slice_day(data_interval_start: datetime) -> date:
    """The UTC day a daily run covers."""
    return data_interval_start.astimezone(timezone.utc).date()


def _extractor() -> Extractor:
    from .hook import GenesysCloudHook

    return Extractor.from_settings(GenesysCloudHook().settings())


def extract(stream: str, day: date) -> list[dict]:
    manifests = _extractor().run(stream, day)
    for m in manifests:
        log.info("%s %s%s: %s records, %s rejected, %s requests", stream, day,
                 f" ({m['part']})" if m.get("part") else "", m["records"], m["rejected"], m.get("requests"))
    return [{k: m.get(k) for k in ("stream", "date", "part", "records", "rejected")} for m in manifests]


def campaign_ids() -> list[str]:
    return _extractor().campaign_ids()


def campaign_journey(day: date, campaign_id: str) -> dict | None:
    manifest = _extractor().campaign_journey(day, campaign_id)
    return {k: manifest[k] for k in ("records", "rejected")} if manifest else None


def scorecard_day(day: date) -> date:
    return day - timedelta(days=SCORECARD_LAG_DAYS)


def trailing_days(day: date) -> list[date]:
    return [day - timedelta(days=n) for n in range(TRAILING_DAYS, -1, -1)]


def conversations_available(day: date) -> bool:
    """True once the API's data-availability date has passed the end of ``day``."""
    try:
        _extractor().require_available(day)
    except NotYetAvailable as exc:
        log.info("waiting: %s", exc)
        return False
    return True
