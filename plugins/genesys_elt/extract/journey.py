"""Journey streams: the day's journey events (an asynchronous journey query), and the journey
sessions that can name a customer: those of the day's canonical contacts, and every signed-in web
session among the day's events, fetched by id."""

from __future__ import annotations

from datetime import date, datetime, timezone

from ..errors import NotFound
from ..streams import PLATFORM, SEED
from .base import PAGE_RECORDS, ExtractorBase, day_end


class JourneyStreams(ExtractorBase):
    def journey_events(self, day: date, requests_before: int) -> dict:
        return self._simple_slice("journey_events", day, SEED, self._query_pages("journey_events", day),
                                  requests_before)

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
        ordered = [by_id[k] for k in sorted(by_id) if _started_before(by_id[k], day_end(day))]
        with self._writer("journey_sessions", day, PLATFORM) as writer:
            for start in range(0, max(1, len(ordered)), PAGE_RECORDS):
                writer.write_page(ordered[start:start + PAGE_RECORDS])
            return writer.commit(requests=self.pool.sent - requests_before, contacts=len(contact_ids),
                                 signed_in_sessions_fetched=len(signed_in))

    def _session_or_none(self, session_id: str) -> dict | None:
        try:
            return self._get("journey_session", session_id=session_id)
        except NotFound:
            return None


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
