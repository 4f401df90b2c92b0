"""Per-client rate limits, injected faults at the configured rate, latency, concurrent clients."""

from __future__ import annotations

import json
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from genesys_sandbox.auth import OAuthClient
from tests.conftest import SandboxSession, url_of

from .helpers import PE

pytestmark = pytest.mark.integration
CHEAP = "/api/v2/tokens/me"


def test_rate_limit_answers_429_when_exceeded_and_not_before(sandbox_factory):
    second = OAuthClient.parse("second:second-secret")
    sandbox, api = sandbox_factory(
        rate_limit_per_minute=30, clients=[OAuthClient.parse("sandbox:sandbox-secret"), second]
    )
    statuses = [api.get(CHEAP).status_code for _ in range(30)]
    assert statuses == [200] * 30
    limited = api.get(CHEAP)
    assert limited.status_code == 429
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    body = limited.json()
    assert body["code"] == "too.many.requests" and body["status"] == 429 and body["message"]
    # The budget is per OAuth client: another client is unaffected.
    other = SandboxSession(url_of(sandbox), second)
    assert other.get(CHEAP).status_code == 200
    stats = api.stats()
    assert stats["rateLimited"]["byClient"] == {"sandbox": 1}
    assert stats["requests"]["byClient"]["sandbox"] == 31


def _outcome(api: SandboxSession) -> str:
    try:
        response = api.get(CHEAP)
        if response.status_code != 200:
            return str(response.status_code)
    except requests.exceptions.ConnectionError:
        return "drop"
    except requests.exceptions.ChunkedEncodingError:
        return "truncate"
    try:
        json.loads(response.content)
    except ValueError:
        return "malformed"
    return "ok"


def test_faults_occur_at_the_configured_rate(sandbox_factory):
    _, api = sandbox_factory(fault_rate=0.2)
    api.login()
    outcomes = Counter(_outcome(api) for _ in range(600))
    faults = 600 - outcomes["ok"]
    assert 0.15 <= faults / 600 <= 0.25, outcomes
    assert {"429", "500", "502", "503", "drop", "truncate", "malformed"} <= set(outcomes), outcomes
    stats = api.stats()["faults"]
    assert stats["total"] == faults
    for kind in ("drop", "truncate", "malformed"):
        assert stats["byKind"][kind] == outcomes[kind], (kind, stats, outcomes)


def test_a_storm_repeats_one_fault_kind_for_the_burst_and_kinds_can_be_chosen(sandbox_factory):
    _, api = sandbox_factory(fault_rate=0.05, fault_burst=5, fault_kinds=("429", "503"))
    api.login()
    outcomes = [_outcome(api) for _ in range(400)]
    while outcomes[-1] != "ok":  # a storm still going when we stopped asking
        outcomes.pop()
    runs, current = [], None
    for outcome in outcomes:
        if outcome != "ok" and outcome == current:
            runs[-1] += 1
        elif outcome != "ok":
            runs.append(1)
        current = outcome
    assert set(outcomes) == {"ok", "429", "503"}
    assert runs and all(length % 5 == 0 for length in runs), (runs, outcomes)  # storms of 5 (two may abut)


def test_the_token_endpoint_can_fail_for_a_while(sandbox_factory):
    _, api = sandbox_factory()
    api.control(failTokenRequests=2)
    statuses = [
        api.http.post(
            f"{api.base_url}/oauth/token", data={"grant_type": "client_credentials"}, auth=("sandbox", "sandbox-secret")
        ).status_code
        for _ in range(3)
    ]
    assert statuses == [503, 503, 200]
    assert api.stats()["faults"]["byKind"] == {"token_outage": 2}


def test_faults_are_deterministic_for_a_seed(sandbox_factory):
    runs = []
    for seed in (7, 7, 8):
        _, api = sandbox_factory(fault_rate=0.3, seed=seed)
        api.login()
        runs.append([_outcome(api) for _ in range(80)])
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


def test_no_faults_at_rate_zero(api):
    assert {_outcome(api) for _ in range(50)} == {"ok"}


def test_latency_is_added(sandbox_factory):
    _, api = sandbox_factory(latency_ms=150)
    api.login()
    started = time.monotonic()
    for _ in range(3):
        assert api.get(CHEAP).status_code == 200
    assert time.monotonic() - started >= 0.45


def test_concurrent_clients_get_consistent_answers(api, shared_sandbox):
    api.login()
    expected = {c.id for c in shared_sandbox.api.org.campaigns if c.created <= shared_sandbox.clock()}

    def fetch(_):
        worker = SandboxSession(api.base_url)
        worker.token = api.token
        return {c["id"] for c in worker.ok("GET", f"{PE}/campaigns", params={"pageSize": 100})["entities"]}

    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(fetch, range(64)))
    assert all(answer == expected for answer in answers)
