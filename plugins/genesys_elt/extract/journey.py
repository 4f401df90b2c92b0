"""Journey streams: the day's journey events (an asynchronous journey query, or on the Platform
API the events of the sessions found through the day's contacts and conversations), and the
signed-in web sessions that no conversation of the day already ties to a contact, fetched by id."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from ..errors import NotFound
from ..streams import PLATFORM, SEED
from .base import PAGE_RECORDS, ExtractorBase, day_end


class JourneyStreams(ExtractorBase):
    def journey_events(self, day: date, requests_before: int) -> dict:
        return self._simple_slice(
            "journey_events", day, SEED, self._query_pages("journey_events", day), requests_before
        )

    def session_events(self, day: date, requests_before: int) -> dict:
        """The Platform API's journey events of day D: the events, created on D, of the sessions
        that D's canonical contacts had by the end of D and of the web sessions D's conversations
        started from. A session's events are paged by ``after``; the slice is ordered by time."""
        start, end = day_end(day) - timedelta(days=1), day_end(day)
        active = {
            s["id"]
            for sessions in self._parallel(self._sessions_of, self._canonical_contacts(day))
            for s in sessions
            if isinstance(s, dict) and s.get("id") and _during(s, start, end)
        }
        started_from = {
            s.get("journeyCustomerSessionId")
            for c in self._landed("conversations", day)
            if isinstance(c, dict)
            for p in c.get("participants", [])
            if isinstance(p, dict)
            for s in p.get("sessions", [])
            if isinstance(s, dict)
        }
        session_ids = sorted(active | {sid for sid in started_from if isinstance(sid, str) and sid})

        def events_of(session_id: str) -> list:
            try:
                return [
                    e
                    for _, records in self._pages("journey_session_events", session_id=session_id)
                    for e in records
                    if _created_within(e, start, end)
                ]
            except NotFound:
                return []

        events = [e for batch in self._parallel(events_of, session_ids) for e in batch]
        events.sort(key=lambda e: (str(e.get("createdDate")), str(e.get("id"))) if isinstance(e, dict) else ("", ""))
        with self._writer("journey_events", day, PLATFORM) as writer:
            for first in range(0, max(1, len(events)), PAGE_RECORDS):
                writer.write_page(events[first : first + PAGE_RECORDS])
            return writer.commit(requests=self.pool.sent - requests_before, sessions=len(session_ids))

    def journey_sessions(self, day: date, requests_before: int) -> dict:
        """The journey sessions of day D that say something D's other slices do not: every web
        session in which the visitor signed in on D (the only sessions the platform ties to an
        external contact), fetched by id, unless one of D's conversations already ties it to a
        contact (a call carrying its correlation id, or a chat started from it). The warehouse
        reads a signed-in session that was not fetched from its events."""
        tied_sessions, tied_correlations = _tied_by_conversations(self._landed("conversations", day))
        signed_in = _authenticated_web_sessions(self._landed("journey_events", day))
        wanted = sorted(
            sid
            for sid, correlations in signed_in.items()
            if sid not in tied_sessions and not correlations & tied_correlations
        )
        by_id = {s.get("id"): s for s in self._parallel(self._session_or_none, wanted) if s is not None}
        # A slice holds what had started by the end of its day, so re-extracting it later lands the
        # same sessions.
        ordered = [by_id[k] for k in sorted(by_id) if _started_before(by_id[k], day_end(day))]
        with self._writer("journey_sessions", day, PLATFORM) as writer:
            for start in range(0, max(1, len(ordered)), PAGE_RECORDS):
                writer.write_page(ordered[start : start + PAGE_RECORDS])
            return writer.commit(
                requests=self.pool.sent - requests_before,
                signed_in_sessions=len(signed_in),
                signed_in_sessions_fetched=len(wanted),
            )

    def _canonical_contacts(self, day: date) -> list[str]:
        """The canonical contacts among the day's external contacts (merged ones lead to them),
        less the Ephemeral ones: a cookie's record, whose other sessions name no customer (the
        session a chat started from is read all the same, through the chat)."""
        return sorted(
            {
                c["id"]
                for c in self._landed("external_contacts", day)
                if (c.get("canonicalContact") or {}).get("id", c["id"]) == c["id"] and c.get("type") != "Ephemeral"
            }
        )

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


def _authenticated_web_sessions(events) -> dict[str, set[str]]:
    """The web sessions in which the visitor signed in (the only web sessions the platform ties to
    an external contact), each with the correlation ids its events carry."""
    sessions: dict[str, set[str]] = {}
    for e in events:
        session = (e.get("session") or {}) if isinstance(e, dict) else {}
        if session.get("type") == "web" and session.get("id") and (e.get("webEvent") or {}).get("authenticated"):
            correlations = sessions.setdefault(session["id"], set())
            if isinstance(e.get("correlationId"), str):
                correlations.add(e["correlationId"])
    return sessions


def _tied_by_conversations(conversations) -> tuple[set[str], set[str]]:
    """The web session ids and correlation ids that the conversations' contact-bearing participants
    carry: a session reached through either is already tied to that contact."""
    sessions: set[str] = set()
    correlations: set[str] = set()
    for conversation in conversations:
        for participant in (conversation.get("participants") or []) if isinstance(conversation, dict) else []:
            if not isinstance(participant, dict) or not participant.get("externalContactId"):
                continue
            correlation = (participant.get("attributes") or {}).get("correlationId")
            if isinstance(correlation, str):
                correlations.add(correlation)
            sessions.update(
                s["journeyCustomerSessionId"]
                for s in participant.get("sessions") or []
                if isinstance(s, dict) and isinstance(s.get("journeyCustomerSessionId"), str)
            )
    return sessions, correlations


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
