"""Fixtures for extraction against a private sandbox over real HTTP."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from genesys_elt.settings import from_connection
from genesys_elt.streams import Extractor
from tests.conftest import start_sandbox, url_of

PII_KEY = "test-pii-key-0123456789abcdef"
DAYS = [date(2026, 11, 18), date(2026, 11, 19), date(2026, 11, 20)]
ORDER = ("campaigns", "campaign_journey", "scorecards", "conversations", "external_contacts",
         "journey_events", "journey_sessions")


def make_extractor(sandbox, data_dir, extra: dict | None = None, login: str = "sandbox",
                   password: str = "sandbox-secret", **options) -> Extractor:
    settings = from_connection(url_of(sandbox), login, password,
                               {"archived_retry_delay_seconds": 0, "poll_budget_seconds": 60,
                                "rate_limit_per_minute": 100000, **(extra or {})},
                               env={"GENESYS_ELT_PII_KEY": PII_KEY, "GENESYS_ELT_DATA_DIR": str(data_dir)})
    options.setdefault("backoff_initial", 0.02)
    options.setdefault("clock", lambda: sandbox.clock())
    return Extractor.from_settings(settings, **options)


def extract_days(extractor: Extractor, days=DAYS, streams=ORDER) -> dict:
    manifests = {}
    for day in days:
        for stream in streams:
            manifests[(stream, day)] = extractor.run(stream, day)
    return manifests


@pytest.fixture
def sandbox_for_extract():
    started = []

    def make(**overrides):
        overrides.setdefault("job_latency_seconds", 0.3)
        sandbox = start_sandbox(**overrides)
        started.append(sandbox)
        return sandbox

    yield make
    for sandbox in started:
        sandbox.shutdown()


def next_day(day: date) -> date:
    return day + timedelta(days=1)
