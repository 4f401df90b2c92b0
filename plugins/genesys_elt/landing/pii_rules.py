"""Where PII sits in each stream's records, and its replacement by tokens. The walkers tolerate
malformed records: a rejected record is scrubbed too before it is written to the rejects file."""

from __future__ import annotations

from typing import Callable

from .pseudonymize import Pseudonymizer

ADDRESS_FIELDS = ("ani", "dnis", "addressFrom", "addressTo", "addressSelf", "addressOther", "remote", "callbackNumbers")
TEXT_SEGMENT_FIELDS = ("wrapUpNote", "subject")
CONTACT_EMAILS = ("workEmail", "personalEmail", "otherEmail")
CONTACT_PHONES = ("workPhone", "cellPhone", "homePhone", "otherPhone")
CONTACT_TEXT = ("firstName", "middleName", "lastName", "salutation", "title")
# Participant attributes that hold identifiers typed by the customer: pseudonymized by kind.
ATTRIBUTE_KINDS = {
    "correlationId": None,
    "customerPhone": "phone",
    "phone": "phone",
    "customerEmail": "email",
    "email": "email",
}


def _dicts(value) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _str(value) -> bool:
    return isinstance(value, str) and value != ""


def conversation(p: Pseudonymizer, record: dict) -> dict:
    for participant in _dicts(record.get("participants")):
        if _str(participant.get("participantName")):
            participant["participantName"] = p.text(participant["participantName"])
        attributes = participant.get("attributes")
        if isinstance(attributes, dict):
            for key, value in list(attributes.items()):
                if not _str(value):
                    continue
                kind = ATTRIBUTE_KINDS.get(key, "text")
                if kind == "phone":
                    attributes[key] = p.phone(value)
                elif kind == "email":
                    attributes[key] = p.email(value)
                elif kind == "text":
                    attributes[key] = p.text(value)
        for session in _dicts(participant.get("sessions")):
            for name in ADDRESS_FIELDS:
                value = session.get(name)
                if _str(value):
                    session[name] = p.address(value)
                elif isinstance(value, list):
                    session[name] = [p.address(v) if _str(v) else v for v in value]
            if _str(session.get("journeyCustomerId")) and session.get("journeyCustomerIdType", "cookie") == "cookie":
                session["journeyCustomerId"] = p.cookie(session["journeyCustomerId"])
            for segment in _dicts(session.get("segments")):
                for name in TEXT_SEGMENT_FIELDS:
                    if _str(segment.get(name)):
                        segment[name] = p.text(segment[name])
    return record


def external_contact(p: Pseudonymizer, record: dict) -> dict:
    for name in CONTACT_TEXT:
        if _str(record.get(name)):
            record[name] = p.text(record[name])
    for name in CONTACT_EMAILS:
        if _str(record.get(name)):
            record[name] = p.email(record[name])
    for name in CONTACT_PHONES:
        phone = record.get(name)
        if isinstance(phone, dict):
            raw = next((phone[k] for k in ("e164", "display", "userInput") if _str(phone.get(k))), None)
            region = phone.get("countryCode") if _str(phone.get("countryCode")) else None
            record[name] = {"e164": p.phone(raw, region)} if raw else {}
            if region:
                record[name]["countryCode"] = region
    if isinstance(record.get("address"), dict):
        record["address"] = {k: p.text(v) if _str(v) else v for k, v in record["address"].items()}
    for identifier in _dicts(record.get("identifiers")):
        value, kind = identifier.get("value"), identifier.get("type")
        if _str(value):
            identifier["value"] = {"Email": p.email, "Phone": p.phone, "Cookie": p.cookie}.get(kind, lambda v: v)(value)
    return record


def _web(p: Pseudonymizer, holder: dict) -> None:
    if _str(holder.get("ipAddress")):
        holder["ipAddress"] = p.ip(holder["ipAddress"])
    for part in ("device", "browser"):
        if isinstance(holder.get(part), dict) and _str(holder[part].get("fingerprint")):
            holder[part]["fingerprint"] = p.device(holder[part]["fingerprint"])


def journey_event(p: Pseudonymizer, record: dict) -> dict:
    if _str(record.get("customerId")) and record.get("customerIdType") == "cookie":
        record["customerId"] = p.cookie(record["customerId"])
    web = record.get("webEvent")
    if isinstance(web, dict):
        _web(p, web)
        traits = web.get("traits")
        if isinstance(traits, dict):
            for key, trait in traits.items():
                value = trait.get("value") if isinstance(trait, dict) else None
                if _str(value):
                    trait["value"] = (
                        p.phone(value)
                        if "phone" in key.lower()
                        else p.email(value)
                        if "email" in key.lower()
                        else p.text(value)
                    )
        if _str(web.get("searchQuery")):
            web["searchQuery"] = p.text(web["searchQuery"])
    return record


def journey_session(p: Pseudonymizer, record: dict) -> dict:
    if _str(record.get("customerId")) and record.get("customerIdType") == "cookie":
        record["customerId"] = p.cookie(record["customerId"])
    _web(p, record)
    return record


def agent(p: Pseudonymizer, record: dict) -> dict:
    """An employee: the display name stays readable for BI; emails, phones and the username (an
    email address) become tokens like a customer's."""
    for name in ("email", "username"):
        if _str(record.get(name)):
            record[name] = p.email(record[name])
    for contact in _dicts(record.get("primaryContactInfo")) + _dicts(record.get("addresses")):
        kind = contact.get("mediaType")
        for name in ("address", "display"):
            if _str(contact.get(name)):
                contact[name] = p.email(contact[name]) if kind == "EMAIL" else p.phone(contact[name])
    return record


def nothing(p: Pseudonymizer, record: dict) -> dict:
    return record


def scrub(rule: Callable[[Pseudonymizer, dict], dict], p: Pseudonymizer, record: object) -> object:
    """A pseudonymized deep copy of one record under its stream's rule. A stray string could be
    anything: it becomes a token."""
    if isinstance(record, str):
        return p.text(record)
    if not isinstance(record, dict):
        return record
    return rule(p, _copied(record))


def _copied(value: object) -> object:
    """A deep copy of decoded JSON (dicts, lists, scalars): several times faster than
    ``copy.deepcopy``, which keeps a memo for cycles that JSON cannot have."""
    if isinstance(value, dict):
        return {key: _copied(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copied(item) for item in value]
    return value
