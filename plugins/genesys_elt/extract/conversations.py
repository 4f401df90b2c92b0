"""Conversation streams: the analytics conversation details job for a day, once the API's
data-availability date has passed the day's end, and the external contacts those conversations
reference, followed through merges to their canonical contact."""

from __future__ import annotations

from datetime import date, datetime

from ..errors import NotFound, NotYetAvailable
from ..streams import PLATFORM
from .base import PAGE_RECORDS, ExtractorBase, day_end


class ConversationStreams(ExtractorBase):
    def conversations(self, day: date, requests_before: int) -> dict:
        self.require_available(day)
        return self._simple_slice("conversations", day, PLATFORM, self._query_pages("conversations", day),
                                  requests_before)

    def availability(self) -> datetime:
        body = self._get("conversation_availability")
        return datetime.fromisoformat(body["dataAvailabilityDate"].replace("Z", "+00:00"))

    def require_available(self, day: date) -> None:
        available = self.availability()
        if available < day_end(day):
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
        with self._writer("external_contacts", day, PLATFORM) as writer:
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
