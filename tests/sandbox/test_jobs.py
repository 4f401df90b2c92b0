"""Async jobs move QUEUED -> PENDING -> FULFILLED over real time, or fail, stall or expire."""

from __future__ import annotations

import time

import pytest

from .helpers import JOBS, JQ, wait_for_job

pytestmark = pytest.mark.integration
INTERVAL = "2026-11-20T00:00:00.000Z/2026-11-21T00:00:00.000Z"


def _states_over_time(api, path: str, seconds: float) -> list[str]:
    seen: list[str] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        state = api.ok("GET", path)["state"]
        if not seen or seen[-1] != state:
            seen.append(state)
        time.sleep(0.05)
    return seen


def test_a_job_moves_through_its_states_in_order(sandbox_factory):
    _, api = sandbox_factory(job_latency_seconds=1.0)
    job_id = api.ok("POST", JOBS, json={"interval": INTERVAL})["jobId"]
    early = api.get(f"{JOBS}/{job_id}/results")
    assert early.status_code == 400 and early.json()["code"] == "job.not.fulfilled"
    assert _states_over_time(api, f"{JOBS}/{job_id}", 1.4) == ["QUEUED", "PENDING", "FULFILLED"]
    status = api.ok("GET", f"{JOBS}/{job_id}")
    assert {"submissionDate", "completionDate", "expirationDate"} <= set(status)
    assert api.get(f"{JOBS}/{job_id}/results").status_code == 200


@pytest.mark.parametrize("outcome,final", [("FAILED", "FAILED"), ("EXPIRED", "EXPIRED")])
def test_forced_outcomes(sandbox_factory, outcome, final):
    _, api = sandbox_factory()
    api.control(nextJobs={"outcome": outcome, "count": 1})
    failed = api.ok("POST", JOBS, json={"interval": INTERVAL})["jobId"]
    healthy = api.ok("POST", JOBS, json={"interval": INTERVAL})["jobId"]
    status = wait_for_job(api, f"{JOBS}/{failed}", {"FAILED", "EXPIRED", "FULFILLED"})
    assert status["state"] == final
    if final == "FAILED":
        assert status["errorMessage"]
    assert api.get(f"{JOBS}/{failed}/results").status_code == 400
    assert wait_for_job(api, f"{JOBS}/{healthy}", {"FULFILLED"})["state"] == "FULFILLED"


def test_a_stalled_job_stays_pending(sandbox_factory):
    _, api = sandbox_factory(job_latency_seconds=0.3)
    api.control(nextJobs={"outcome": "STALLED", "count": 1})
    job_id = api.ok("POST", JOBS, json={"interval": INTERVAL})["jobId"]
    time.sleep(1.0)
    assert api.ok("GET", f"{JOBS}/{job_id}")["state"] == "PENDING"


def test_jobs_expire_after_their_time_to_live(sandbox_factory):
    _, api = sandbox_factory(job_latency_seconds=0.2, job_ttl_seconds=0.8)
    job_id = api.ok("POST", JOBS, json={"interval": INTERVAL})["jobId"]
    assert wait_for_job(api, f"{JOBS}/{job_id}", {"FULFILLED"})["state"] == "FULFILLED"
    time.sleep(0.9)
    assert api.ok("GET", f"{JOBS}/{job_id}")["state"] == "EXPIRED"
    assert api.get(f"{JOBS}/{job_id}/results").status_code == 400


def test_job_failure_rate_fails_some_jobs(sandbox_factory):
    _, api = sandbox_factory(job_latency_seconds=0.1, job_failure_rate=0.5)
    ids = [api.ok("POST", JOBS, json={"interval": INTERVAL})["jobId"] for _ in range(20)]
    time.sleep(0.3)
    states = {api.ok("GET", f"{JOBS}/{j}")["state"] for j in ids}
    assert states == {"FAILED", "FULFILLED"}


def test_journey_query_states_and_failure(sandbox_factory):
    _, api = sandbox_factory()
    body = {
        "type": "journey",
        "timeRange": {"type": "absolute", "from": "2026-11-20T00:00:00.000Z", "to": "2026-11-21T00:00:00.000Z"},
    }
    api.control(nextJobs={"outcome": "FAILED", "count": 1})
    submitted = api.ok("POST", JQ, json=body)
    assert submitted["state"] == "running"
    assert wait_for_job(api, f"{JQ}/{submitted['id']}", {"completed", "failed"})["state"] == "failed"
    ok = api.ok("POST", JQ, json=body)
    assert wait_for_job(api, f"{JQ}/{ok['id']}", {"completed", "failed"})["state"] == "completed"


@pytest.mark.parametrize("body", [None, {}, {"interval": "2026-11-21/2026-11-20"}, {"interval": "yesterday"}])
def test_bad_job_requests_are_refused(api, body):
    response = api.post(JOBS, json=body)
    assert response.status_code == 400 and response.json()["code"] == "bad.request"
