"""Ephemeral contacts: the records Predictive Engagement makes from a visitor's cookie, named by
chats started from anonymous pages; no owner and no verified link in the truth, and they expire
like Identified contacts."""

from __future__ import annotations

from datetime import date, timedelta

from genesys_sandbox.org import OrgConfig, generate, ground_truth
from genesys_sandbox.render import CONTACT_EXPIRY

EC = "/api/v2/externalcontacts/contacts"


def _ephemeral(truth: dict) -> dict[str, list[str]]:
    return {t["contact"]: t["persons"] for t in truth["traps"] if t["kind"] == "ephemeral_contact"}


def test_anonymous_chats_name_their_cookies_ephemeral_contact(api, shared_sandbox):
    org = shared_sandbox.api.org
    truth = ground_truth(org)
    ephemeral = _ephemeral(truth)
    assert len(ephemeral) > 10
    for contact_id in list(ephemeral)[:10]:
        body = api.ok("GET", f"{EC}/{contact_id}")
        assert body["type"] == "Ephemeral" and body["canonicalContact"]["id"] == contact_id
        assert not {"firstName", "cellPhone", "personalEmail", "externalIds"} & set(body)
    naming = [conv for conv in org.conversations if conv.body["participants"][0].get("externalContactId") in ephemeral]
    assert naming
    for conv in naming:
        session = conv.body["participants"][0]["sessions"][0]
        assert session["journeyCustomerIdType"] == "cookie" and not session["authenticated"]
    # a cookie is no person: the record has no owner, and no verified edge reaches it
    assert not {f"contact:{c}" for c in ephemeral} & set(truth["owner"])
    assert not {f"contact:{c}" for c in ephemeral} & {node for edge in truth["edges"] for node in edge}


def test_a_shared_computer_makes_one_ephemeral_contact_for_two_people():
    org = generate(OrgConfig(seed=42, customers=600, days=14, end_date=date(2026, 11, 21)))
    shared = [persons for persons in _ephemeral(ground_truth(org)).values() if len(persons) > 1]
    assert shared and all(len(set(persons)) == 2 for persons in shared)


def test_ephemeral_contacts_expire_sixty_days_after_their_last_chat(sandbox_factory):
    sandbox, api = sandbox_factory(customers=120, days=5)
    org = sandbox.api.org
    contact_id = next(iter(_ephemeral(ground_truth(org))))
    assert api.get(f"{EC}/{contact_id}").status_code == 200
    api.control(now=(org.last_interaction[contact_id] + CONTACT_EXPIRY + timedelta(minutes=1)).isoformat())
    assert api.get(f"{EC}/{contact_id}").status_code == 404
