"""The same seed serves byte-identical data over HTTP."""

from __future__ import annotations

import pytest

from .helpers import EC, JOBS, JQ, PE, wait_for_job

pytestmark = pytest.mark.integration


def _bodies(api) -> list[bytes]:
    bodies = [api.get(f"{PE}/campaigns").content, api.get(f"{EC}/scan/contacts", params={"limit": 200}).content]
    job_id = api.ok("POST", JOBS, json={"interval": "2026-11-19T00:00:00.000Z/2026-11-21T00:00:00.000Z"})["jobId"]
    wait_for_job(api, f"{JOBS}/{job_id}", {"FULFILLED"})
    bodies.append(api.get(f"{JOBS}/{job_id}/results", params={"pageSize": 1000}).content)
    query = api.ok(
        "POST",
        JQ,
        json={"type": "journey", "timeRange": {"from": "2026-11-20T00:00:00.000Z", "to": "2026-11-21T00:00:00.000Z"}},
    )
    wait_for_job(api, f"{JQ}/{query['id']}", {"completed"})
    page = api.ok("GET", f"{JQ}/{query['id']}/results", params={"pageSize": 10000})
    bodies.append(repr(page["events"]).encode())
    return bodies


def test_same_seed_same_bytes(sandbox_factory):
    _, first = sandbox_factory(seed=5)
    _, second = sandbox_factory(seed=5)
    _, other = sandbox_factory(seed=6)
    a, b, c = _bodies(first), _bodies(second), _bodies(other)
    assert a == b
    assert all(len(x) > 100 for x in a)
    assert a[2] != c[2]
