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


def contact_at(org: Org, contact_id: str, now: datetime) -> dict | None:
    contact = org.contacts.get(contact_id)
    if contact is None or contact.created > now:
        return None
    merged = contact.merged_at is not None and contact.merged_at <= now
    merged_from = [m for m in org.merged_from.get(contact_id, []) if org.contacts[m].merged_at <= now]
    return contact_body(contact, org.person_by_id[contact.pid], merged_from, merged)


def canonical_id(org: Org, contact_id: str, now: datetime) -> str:
    contact = org.contacts[contact_id]
    if contact.merged_into and contact.merged_at <= now:
        return contact.merged_into
    return contact_id
