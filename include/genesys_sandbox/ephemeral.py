"""Ephemeral contacts: Predictive Engagement makes an external contact from a visitor's cookie
(help.mypurecloud.com, web sessions: "creates contacts from cookies"; the SDK's ExternalContact
type Ephemeral), and a chat started from an anonymous page names it. Such a record holds no
identifier of its own, and it expires 60 days after its last interaction like an Identified one.

A cookie is no person: on the shared home computer two people's chats name one ephemeral contact.
The truth therefore gives the record no owner and no verified link; a resolver that joined the
chats through it would join two people.

Planted after the org's activity, with ids from a generator of their own, so nothing else the org
generates changes."""

from __future__ import annotations

import random

from .activity import Activity
from .identities import Contact, new_id


def plant_ephemeral_contacts(seed: int, activity: Activity, contacts: dict[str, Contact]) -> list[dict]:
    """Names each anonymous chat's cookie contact on the chat (before and after any late change);
    returns the traps: one per contact, with the people whose chats name it."""
    made: dict[str, Contact] = {}
    people: dict[str, set[str]] = {}
    for conv in sorted(activity.conversations, key=lambda c: (c.start, c.body["conversationId"])):
        cookie = _anonymous_cookie(conv.body)
        if cookie is None:
            continue
        contact = made.get(cookie)
        if contact is None:
            contact = Contact(
                id=new_id(random.Random(f"{seed}:ephemeral:{cookie}")),
                pid=conv.pid,
                channel="web",
                created=conv.start,
                external_id=None,
                phone=None,
                phone_written=None,
                phone_has_e164=False,
                email_written=None,
                kind="Ephemeral",
            )
            made[cookie] = contacts[contact.id] = contact
        people.setdefault(contact.id, set()).add(conv.pid)
        for record in (conv.body, conv.late_change.before if conv.late_change else None):
            if record is not None:
                record["participants"][0]["externalContactId"] = contact.id
    return [
        {"kind": "ephemeral_contact", "contact": contact_id, "persons": sorted(pids)}
        for contact_id, pids in sorted(people.items())
    ]


def _anonymous_cookie(body: dict) -> str | None:
    """The cookie of a conversation started from an anonymous web session, if it is one."""
    customer = body["participants"][0]
    if customer.get("externalContactId"):
        return None
    for session in customer["sessions"]:
        if session.get("journeyCustomerIdType") == "cookie" and session.get("authenticated") is False:
            return session.get("journeyCustomerId")
    return None
