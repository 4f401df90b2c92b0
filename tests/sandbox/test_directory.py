"""The directory as the platform serves it: system wrap-up codes the listing never shows, a queue
and a wrap-up code deleted part-way through the range, and a client limited to some divisions."""

from __future__ import annotations

from datetime import timedelta

import pytest

from genesys_sandbox.auth import OAuthClient
from genesys_sandbox.directory import OUTBOUND_WRAP_UP_CODES, TIMEOUT_WRAP_UP_CODE
from genesys_sandbox.org import ground_truth
from genesys_sandbox.timefmt import iso
from tests.conftest import END_DATE, NOW

from .helpers import conversations_job

pytestmark = pytest.mark.integration

QUEUES, CODES, USERS, DIVISIONS = (
    "/api/v2/routing/queues",
    "/api/v2/routing/wrapupcodes",
    "/api/v2/users",
    "/api/v2/authorization/divisions",
)


def _listed(api, path: str, **params) -> dict[str, dict]:
    return {e["id"]: e for e in api.ok("GET", path, params={"pageSize": 100, **params})["entities"]}


def _week(api) -> list[dict]:
    first = END_DATE - timedelta(days=6)
    return conversations_job(api, f"{first.isoformat()}T00:00:00.000Z/{NOW.date().isoformat()}T00:00:00.000Z")


def _segments(record: dict):
    return [s for p in record["participants"] for ss in p["sessions"] for s in ss["segments"]]


def test_system_wrap_up_codes_ride_on_conversations_and_are_never_listed(api, shared_sandbox):
    listed = _listed(api, CODES)
    coded = [s["wrapUpCode"] for c in _week(api) for s in _segments(c) if s.get("wrapUpCode")]
    system = {code for code in coded if code.startswith("ININ-")}
    assert TIMEOUT_WRAP_UP_CODE in system and system & set(OUTBOUND_WRAP_UP_CODES)
    assert not system & set(listed) and set(coded) - system <= set(listed) | {ground_truth_deleted(shared_sandbox)}
    planted = [t for t in ground_truth(shared_sandbox.api.org)["traps"] if t["kind"] == "system_wrap_up_code"]
    assert {t["code"] for t in planted} == system


def ground_truth_deleted(sandbox) -> str:
    return ground_truth(sandbox.api.org)["directory"]["deleted"]["wrapUpCode"]


def test_a_deleted_queue_and_code_leave_their_listings_and_new_conversations(sandbox_factory):
    sandbox, api = sandbox_factory()
    deleted = ground_truth(sandbox.api.org)["directory"]["deleted"]
    at = sandbox.api.org.directory.deleted_at
    api.control(now=iso(at - timedelta(minutes=1)))
    assert deleted["queue"] in _listed(api, QUEUES) and deleted["wrapUpCode"] in _listed(api, CODES)
    api.control(now=iso(at + timedelta(minutes=1)))
    assert deleted["queue"] not in _listed(api, QUEUES) and deleted["wrapUpCode"] not in _listed(api, CODES)
    api.control(now=iso(NOW))
    named_before = named_after = 0
    for record in _week(api):
        ids = {v for s in _segments(record) for v in (s.get("queueId"), s.get("wrapUpCode"))}
        if record["conversationStart"] >= iso(at):
            named_after += deleted["queue"] in ids
        else:
            named_before += deleted["queue"] in ids
    assert named_before > 0 and named_after == 0


def test_a_client_limited_to_one_division_sees_only_its_data(sandbox_factory):
    limited = OAuthClient.parse("home-only:home-secret")  # the default read-only scopes
    sandbox, api = sandbox_factory(clients=[limited], client_divisions={"home-only": ("Home",)})
    directory = sandbox.api.org.directory
    home = directory.division_named("Home")
    assert set(_listed(api, DIVISIONS)) == {home}
    queues = {q.id: q for q in directory.queues}
    assert {queues[q].division_id for q in _listed(api, QUEUES)} == {home}
    assert len(_listed(api, QUEUES)) < len([q for q in directory.queues if q.listed_at(NOW)])
    assert {u["division"]["id"] for u in _listed(api, USERS, state="any").values()} == {home}
    seen = _week(api)
    assert seen and all(home in c["divisionIds"] for c in seen)
    # a conversation routed through the other division's queue names both, and is still seen
    both = [c for c in seen if len(c["divisionIds"]) > 1]
    other_queue = next(q for q in directory.queues if q.division_id != home)
    assert both and any(other_queue.id in {s.get("queueId") for s in _segments(c)} for c in both)
    everything = sandbox_factory()[1]
    assert len(_week(everything)) > len(seen)
