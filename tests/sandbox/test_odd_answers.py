"""Where the public documentation is silent or says the sandbox was wrong: what an unserved path
answers, a token response without scope, the bulk contact fetch's size, analytics job limits apart
from the request budget, oversized page sizes capped, and a contextId per request."""

from __future__ import annotations

import time

import pytest

from genesys_sandbox.auth import DEFAULT_CLIENT, OAuthClient

SEED_ONLY = "/api/v2/predictive-engagement/campaigns"
JOBS = "/api/v2/analytics/conversations/details/jobs"
INTERVAL = {"interval": "2026-11-18T00:00:00.000Z/2026-11-19T00:00:00.000Z"}


@pytest.mark.parametrize("status", [400, 403, 404, 405])
def test_a_path_the_org_does_not_serve_answers_the_status_chosen(sandbox_factory, status):
    _, api = sandbox_factory(api_profile="platform", unserved_status=status, customers=40, days=2)
    answer = api.get(SEED_ONLY)
    assert answer.status_code == status
    assert answer.json()["status"] == status and answer.json()["message"]
    assert api.get("/api/v2/journey/actionmaps").status_code == 200  # what it serves is unchanged


def test_the_token_response_can_leave_out_its_scopes(sandbox_factory):
    writer = OAuthClient("writer", "writer-secret", ("journey", "analytics:readonly"))
    _, api = sandbox_factory(token_scope=False, clients=[DEFAULT_CLIENT, writer], customers=40, days=2)
    assert "scope" not in api.login()
    assert api.ok("GET", "/api/v2/tokens/me")["authorizedScope"] == list(DEFAULT_CLIENT.scopes)


def test_the_bulk_contact_fetch_refuses_more_ids_than_its_maximum(sandbox_factory):
    sandbox, api = sandbox_factory(bulk_contact_ids=3, customers=40, days=2)
    ids = [{"id": cid} for cid in list(sandbox.api.org.contacts)[:4]]
    assert api.post("/api/v2/externalcontacts/bulk/contacts", json={"entities": ids[:3]}).status_code == 200
    refused = api.post("/api/v2/externalcontacts/bulk/contacts", json={"entities": ids})
    assert refused.status_code == 400 and "at most 3" in refused.json()["message"]


def test_running_jobs_are_limited_apart_from_the_request_budget(sandbox_factory):
    _, api = sandbox_factory(job_concurrency=2, job_latency_seconds=1.5, customers=40, days=2)
    assert api.post(JOBS, json=INTERVAL).status_code == 202
    assert api.post(JOBS, json=INTERVAL).status_code == 202
    refused = api.post(JOBS, json=INTERVAL)
    assert refused.status_code == 429 and "running" in refused.json()["message"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 2
    assert api.get("/api/v2/tokens/me").status_code == 200  # other requests go on
    time.sleep(1.6)  # the two jobs have ended: room for more
    assert api.post(JOBS, json=INTERVAL).status_code == 202


def test_job_submissions_are_limited_per_minute(sandbox_factory):
    _, api = sandbox_factory(job_submissions_per_minute=3, job_latency_seconds=0.01, customers=40, days=2)
    for _ in range(3):
        assert api.post(JOBS, json=INTERVAL).status_code == 202
    refused = api.post(JOBS, json=INTERVAL)
    assert refused.status_code == 429 and "submitted in the last minute" in refused.json()["message"]
    assert 50 <= int(refused.headers["Retry-After"]) <= 60
    assert api.stats()["rateLimited"]["total"] == 1


def test_an_oversized_page_size_is_capped_not_refused(api):
    page = api.ok("GET", "/api/v2/routing/queues", params={"pageSize": 500})
    assert page["pageSize"] == 100 and "pageSize=100" in page.get("nextUri", page["selfUri"])


def test_every_error_names_its_own_request(api):
    ids = {api.get("/api/v2/no/such/path").json()["contextId"] for _ in range(5)}
    assert len(ids) == 5
