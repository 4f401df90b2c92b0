"""Action maps and journey aggregates, the Platform API's Predictive Engagement: the official SDK's
shapes, the same funnels as the ground truth, and the API profiles that leave out one kind of path."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from genesys_sandbox.action_maps import FUNNEL_METRICS, METRICS
from genesys_sandbox.org import ground_truth
from tests.sdk_shapes import conformance_errors

from .helpers import JQ, PE

pytestmark = pytest.mark.integration

AM = "/api/v2/journey/actionmaps"
AGGREGATES = "/api/v2/analytics/journeys/aggregates/query"


def aggregates(api, first: date, end: date, **body) -> dict:
    return api.ok(
        "POST",
        AGGREGATES,
        json={
            "interval": f"{first}T00:00:00.000Z/{end}T00:00:00.000Z",
            "granularity": "P1D",
            "groupBy": ["journeyActionMapId", "journeyActionMapVersion"],
            **body,
        },
    )


def days_of(sandbox) -> tuple[date, date]:
    """The org's first day and the day after its last."""
    config = sandbox.api.org.config
    return config.first_day, config.last_day + timedelta(days=1)


def test_action_maps_and_aggregates_are_the_sdk_models(api, shared_sandbox):
    listing = api.ok("GET", AM, params={"pageSize": 100})
    assert not conformance_errors(listing, "ActionMapListing"), conformance_errors(listing, "ActionMapListing")
    assert len(listing["entities"]) == 6
    one = api.ok("GET", f"{AM}/{listing['entities'][0]['id']}")
    assert not conformance_errors(one, "ActionMap") and one == listing["entities"][0]
    body = aggregates(api, *days_of(shared_sandbox), metrics=list(METRICS))
    assert not conformance_errors(body, "JourneyAggregateQueryResponse"), conformance_errors(
        body, "JourneyAggregateQueryResponse"
    )[:5]
    assert {m["metric"] for c in body["results"] for d in c["data"] for m in d["metrics"]} == set(METRICS)


def test_aggregates_are_the_truths_funnels_with_each_days_version(api, shared_sandbox):
    truth = ground_truth(shared_sandbox.api.org)["actionMaps"]
    served = {}
    for container in aggregates(api, *days_of(shared_sandbox))["results"]:
        group = container["group"]
        for data in container["data"]:
            day = data["interval"][:10]
            served[(group["journeyActionMapId"], day)] = (
                int(group["journeyActionMapVersion"]),
                {m["metric"]: m["stats"]["count"] for m in data["metrics"]},
            )
    expected = {}
    for map_id, action_map in truth.items():
        for day, counts in action_map["funnel"].items():
            version = max(v["version"] for v in action_map["versions"] if v["since"][:10] <= day)
            expected[(map_id, day)] = (version, counts)
    assert served == expected and len(served) > 30
    # The traps the pipeline must meet: a version change part-way, and a map deactivated for good.
    assert any(len(m["versions"]) == 2 for m in truth.values())
    revised = next(m for m in truth.values() if len(m["versions"]) == 2)
    assert {v for (map_id, _), (v, _) in served.items() if truth[map_id] is revised} == {1, 2}
    ended = next(m for m in truth.values() if m["activity"][-1]["isActive"] is False)
    last_active = ended["activity"][-1]["since"][:10]
    assert max(day for day in ended["funnel"]) <= last_active
    for counts in expected.values():  # each funnel step holds at most the one before it
        steps = [counts[1][metric] for metric in FUNNEL_METRICS]
        assert steps == sorted(steps, reverse=True)


def test_aggregates_filter_on_one_action_map(api, shared_sandbox):
    every = aggregates(api, *days_of(shared_sandbox))["results"]
    one = every[0]["group"]["journeyActionMapId"]
    predicate = {"type": "dimension", "dimension": "journeyActionMapId", "operator": "matches", "value": one}
    body = aggregates(api, *days_of(shared_sandbox), filter={"type": "and", "predicates": [predicate]})
    assert not conformance_errors({"filter": {"type": "and", "predicates": [predicate]}}, "JourneyAggregationQuery")
    assert body["results"] == [c for c in every if c["group"]["journeyActionMapId"] == one]


def test_a_deactivated_map_says_so_and_when_it_ended(api, shared_sandbox):
    org = shared_sandbox.api.org
    archived = next(m for m in org.action_maps if m.campaign.status_at(shared_sandbox.clock()) == "archived")
    body = api.ok("GET", f"{AM}/{archived.id}")
    assert body["isActive"] is False and body["endDate"] and body["displayName"] == archived.campaign.name


def test_aggregates_refuse_what_they_do_not_serve(api, shared_sandbox):
    first, _ = days_of(shared_sandbox)
    for bad in ({"granularity": "PT1H"}, {"groupBy": ["journeyActionId"]}, {"metrics": ["nWebActionsTimedout"]}):
        response = api.post(
            AGGREGATES,
            json={
                "interval": f"{first}T00:00:00.000Z/{first + timedelta(days=1)}T00:00:00.000Z",
                "granularity": "P1D",
                **bad,
            },
        )
        assert response.status_code == 400 and response.json()["code"] == "bad.request", bad


def test_a_platform_org_answers_404_on_the_seed_paths_and_a_seed_org_on_the_new_ones(sandbox_factory):
    _, platform = sandbox_factory(api_profile="platform", customers=50, days=3)
    assert platform.get(f"{PE}/campaigns").status_code == 404
    assert platform.post(JQ, json={"type": "journey"}).status_code == 404
    assert platform.get(AM).status_code == 200
    assert platform.get("/api/v2/externalcontacts/scan/contacts").status_code == 200
    _, seed = sandbox_factory(api_profile="seed", customers=50, days=3)
    assert seed.get(AM).status_code == 404 and seed.post(AGGREGATES, json={}).status_code == 404
    assert seed.get(f"{PE}/campaigns").status_code == 200
