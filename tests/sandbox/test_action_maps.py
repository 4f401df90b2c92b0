"""Action maps and journey aggregates, the Platform API's Predictive Engagement: the official SDK's
shapes, the same funnels as the ground truth, and the API profiles that leave out one kind of path."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from genesys_sandbox.action_maps import FUNNEL_METRICS, METRICS, OUTCOME_METRICS
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
    assert len(listing["entities"]) == 5  # six campaigns' maps, one deleted
    one = api.ok("GET", f"{AM}/{listing['entities'][0]['id']}")
    assert not conformance_errors(one, "ActionMap") and one == listing["entities"][0]
    body = aggregates(api, *days_of(shared_sandbox), metrics=list(METRICS))
    assert not conformance_errors(body, "JourneyAggregateQueryResponse"), conformance_errors(
        body, "JourneyAggregateQueryResponse"
    )[:5]
    assert {m["metric"] for c in body["results"] for d in c["data"] for m in d["metrics"]} == set(METRICS)


def served_counts(body: dict) -> dict[tuple[str, str, int], dict[str, int]]:
    """(map, day, version) -> counts, from a journey aggregates answer."""
    return {
        (c["group"]["journeyActionMapId"], d["interval"][:10], int(c["group"]["journeyActionMapVersion"])): {
            m["metric"]: m["stats"]["count"] for m in d["metrics"]
        }
        for c in body["results"]
        for d in c["data"]
    }


def expected_counts(truth: dict) -> dict[tuple[str, str, int], dict[str, int]]:
    """What the truth says the aggregates serve once settled: each day under its version, or split
    between the versions of a day with several."""
    expected = {}
    for map_id, action_map in truth.items():
        for day, counts in action_map["funnel"].items():
            split = action_map["funnelByVersion"].get(day)
            if split:
                expected.update({(map_id, day, int(v)): c for v, c in split.items()})
            else:
                version = max(v["version"] for v in action_map["versions"] if v["since"][:10] <= day)
                expected[(map_id, day, version)] = counts
    return expected


def test_aggregates_are_the_truths_funnels_with_each_days_versions(api, shared_sandbox):
    truth = ground_truth(shared_sandbox.api.org)["actionMaps"]
    served = served_counts(aggregates(api, *days_of(shared_sandbox)))
    assert served == expected_counts(truth) and len(served) > 30
    # The traps the pipeline must meet: a day with three versions of a map, numbered past 9.
    revised = next(m for m in truth.values() if len(m["versions"]) == 3)
    assert [v["version"] for v in revised["versions"]] == [9, 10, 11]
    [(edited, split)] = revised["funnelByVersion"].items()
    assert set(split) == {"9", "10", "11"}
    for metric, total in revised["funnel"][edited].items():  # the versions add up to the day
        assert sum(counts[metric] for counts in split.values()) == total
    assert {v for (map_id, _, v) in served if truth[map_id] is revised} == {9, 10, 11}
    ended = next(m for m in truth.values() if m["activity"][-1]["isActive"] is False)
    last_active = ended["activity"][-1]["since"][:10]
    assert max(day for day in ended["funnel"]) <= last_active
    for counts in expected_counts(truth).values():  # each funnel step holds at most the one before it
        steps = [counts[metric] for metric in FUNNEL_METRICS]
        assert steps == sorted(steps, reverse=True)


def test_a_deleted_map_leaves_the_listing_and_keeps_its_analytics(api, shared_sandbox):
    truth = ground_truth(shared_sandbox.api.org)["actionMaps"]
    [(map_id, deleted)] = [(k, m) for k, m in truth.items() if m["deletedAt"]]
    assert map_id not in {m["id"] for m in api.ok("GET", AM, params={"pageSize": 100})["entities"]}
    assert api.get(f"{AM}/{map_id}").status_code == 404
    served = served_counts(aggregates(api, *days_of(shared_sandbox)))
    days = sorted(day for (m, day, _) in served if m == map_id)
    assert days and days[-1] == deleted["deletedAt"][:10]  # its activity runs up to the deletion


def test_a_days_figures_fill_in_after_it_ends(sandbox_factory):
    sandbox, api = sandbox_factory(customers=120, days=4, journey_settle_hours=30)
    first, end = days_of(sandbox)
    last = end - timedelta(days=1)
    final = served_counts(aggregates(api, first, end))
    seen = []
    for hours in (0, 6, 18, 29, 30, 48):
        api.control(now=f"{end}T{0:02d}:00:00Z")
        api.control(advanceSeconds=hours * 3600)
        now = served_counts(aggregates(api, last, end))
        seen.append(sum(counts["nWebActionsQualified"] for counts in now.values()))
        if hours >= 30:
            assert now == {k: v for k, v in final.items() if k[1] == str(last)}
    assert seen == sorted(seen) and seen[0] < seen[-1] and seen[-2] == seen[-1]
    assert seen[0] >= 0.3 * seen[-1]  # partly there from the start


def test_withdrawn_outcome_metrics_are_refused_by_name(sandbox_factory):
    sandbox, api = sandbox_factory(customers=60, days=3, withdrawn_metrics=OUTCOME_METRICS)
    first, end = days_of(sandbox)
    named = api.post(
        AGGREGATES,
        json={
            "interval": f"{first}T00:00:00.000Z/{end}T00:00:00.000Z",
            "granularity": "P1D",
            "metrics": list(METRICS),
        },
    )
    assert named.status_code == 400
    assert all(metric in named.json()["message"] for metric in OUTCOME_METRICS)
    rest = [m for m in METRICS if m not in OUTCOME_METRICS]
    served = aggregates(api, first, end, metrics=rest)["results"]
    assert served and {m["metric"] for c in served for d in c["data"] for m in d["metrics"]} == set(rest)
    default = aggregates(api, first, end)["results"]  # without metrics: only what is still offered
    assert {m["metric"] for c in default for d in c["data"] for m in d["metrics"]} == set(rest)


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
