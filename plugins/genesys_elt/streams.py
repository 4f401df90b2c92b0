"""What extracting each stream for one UTC day means. The endpoints come from the catalogue;
this module decides the order of calls, what a slice holds, and when to wait or skip."""

from __future__ import annotations

import json
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable
from datetime import date, datetime, timedelta, timezone

from .catalogue import STREAMS, AsyncQuery, Endpoint, catalogue
from .client import ClientPool
from .errors import ConfigError, NotFound, NotYetAvailable
from .jobs import run_async_query
from .landing import RAW, SliceWriter, read_records
from .privacy import Pseudonymizer
from .settings import Settings

log = logging.getLogger(__name__)
EXTRACTABLE_STATUSES = {"active", "paused"}
SCORECARD_SETTLE = timedelta(hours=48)
PAGE_RECORDS = 1000  # page size for slices assembled from many single-record calls


def day_bounds(day: date) -> dict[str, str]:
    start = datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
    fmt = "%Y-%m-%dT%H:%M:%S.000Z"
    return {"day_start": start.strftime(fmt), "day_end": (start + timedelta(days=1)).strftime(fmt)}


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Extractor:
    settings: Settings
    pool: ClientPool
    run_id: str | None = None
    workers_per_client: int = 4
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], datetime] = _utcnow  # decides pending_backfill; tests follow the sandbox's clock
    endpoints: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.endpoints = catalogue(self.settings.endpoint_overrides)
        self.p = Pseudonymizer(self.settings.pii_key, self.settings.default_region)

    @classmethod
    def from_settings(cls, settings: Settings, **options) -> "Extractor":
        client_options = {k: options.pop(k) for k in ("max_attempts", "backoff_initial") if k in options}
        return cls(settings, ClientPool(settings, **client_options), **options)

    # ------------------------------------------------------------------ plumbing
    def _writer(self, stream: str, day: date, part: str | None = None) -> SliceWriter:
        return SliceWriter(self.settings.data_dir, stream, day, self.p, self.run_id, part)

    def _pages(self, name: str, **values):
        endpoint: Endpoint = self.endpoints[name]
        path, params, _ = endpoint.render(**values)
        client = self.pool.pick()
        for page in endpoint.paginator.pages(client.call, path, params):
            yield page, (page.get(endpoint.records, []) if endpoint.records else [page])

    def _get(self, name: str, **values) -> dict:
        endpoint: Endpoint = self.endpoints[name]
        path, params, body = endpoint.render(**values)
        return self.pool.call(endpoint.method, path, params=params or None, json=body)

    def _parallel(self, fn, items):
        with ThreadPoolExecutor(max_workers=self.workers_per_client * len(self.pool.clients)) as pool:
            return list(pool.map(fn, items))

    def run(self, stream: str, day: date) -> list[dict]:
        """Extracts one stream for one day; returns the manifests of the slices written."""
        if stream not in STREAMS:
            raise ConfigError(f"unknown stream {stream!r}; choose one of {', '.join(STREAMS)}")
        self.pool.authenticate()  # a refused client fails here, before any slice directory exists
        before = self.pool.sent
        if stream == "campaign_journey":
            manifests = [m for cid in self.campaign_ids() if (m := self.campaign_journey(day, cid))]
        else:
            manifests = [getattr(self, stream)(day, requests_before=before)]
        log.info("%s %s: %d requests", stream, day, self.pool.sent - before)
        return manifests

    def _simple_slice(self, stream: str, day: date, pages, before: int, **extra) -> dict:
        with self._writer(stream, day) as writer:
            for _, records in pages:
                writer.write_page(records)
            return writer.commit(requests=self.pool.sent - before, **extra)

    # ------------------------------------------------------------------ predictive engagement
    def campaigns(self, day: date, requests_before: int) -> dict:
        return self._simple_slice("campaigns", day, self._pages("campaigns"), requests_before)

    def campaign_ids(self) -> list[str]:
        return [c["id"] for page, records in self._pages("campaigns") for c in records if isinstance(c, dict) and c.get("id")]

    def campaign_journey(self, day: date, campaign_id: str) -> dict | None:
        """One campaign's step funnel for the day, landed as its own part of the slice. A campaign
        that is gone or no longer active or paused is skipped at once with the reason: archiving is
        final, so waiting would not bring it back. One that disappears mid-pagination is looked at
        again once after a delay, then extracted whole or skipped. A skipped campaign's previous
        slice stays."""
        before = self.pool.sent
        reason = ""
        for attempt in range(2):
            if attempt:
                log.warning("campaign %s: %s; retrying in %.0fs", campaign_id, reason,
                            self.settings.archived_retry_delay_seconds)
                self.sleep(self.settings.archived_retry_delay_seconds)
            try:
                campaign = self._get("campaign", campaign_id=campaign_id)
            except NotFound:
                reason = "campaign not found (404)"
                break
            if campaign.get("status") not in EXTRACTABLE_STATUSES:
                reason = f"campaign status is {campaign.get('status')}"
                break
            try:
                return self._land_campaign_journey(day, campaign, before)
            except NotFound:
                reason = "campaign analytics answered 404 mid-extraction"
        self._record_skip("campaign_journey", day, campaign_id, reason)
        return None

    def _land_campaign_journey(self, day: date, campaign: dict, before: int) -> dict:
        with self._writer("campaign_journey", day, part=campaign["id"]) as writer:
            sequence = 0
            for page, steps in self._pages("campaign_journey", campaign_id=campaign["id"], **day_bounds(day)):
                context = {"campaignId": page.get("campaignId", campaign["id"]),
                           "scorecardId": page.get("scorecardId", campaign.get("scorecardId")),
                           "dateFrom": page.get("dateFrom"), "dateTo": page.get("dateTo")}
                records = []
                for step in steps:
                    sequence += 1
                    records.append({**step, **context, "stepSequence": sequence} if isinstance(step, dict) else step)
                writer.write_page(records)
            return writer.commit(requests=self.pool.sent - before, campaign_status=campaign["status"])

    def _record_skip(self, stream: str, day: date, part: str, reason: str) -> None:
        path = self.settings.data_dir / RAW / "_skips" / stream / f"date={day.isoformat()}" / f"{part}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"stream": stream, "date": day.isoformat(), "part": part, "reason": reason,
                                    "skipped_at": self.clock().isoformat()}))
        log.warning("skipped %s %s part %s: %s", stream, day, part, reason)

    def scorecards(self, day: date, requests_before: int) -> dict:
        """Model performance for ``day``. Outcomes backfill for 48 h: a slice pulled earlier than that
        is flagged pending_backfill (the DAG pulls day D-2 to avoid it)."""
        scorecards = [s for _, records in self._pages("scorecards") for s in records if isinstance(s, dict)]
        pending = self.clock() < datetime(day.year, day.month, day.day, tzinfo=timezone.utc) + timedelta(days=1) + SCORECARD_SETTLE

        def pull(scorecard: dict) -> dict:
            body = self._get("scorecard_analytics", scorecard_id=scorecard["id"], **day_bounds(day))
            return {**body, "scorecardName": body.get("scorecardName", scorecard.get("name"))}

        records = self._parallel(pull, scorecards)
        return self._simple_slice("scorecards", day, [(None, records)], requests_before, pending_backfill=pending)

    # ------------------------------------------------------------------ conversations
    def conversations(self, day: date, requests_before: int) -> dict:
        self.require_available(day)
        query: AsyncQuery = self.endpoints["conversations"]
        pages = ((p, p.get("conversations", [])) for p in
                 run_async_query(self.pool.pick(), query, day_bounds(day), self.settings.poll_budget_seconds,
                                 sleep=self.sleep))
        return self._simple_slice("conversations", day, pages, requests_before)

    def availability(self) -> datetime:
        body = self._get("conversation_availability")
        return datetime.fromisoformat(body["dataAvailabilityDate"].replace("Z", "+00:00"))

    def require_available(self, day: date) -> None:
        available = self.availability()
        end = datetime(day.year, day.month, day.day, tzinfo=timezone.utc) + timedelta(days=1)
        if available < end:
            raise NotYetAvailable(f"conversation data is complete up to {available.isoformat()}, "
                                  f"before the end of {day}")

    def external_contacts(self, day: date, requests_before: int) -> dict:
        """The contacts the day's conversations reference, and the canonical contact of any that was merged."""
        ids = sorted({p["externalContactId"] for c in self._landed("conversations", day)
                      for p in c.get("participants", []) if p.get("externalContactId")})
        fetched = dict(zip(ids, self._parallel(self._contact_or_none, ids)))
        canonical = sorted({ref for body in fetched.values() if body
                            for ref in [(body.get("canonicalContact") or {}).get("id")] if ref and ref not in fetched})
        fetched.update(zip(canonical, self._parallel(self._contact_or_none, canonical)))
        with self._writer("external_contacts", day) as writer:
            found = [fetched[cid] for cid in sorted(fetched) if fetched[cid] is not None]
            for start in range(0, len(found), PAGE_RECORDS):
                writer.write_page(found[start:start + PAGE_RECORDS])
            for cid in sorted(c for c, body in fetched.items() if body is None):
                writer.reject({"id": cid}, "external contact not found (404)")
            return writer.commit(requests=self.pool.sent - requests_before)

    def _contact_or_none(self, contact_id: str) -> dict | None:
        try:
            return self._get("external_contact", contact_id=contact_id)
        except NotFound:
            return None

    def _session_or_none(self, session_id: str) -> dict | None:
        try:
            return self._get("journey_session", session_id=session_id)
        except NotFound:
            return None

    def _landed(self, stream: str, day: date):
        if not (self.settings.data_dir / RAW / stream / f"date={day.isoformat()}" / "_manifest.json").exists():
            raise NotYetAvailable(f"the {stream} slice for {day} has not landed yet; extract it first")
        return read_records(self.settings.data_dir, stream, day)

    # ------------------------------------------------------------------ journey
    def journey_events(self, day: date, requests_before: int) -> dict:
        query: AsyncQuery = self.endpoints["journey_events"]
        pages = ((p, p.get("events", [])) for p in
                 run_async_query(self.pool.pick(), query, day_bounds(day), self.settings.poll_budget_seconds,
                                 sleep=self.sleep))
        return self._simple_slice("journey_events", day, pages, requests_before)

    def journey_sessions(self, day: date, requests_before: int) -> dict:
        """The journey sessions of day D that can name a customer: those of the canonical contacts
        seen that day (merged contacts included), and every authenticated web session in that day's
        journey events, fetched by id when the contacts' listings did not return it (a customer who
        signs in on the web and never calls that day)."""
        contact_ids = sorted({c["id"] for c in self._landed("external_contacts", day)
                              if (c.get("canonicalContact") or {}).get("id", c["id"]) == c["id"]})

        def sessions_of(contact_id: str) -> list[dict]:
            try:
                return [s for _, records in self._pages("journey_sessions", contact_id=contact_id) for s in records]
            except NotFound:
                return []

        by_id: dict[str, dict] = {}
        for sessions in self._parallel(sessions_of, contact_ids):
            for session in sessions:
                by_id.setdefault(session.get("id") if isinstance(session, dict) else repr(session), session)
        signed_in = sorted(_authenticated_web_sessions(self._landed("journey_events", day)) - by_id.keys())
        for session in self._parallel(self._session_or_none, signed_in):
            if session is not None:
                by_id.setdefault(session.get("id"), session)
        # A slice holds what had started by the end of its day, so re-extracting it later lands the
        # same sessions; a contact's later sessions belong to the later days' slices.
        day_end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=timezone.utc)
        ordered = [by_id[k] for k in sorted(by_id) if _started_before(by_id[k], day_end)]
        with self._writer("journey_sessions", day) as writer:
            for start in range(0, max(1, len(ordered)), PAGE_RECORDS):
                writer.write_page(ordered[start:start + PAGE_RECORDS])
            return writer.commit(requests=self.pool.sent - requests_before, contacts=len(contact_ids),
                                 signed_in_sessions_fetched=len(signed_in))


def _authenticated_web_sessions(events) -> set[str]:
    """Ids of the web sessions in which the visitor signed in: the only web sessions the platform
    ties to an external contact."""
    return {e["session"]["id"] for e in events
            if isinstance(e, dict) and (e.get("session") or {}).get("type") == "web" and e["session"].get("id")
            and (e.get("webEvent") or {}).get("authenticated")}


def _started_before(session, end: datetime) -> bool:
    """False only for a session that provably started at or after ``end``; a record without a
    readable start is kept, for validation to reject with its reason."""
    try:
        started = datetime.fromisoformat(str(session["createdDate"]).replace("Z", "+00:00"))
        return (started if started.tzinfo else started.replace(tzinfo=timezone.utc)) < end
    except (KeyError, TypeError, ValueError):
        return True
