"""Each paging style walks to the end with no record lost or repeated."""

from __future__ import annotations

import time

import pytest

from genesys_sandbox.render import contact_expired

from .helpers import EC, JOBS, PE, conversations_job, day_params, follow_next_uri, journey_query

pytestmark = pytest.mark.integration


def _unique(ids: list[str]) -> set[str]:
    assert len(ids) == len(set(ids)), "a record was repeated across pages"
    return set(ids)


def test_page_numbers_with_next_uri(api, shared_sandbox):
    walked = follow_next_uri(api, f"{PE}/campaigns", "entities", params={"pageSize": 2})
    expected = {c.id for c in shared_sandbox.api.org.campaigns if c.created <= shared_sandbox.clock()}
    assert _unique([c["id"] for c in walked]) == expected and len(expected) > 2


def test_next_page_uri_is_followed_not_computed(api, shared_sandbox):
    campaign = max(shared_sandbox.api.org.campaigns, key=lambda c: len(c.steps))
    params = {**day_params("2026-11-18", "2026-11-19"), "groupBy": "step"}
    whole = api.ok("GET", f"{PE}/campaigns/{campaign.id}/analytics", params={**params, "pageSize": 1000})["steps"]
    walked = follow_next_uri(
        api, f"{PE}/campaigns/{campaign.id}/analytics", "steps", link="nextPageUri", params={**params, "pageSize": 1}
    )
    assert [s["stepId"] for s in walked] == [s["stepId"] for s in whole]
    assert len(whole) == len(campaign.steps) >= 4
    # Page arithmetic does not work: the API ignores a made-up pageNumber and repeats page one.
    guessed = api.ok(
        "GET", f"{PE}/campaigns/{campaign.id}/analytics", params={**params, "pageSize": 1, "pageNumber": 2}
    )
    assert guessed["steps"][0]["stepId"] == whole[0]["stepId"]


def test_cursor_on_conversation_job_results(api, shared_sandbox):
    interval = "2026-11-19T00:00:00.000Z/2026-11-21T00:00:00.000Z"
    walked = conversations_job(api, interval, page_size=7)
    # every conversation with activity in the interval, as the platform's jobs return them
    expected = {
        c.body["conversationId"]
        for c in shared_sandbox.api.org.conversations
        if c.body["conversationStart"][:10] <= "2026-11-20" and c.end.date().isoformat() >= "2026-11-19"
    }
    assert _unique([c["conversationId"] for c in walked]) == expected and len(expected) > 50


def test_cursor_and_has_more_on_journey_query(api, shared_sandbox):
    walked = journey_query(api, "2026-11-20T00:00:00.000Z", "2026-11-21T00:00:00.000Z", page_size=50)
    expected = {e["id"] for e in shared_sandbox.api.org.activity.events if e["createdDate"][:10] == "2026-11-20"}
    assert _unique([e["id"] for e in walked]) == expected and len(expected) > 100


def test_cursors_after_on_contact_scan(api, shared_sandbox):
    walked = follow_next_uri(api, f"{EC}/scan/contacts", "entities", params={"limit": 50})
    org, now = shared_sandbox.api.org, shared_sandbox.api.clock()
    live = {c for c, contact in org.contacts.items() if contact.created <= now and not contact_expired(org, c, now)}
    assert len(live) < len(org.contacts)  # Identified contacts idle for 60 days have expired
    assert _unique([c["id"] for c in walked]) == live


def test_after_in_next_uri_on_journey_sessions_and_events(api, shared_sandbox):
    org = shared_sandbox.api.org
    contact_id = max(org.sessions_by_contact, key=lambda c: len(org.sessions_by_contact[c]))
    walked = follow_next_uri(api, f"{EC}/contacts/{contact_id}/journey/sessions", "entities", params={"pageSize": 1})
    assert _unique([s["id"] for s in walked]) == {s["id"] for s in org.sessions_by_contact[contact_id]}
    assert len(walked) >= 2
    session_id = walked[0]["id"]
    events = follow_next_uri(api, f"/api/v2/journey/sessions/{session_id}/events", "entities", params={"pageSize": 1})
    assert _unique([e["id"] for e in events]) == {e["id"] for e in org.activity.session_events[session_id]}


def test_a_forged_or_foreign_cursor_is_refused(api):
    interval = "2026-11-20T00:00:00.000Z/2026-11-21T00:00:00.000Z"
    job_id = api.ok("POST", JOBS, json={"interval": interval})["jobId"]
    response = api.get(f"{EC}/scan/contacts", params={"cursor": "eyJzIjoic2NhbiIsIm8iOjV9"})
    assert response.status_code == 400
    scan_cursor = api.ok("GET", f"{EC}/scan/contacts", params={"limit": 1})["cursors"]["after"]
    time.sleep(0.7)
    foreign = api.get(f"{JOBS}/{job_id}/results", params={"cursor": scan_cursor})
    assert foreign.status_code == 400 and "another query" in foreign.json()["message"]
