"""Conversation streams: the analytics conversation details job for a day, once the API's
data-availability date has passed the day's end, and the external contacts those conversations
reference, followed through merges to their canonical contact."""

from __future__ import annotations

import logging
from datetime import date, datetime

from ..errors import UNSERVED_STATUSES, ApiError, NotFound, NotYetAvailable
from ..streams import PLATFORM
from .base import PAGE_RECORDS, ExtractorBase, day_end

log = logging.getLogger(__name__)

# Why a re-landed contacts slice carries records over from the slice it replaces (manifest, load_audit).
KEPT_CONTACTS_REASON = (
    "the API answered 404 for contacts this slice held before (Identified and Ephemeral contacts "
    "expire 60 days after their last interaction): the records landed earlier are kept"
)


def merge_record(requested_id: str, head: dict) -> dict:
    """What a fetch of a merged-away id that answered with the head of its merge says about the old
    id, in the ExternalContact shape: it now resolves to the head."""
    ref = {"id": head["id"], "selfUri": f"/api/v2/externalcontacts/contacts/{head['id']}"}
    return {
        "id": requested_id,
        "canonicalContact": ref,
        "mergedTo": ref,
        "selfUri": f"/api/v2/externalcontacts/contacts/{requested_id}",
    }


class ConversationStreams(ExtractorBase):
    def conversations(self, day: date, requests_before: int) -> dict:
        self.require_available(day)
        return self._simple_slice(
            "conversations", day, PLATFORM, self._query_pages("conversations", day), requests_before
        )

    def availability(self) -> datetime:
        body = self._get("conversation_availability")
        return datetime.fromisoformat(body["dataAvailabilityDate"].replace("Z", "+00:00"))

    def require_available(self, day: date) -> None:
        available = self.availability()
        if available < day_end(day):
            raise NotYetAvailable(
                f"conversation data is complete up to {available.isoformat()}, before the end of {day}"
            )

    def external_contacts(self, day: date, requests_before: int) -> dict:
        """The contacts the day's conversations reference, followed through merges to the contact at
        the head of each. A re-landed slice keeps the records it held that the API now answers 404
        for: Identified and Ephemeral contacts expire 60 days after their last interaction, and a
        backfill must not delete what the warehouse already holds."""
        wanted = sorted(
            {
                p["externalContactId"]
                for c in self._landed("conversations", day)
                for p in c.get("participants", [])
                if p.get("externalContactId")
            }
        )
        earlier = {r["id"]: r for r in self._earlier_records("external_contacts", day)}
        landed: dict[str, dict] = {}  # as the API answered, by the id asked for
        kept: dict[str, dict] = {}  # landed before, now 404
        missing: list[str] = []
        merges = 0
        while wanted:
            for cid, body in self._contacts(wanted).items():
                if body is None and cid in earlier:
                    kept[cid] = earlier[cid]
                elif body is None:
                    missing.append(cid)
                elif body.get("id") != cid:
                    # The platform resolves a merged-away id to the head of the merge: what it told
                    # us is that the two were merged, and that is what is landed for the old id.
                    merges += 1
                    landed[cid] = merge_record(cid, body)
                    landed.setdefault(body["id"], body)
                else:
                    landed[cid] = body
            known = set(landed) | set(kept) | set(missing)
            wanted = sorted(
                {
                    ref
                    for body in [*landed.values(), *kept.values()]
                    for ref in [(body.get("canonicalContact") or {}).get("id")]
                    if ref and ref not in known
                }
            )
        with self._writer("external_contacts", day, PLATFORM) as writer:
            found = [landed[cid] for cid in sorted(landed)]
            for start in range(0, len(found), PAGE_RECORDS):
                writer.write_page(found[start : start + PAGE_RECORDS])
            writer.keep_page([kept[cid] for cid in sorted(kept)])
            for cid in missing:
                writer.reject({"id": cid}, "external contact not found (404)")
            extra = {"merges_followed": merges} if merges else {}
            if kept:
                extra["kept_reason"] = KEPT_CONTACTS_REASON
            return writer.commit(requests=self.pool.sent - requests_before, **extra)

    def _contacts(self, ids: list[str]) -> dict[str, dict | None]:
        """Each contact by id (None: not found): in bulk where the org serves the bulk fetch, as
        many ids a request as it takes (BULK_CONTACT_IDS to begin with; the SDK gives no maximum, so
        a batch refused with 400 is halved and sent again); one GET each where it does not."""
        while ids and self.bulk_contacts_served:
            size = self.bulk_contact_ids
            batches = [ids[start : start + size] for start in range(0, len(ids), size)]
            try:
                return {cid: body for found in self._parallel(self._bulk_batch, batches) for cid, body in found.items()}
            except ApiError as exc:  # the request itself: a missing contact is a failed result, not an error
                if exc.status not in UNSERVED_STATUSES:
                    raise
                if exc.status == 400 and size > 1:
                    self.bulk_contact_ids = size // 2
                    log.warning("bulk contact fetch of %d ids refused (%s): sending %d", size, exc, size // 2)
                else:
                    log.warning("the org does not serve the bulk contact fetch (%s): one GET a contact", exc)
                    self.bulk_contacts_served = False
        return dict(zip(ids, self._parallel(self._contact_or_none, ids)))

    def _bulk_batch(self, ids: list[str]) -> dict[str, dict | None]:
        answer = self._get("external_contacts_bulk", entities=[{"id": cid} for cid in ids])
        results = {r.get("id"): r for r in answer.get("results", []) if isinstance(r, dict)}
        found: dict[str, dict | None] = {}
        for cid in ids:
            result = results.get(cid) or {}
            if result.get("success") and isinstance(result.get("entity"), dict):
                found[cid] = result["entity"]
            elif result.get("status") == 404:
                found[cid] = None
            else:  # left out or failed otherwise: its own GET, with the client's retries
                found[cid] = self._contact_or_none(cid)
        return found

    def _contact_or_none(self, contact_id: str) -> dict | None:
        try:
            return self._get("external_contact", contact_id=contact_id)
        except NotFound:
            return None
