"""Behaviour that depends on the org's clock: late data, merges, archival, retraining, settling."""

from __future__ import annotations

from datetime import timedelta

import pytest

from genesys_sandbox.org import ground_truth
from genesys_sandbox.timefmt import day_end, iso, parse_iso

from .helpers import EC, JOBS, PE, conversations_job, day_params, wrap_up_codes

pytestmark = pytest.mark.integration


def _conversation(api, conv_id: str, day: str) -> dict:
    next_day = (parse_iso(f"{day}T00:00:00Z") + timedelta(days=1)).date().isoformat()
    found = [
        c
        for c in conversations_job(api, f"{day}T00:00:00.000Z/{next_day}T00:00:00.000Z")
        if c["conversationId"] == conv_id
    ]
    assert len(found) == 1
    return found[0]


def test_wrap_up_code_arrives_a_day_late(sandbox_factory):
    sandbox, api = sandbox_factory()
    conv = next(c for c in sandbox.api.org.conversations if c.late_wrapup and c.day.isoformat() == "2026-11-18")
    conv_id, day = conv.body["conversationId"], conv.day.isoformat()
    api.control(now=iso(conv.end + timedelta(hours=2)))
    first = _conversation(api, conv_id, day)
    assert first["conversationEnd"] == iso(conv.end)
    assert wrap_up_codes(first) and not any(wrap_up_codes(first))
    api.control(now=iso(conv.end + timedelta(hours=25)))
    assert all(wrap_up_codes(_conversation(api, conv_id, day)))


def test_in_progress_conversations_have_no_end_until_they_end(sandbox_factory):
    sandbox, api = sandbox_factory()
    truth = ground_truth(sandbox.api.org)
    open_one = next(t for t in truth["traps"] if t["kind"] == "in_progress")
    conv = next(c for c in sandbox.api.org.conversations if c.body["conversationId"] == open_one["conversation"])
    day = conv.day.isoformat()
    now = conv.start + timedelta(hours=6)
    api.control(now=iso(now))
    live = _conversation(api, open_one["conversation"], day)
    assert "conversationEnd" not in live
    assert any("segmentEnd" not in s for p in live["participants"] for sess in p["sessions"] for s in sess["segments"])
    api.control(now=iso(conv.end + timedelta(days=2)))
    assert _conversation(api, open_one["conversation"], day)["conversationEnd"] == open_one["trueEnd"]


@pytest.mark.parametrize("answer", ["head", "record"])
def test_a_merge_creates_a_new_contact_that_both_old_ids_resolve_to(sandbox_factory, answer):
    sandbox, api = sandbox_factory(merged_contact_answer=answer)
    head = next(c for c in sandbox.api.org.contacts.values() if c.channel == "merge")
    old = [c for c in sandbox.api.org.contacts.values() if c.merged_into == head.id]
    assert len(old) == 2 and all(c.merged_at == head.created for c in old)
    api.control(now=iso(head.created - timedelta(minutes=1)))
    assert api.get(f"{EC}/contacts/{head.id}").status_code == 404  # the new record does not exist yet
    for contact in old:
        before = api.ok("GET", f"{EC}/contacts/{contact.id}")
        assert before["id"] == before["canonicalContact"]["id"] == contact.id and "mergedTo" not in before
    api.control(now=iso(head.created + timedelta(minutes=1)))
    merged = api.ok("GET", f"{EC}/contacts/{head.id}")
    assert {m["id"] for m in merged["mergedFrom"]} == {c.id for c in old}
    assert {m["id"] for m in merged["mergeSet"]} == {head.id} | {c.id for c in old}
    for contact in old:
        after = api.ok("GET", f"{EC}/contacts/{contact.id}")
        bulk = api.ok("POST", f"{EC}/bulk/contacts", json={"entities": [{"id": contact.id}]})["results"][0]
        unresolved = api.ok("GET", f"{EC}/contacts/{contact.id}/unresolved")
        assert bulk["id"] == contact.id and bulk["entity"] == after
        assert unresolved["id"] == contact.id and unresolved["mergedTo"]["id"] == head.id
        assert after == (merged if answer == "head" else unresolved)


def test_archived_campaign_refuses_analytics(sandbox_factory):
    sandbox, api = sandbox_factory()
    campaign = next(c for c in sandbox.api.org.campaigns if c.statuses[-1][1] == "archived")
    archived_at = campaign.statuses[-1][0]
    params = {**day_params("2026-11-15", "2026-11-16"), "groupBy": "step"}
    api.control(now=iso(archived_at - timedelta(hours=1)))
    assert api.ok("GET", f"{PE}/campaigns/{campaign.id}")["status"] == "active"
    assert api.get(f"{PE}/campaigns/{campaign.id}/analytics", params=params).status_code == 200
    api.control(now=iso(archived_at + timedelta(hours=1)))
    assert api.ok("GET", f"{PE}/campaigns/{campaign.id}")["status"] == "archived"
    assert api.get(f"{PE}/campaigns/{campaign.id}/analytics", params=params).status_code == 404


def test_scorecards_settle_over_48_hours_and_retraining_recomputes_history(sandbox_factory):
    sandbox, api = sandbox_factory()
    org = sandbox.api.org
    truth = ground_truth(org)
    # A retraining with three settled days before it, inside the generated range.
    scorecard, index = next(
        (s, i)
        for s in org.scorecards
        for i in range(1, len(s.versions))
        if (s.versions[i].trained_at - timedelta(days=3)).date() >= org.config.first_day
    )
    previous, retrain = scorecard.versions[index - 1], scorecard.versions[index]
    day = (retrain.trained_at - timedelta(days=3)).date()
    params = {**day_params(day.isoformat(), (day + timedelta(days=1)).isoformat()), "metric": "performance"}
    path = f"{PE}/scorecards/{scorecard.id}/analytics"

    api.control(now=iso(day_end(day) + timedelta(hours=1)))
    early = api.ok("GET", path, params=params)
    api.control(now=iso(day_end(day) + timedelta(hours=49)))
    settled = api.ok("GET", path, params=params)
    assert early["modelVersion"] == settled["modelVersion"] == previous.version
    assert early["performanceMetrics"]["actualConversionRate"] < settled["performanceMetrics"]["actualConversionRate"]
    assert (
        settled["performanceMetrics"]
        == truth["scorecards"][scorecard.id]["metrics"][previous.version][day.isoformat()]["performanceMetrics"]
    )

    api.control(now=iso(retrain.trained_at + timedelta(hours=1)))
    recomputed = api.ok("GET", path, params=params)
    assert recomputed["modelVersion"] == retrain.version and recomputed["retrainedAt"] == iso(retrain.trained_at)
    assert (
        recomputed["performanceMetrics"]
        == truth["scorecards"][scorecard.id]["metrics"][retrain.version][day.isoformat()]["performanceMetrics"]
    )
    assert recomputed["performanceMetrics"] != settled["performanceMetrics"]


def test_data_availability_lags_the_clock_by_hours_unevenly_and_never_goes_back(sandbox_factory):
    sandbox, api = sandbox_factory(availability_lag_minutes=90)
    start = sandbox.clock()
    lags, previous = set(), None
    for minutes in range(0, 24 * 60, 17):
        api.control(now=iso(start + timedelta(minutes=minutes)))
        available = parse_iso(api.ok("GET", f"{JOBS}/availability")["dataAvailabilityDate"])
        lag = sandbox.clock() - available
        assert timedelta(minutes=90) <= lag <= timedelta(minutes=90 + 180)
        assert previous is None or available >= previous
        lags.add(lag)
        previous = available
    assert len(lags) > 20  # uneven: not one constant offset


def test_campaign_funnels_equal_the_truth(api, shared_sandbox):
    truth = ground_truth(shared_sandbox.api.org)
    for campaign_id, campaign in truth["campaigns"].items():
        for day, steps in list(campaign["funnel"].items())[:3]:
            response = api.get(
                f"{PE}/campaigns/{campaign_id}/analytics",
                params={
                    **day_params(day, (parse_iso(day + "T00:00:00Z") + timedelta(days=1)).date().isoformat()),
                    "groupBy": "step",
                },
            )
            if response.status_code == 404:  # archived by the shared sandbox's clock
                assert campaign["statuses"][-1]["status"] == "archived"
                continue
            assert [s["contactCount"] for s in response.json()["steps"]] == [s["contactCount"] for s in steps]
