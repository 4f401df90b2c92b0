"""Fixtures for extraction against a private sandbox over real HTTP."""

from __future__ import annotations

import hashlib
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from genesys_elt.extract.extractor import Extractor
from genesys_elt.landing.layout import RAW
from genesys_elt.settings import from_connection
from tests.conftest import start_sandbox, url_of

PII_KEY = "test-pii-key-0123456789abcdef"
DAYS = [date(2026, 11, 18), date(2026, 11, 19), date(2026, 11, 20)]
ORDER = (
    "campaigns",
    "campaign_journey",
    "scorecards",
    "conversations",
    "external_contacts",
    "journey_events",
    "journey_sessions",
)


def make_extractor(
    sandbox,
    data_dir,
    extra: dict | None = None,
    login: str = "sandbox",
    password: str = "sandbox-secret",
    env: dict | None = None,
    **options,
) -> Extractor:
    settings = from_connection(
        url_of(sandbox),
        login,
        password,
        {
            "archived_retry_delay_seconds": 0,
            "poll_budget_seconds": 60,
            "rate_limit_per_minute": 100000,
            **(extra or {}),
        },
        env={"GENESYS_ELT_PII_KEY": PII_KEY, "GENESYS_ELT_DATA_DIR": str(data_dir), **(env or {})},
    )
    options.setdefault("backoff_initial", 0.02)
    options.setdefault("clock", lambda: sandbox.clock())
    return Extractor.from_settings(settings, **options)


def landed_files(data_dir: Path, patterns: tuple[str, ...] = ("**/*.jsonl*",)) -> dict[str, str]:
    """Every landed file under the raw root matching ``patterns`` (pages and rejects by default;
    manifests carry run times), with its content hash; temporary and replaced slices left out."""
    root = data_dir / RAW
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for pattern in patterns
        for p in sorted(root.glob(pattern))
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
    }


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


def find_leaks(sandbox, haystacks: dict[str, str]) -> dict[str, list[str]]:
    """Where any secret, token or clear-text PII of the sandbox's org shows up in ``haystacks``
    (name -> text): the client secret, the pseudonymization key, every token issued, and each
    person's emails, phone numbers (as written anywhere), household IPs and device cookies."""
    org = sandbox.api.org
    needles = {"sandbox-secret", PII_KEY, *sandbox.tokens._tokens}
    for person in org.people:
        needles.add(person.email)
        needles.update(person.email_written(i).strip() for i in range(4))
        for phone in person.phones:
            needles.add(phone.e164)
            needles.update(phone.written(i) for i in range(5))
        needles.update(device.cookie for device in person.devices)
    needles.update(household.nat_ip for household in org.households)
    pattern = re.compile("|".join(re.escape(n) for n in sorted(needles, key=len, reverse=True) if len(n) >= 7))
    return {where: sorted(set(pattern.findall(text)))[:3] for where, text in haystacks.items() if pattern.search(text)}
