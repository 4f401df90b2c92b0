"""What the API shows at a given moment: conversations still in progress, wrap-up codes that
arrive a day late, records corrected days after the end (late_changes.py), contacts before and
after a merge, events not yet recorded."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta

from .activity import Conversation, contact_body
from .org import Org
from .timefmt import iso

LATE_WRAPUP_DELAY = timedelta(hours=24)


def conversation_at(conv: Conversation, now: datetime) -> dict | None:
    if conv.start > now:
        return None
    record = conv.late_change.before if conv.late_change and now < conv.late_change.at else conv.body
    settled = now >= conv.end and (not conv.late_wrapup or now >= conv.end + LATE_WRAPUP_DELAY)
    if settled:
        return record
    body = copy.deepcopy(record)
    cutoff = iso(now)
    if now < conv.end:
        del body["conversationEnd"]
    for participant in body["participants"]:
        for session in participant["sessions"]:
            kept = []
            for segment in session["segments"]:
                if segment["segmentStart"] > cutoff:
                    continue
                if segment.get("segmentEnd", "") > cutoff:
                    del segment["segmentEnd"]
                    segment.pop("disconnectType", None)
                    segment.pop("wrapUpCode", None)
                    segment.pop("wrapUpNote", None)
                kept.append(segment)
            session["segments"] = kept
        participant["sessions"] = [s for s in participant["sessions"] if s["segments"]]
    body["participants"] = [p for p in body["participants"] if p["sessions"]]
    if conv.late_wrapup and now < conv.end + LATE_WRAPUP_DELAY:
        for participant in body["participants"]:
            for session in participant["sessions"]:
                for segment in session["segments"]:
                    segment.pop("wrapUpCode", None)
    return body


def last_activity(conv: Conversation, now: datetime) -> datetime:
    """Until when the conversation has had activity, seen at ``now``: its end, or now while it is open."""
    return min(conv.end, now)


# Identified and Ephemeral contacts are deleted 60 days after their last interaction; Curated ones
# are kept (help.mypurecloud.com, "Data retention periods by feature": external contacts).
CONTACT_EXPIRY = timedelta(days=60)


def contact_at(org: Org, contact_id: str, now: datetime, resolve: bool = False) -> dict | None:
    """The contact's record at ``now``, or None (404) before it exists or once it has expired. With
    ``resolve``, a merged-away id answers with the contact at the head of its merge."""
    contact = org.contacts.get(contact_id)
    if contact is None or contact.created > now:
        return None
    merged = contact.merged_at is not None and contact.merged_at <= now
    if merged and resolve:
        return contact_at(org, contact.merged_into, now, resolve=True)
    if not merged and contact_expired(org, contact_id, now):
        return None
    merged_from = [m for m in org.merged_from.get(contact_id, []) if org.contacts[m].merged_at <= now]
    return contact_body(contact, org.person_by_id[contact.pid], merged_from, merged)


def contact_expired(org: Org, contact_id: str, now: datetime) -> bool:
    contact = org.contacts[contact_id]
    return contact.kind != "Curated" and now >= org.last_interaction[contact_id] + CONTACT_EXPIRY


def canonical_id(org: Org, contact_id: str, now: datetime) -> str:
    contact = org.contacts[contact_id]
    if contact.merged_into and contact.merged_at <= now:
        return contact.merged_into
    return contact_id
