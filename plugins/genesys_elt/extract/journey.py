"""Journey streams: the day's journey events (an asynchronous journey query), and the journey
sessions that can name a customer: those of the day's canonical contacts, and every signed-in web
session among the day's events, fetched by id."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from ..errors import NotFound
from ..streams import PLATFORM, SEED
from .base import PAGE_RECORDS, ExtractorBase, day_end


class JourneyStreams(ExtractorBase):
    def journey_events(self, day: date, requests_before: int) -> dict:
        return self._simple_slice("journey_events", day, SEED, self._query_pages("journey_events", day),
                                  requests_before)

    def session_events(self, day: date, requests_before: int) -> dict:
        """The Platform API's journey events of day D: the events, created on D, of the sessions
        that D's canonical contacts had by the end of D and of the web sessions D's conversations
        started from. A session's events are paged by ``after``; the slice is ordered by time."""
        start, end = day_end(day) - timedelta(days=1), day_end(day)
        active = {s["id"] for sessions in self._parallel(self._sessions_of, self._canonical_contacts(day))
                  for s in sessions if isinstance(s, dict) and s.get("id") and _during(s, start, end)}
        started_from = {s.get("journeyCustomerSessionId") for c in self._landed("conversations", day)
                        if isinstance(c, dict) for p in c.get("participants", []) if isinstance(p, dict)
                        for s in p.get("sessions", []) if isinstance(s, dict)}
        session_ids = sorted(active | {sid for sid in started_from if isinstance(sid, str) and sid})

        def events_of(session_id: str) -> list:
            try:
                return [e for _, records in self._pages("journey_session_events", session_id=session_id)
                        for e in records if _created_within(e, start, end)]
            except NotFound:
                return []

        events = [e for batch in self._parallel(events_of, session_ids) for e in batch]
        events.sort(key=lambda e: (str(e.get("createdDate")), str(e.get("id"))) if isinstance(e, dict) else ("", ""))
        with self._writer("journey_events", day, PLATFORM) as writer:
            for first in range(0, max(1, len(events)), PAGE_RECORDS):
                writer.write_page(events[first:first + PAGE_RECORDS])
            return writer.commit(requests=self.pool.sent - requests_before, sessions=len(session_ids))

    def journey_sessions(self, day: date, requests_before: int) -> dict:
        """The journey sessions of day D that can name a customer: those of the canonical contacts
        seen that day (merged contacts included), and every authenticated web session in that day's
        journey events, fetched by id when the contacts' listings did not return it (a customer who
        signs in on the web and never calls that day)."""
        contact_ids = self._canonical_contacts(day)
        by_id: dict[str, dict] = {}
        for sessions in self._parallel(self._sessions_of, contact_ids):
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

    def _canonical_contacts(self, day: date) -> list[str]:
        """The canonical contacts among the day's external contacts (merged ones lead to them)."""
        return sorted({c["id"] for c in self._landed("external_contacts", day)
                       if (c.get("canonicalContact") or {}).get("id", c["id"]) == c["id"]})

    def _sessions_of(self, contact_id: str) -> list:
        try:
            return [s for _, records in self._pages("journey_sessions", contact_id=contact_id) for s in records]
        except NotFound:
            return []

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


def _timestamp(value) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except (TypeError, ValueError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _during(session: dict, start: datetime, end: datetime) -> bool:
    """Whether a session can hold events of [start, end): begun before the end, not ended before
    the start. A session without readable times is kept."""
    began, ended = _timestamp(session.get("createdDate")), _timestamp(session.get("endedDate"))
    return (began is None or began < end) and (ended is None or ended >= start)


def _created_within(event, start: datetime, end: datetime) -> bool:
    """An event of [start, end); one without a readable time is kept, for validation to reject."""
    created = _timestamp(event.get("createdDate")) if isinstance(event, dict) else None
    return created is None or start <= created < end


def _started_before(session, end: datetime) -> bool:
    """False only for a session that provably started at or after ``end``; a record without a
    readable start is kept, for validation to reject with its reason."""
    started = _timestamp(session.get("createdDate")) if isinstance(session, dict) else None
    return started is None or started < end
