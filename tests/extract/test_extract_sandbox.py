"""Extraction against the sandbox over real HTTP: complete, identical under faults, refreshed
tokens, under the rate limit, atomic when killed, and free of secrets and clear PII."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from genesys_elt.errors import NotYetAvailable, RateLimited, WriteScopeRefused
from genesys_elt.landing.layout import RAW
from genesys_elt.landing.reader import page_text, read_manifest, read_records
from genesys_sandbox.auth import OAuthClient
from genesys_sandbox.org import ground_truth
from genesys_sandbox.render import canonical_id
from tests.conftest import NOW, url_of

from .conftest import DAYS, PII_KEY, extract_days, find_leaks, landed_files, make_extractor

pytestmark = pytest.mark.integration


def _expected_contacts(org, day: date) -> set[str]:
    active = [c for c in org.conversations if c.day <= day <= min(c.end, NOW).date() and c.start <= NOW]
    ids = {p["externalContactId"] for c in active for p in c.body["participants"] if p.get("externalContactId")}
    return ids | {canonical_id(org, cid, NOW) for cid in ids}


def test_every_stream_lands_complete_for_three_days(sandbox_for_extract, tmp_path):
    sandbox = sandbox_for_extract()
    org = sandbox.api.org
    truth = ground_truth(org)
    extractor = make_extractor(sandbox, tmp_path)
    extract_days(extractor)
    for day in DAYS:
        key = day.isoformat()
        conversations = list(read_records(tmp_path, "conversations", day))
        # every conversation with activity on the day (started earlier, or still open, included)
        assert len(conversations) == truth["counts"]["conversations_active"][key] > 0
        assert len({c["conversationId"] for c in conversations}) == len(conversations)
        assert len(list(read_records(tmp_path, "journey_events", day))) == truth["counts"]["journey_events"][key]
        assert len(list(read_records(tmp_path, "campaigns", day))) == len(org.campaigns)

        for campaign_id, campaign in truth["campaigns"].items():
            archived = campaign["statuses"][-1]["status"] == "archived"
            if archived or key not in campaign["funnel"]:
                assert read_manifest(tmp_path, "campaign_journey", day, campaign_id) is None
                continue
            steps = list(read_records(tmp_path, "campaign_journey", day, campaign_id))
            assert [s["contactCount"] for s in steps] == [s["contactCount"] for s in campaign["funnel"][key]]
            assert [s["stepSequence"] for s in steps] == list(range(1, len(steps) + 1))
        skipped = list((tmp_path / RAW / "_skips" / "campaign_journey" / f"date={key}").glob("*.json"))
        assert {p.stem for p in skipped} == {
            cid for cid, c in truth["campaigns"].items() if c["statuses"][-1]["status"] == "archived"
        }
        assert "archived" in json.loads(skipped[0].read_text())["reason"]

        scorecards = list(read_records(tmp_path, "scorecards", day))
        assert {s["scorecardId"] for s in scorecards} == set(truth["scorecards"])
        for s in scorecards:
            version = next(sc for sc in org.scorecards if sc.id == s["scorecardId"]).version_at(NOW).version
            assert s["modelVersion"] == version
        assert read_manifest(tmp_path, "scorecards", day)["pending_backfill"] is False

        contacts = {c["id"] for c in read_records(tmp_path, "external_contacts", day)}
        assert contacts == _expected_contacts(org, day)
        # Sessions: the day's signed-in web sessions, less those a conversation with a contact reaches
        # through its correlation id or as the web session a chat started from.
        signed_in = {
            e["session"]["id"]: e.get("correlationId")
            for e in org.activity.events
            if e["createdDate"][:10] == key and (e.get("webEvent") or {}).get("authenticated")
        }
        tied = {
            value
            for c in read_records(tmp_path, "conversations", day)
            for p in c["participants"]
            if p.get("externalContactId")
            for value in [(p.get("attributes") or {}).get("correlationId")]
            + [s.get("journeyCustomerSessionId") for s in p["sessions"]]
        }
        expected_sessions = {
            sid for sid, correlation in signed_in.items() if sid not in tied and correlation not in tied
        }
        assert 0 < len(expected_sessions) < len(signed_in)
        assert {s["id"] for s in read_records(tmp_path, "journey_sessions", day)} == expected_sessions

        for stream in ("conversations", "journey_events", "external_contacts"):
            manifest = read_manifest(tmp_path, stream, day)
            assert manifest["received"] == manifest["records"] + manifest["rejected"]
            assert manifest["requests"] >= manifest["pages"]


def test_a_faulty_api_lands_the_same_slices(sandbox_for_extract, tmp_path):
    clean_dir, faulty_dir = tmp_path / "clean", tmp_path / "faulty"
    clean = sandbox_for_extract()
    extract_days(make_extractor(clean, clean_dir), days=DAYS)
    faulty = sandbox_for_extract(fault_rate=0.2)
    extract_days(make_extractor(faulty, faulty_dir, max_attempts=12), days=DAYS)
    faults = faulty.stats.snapshot()["faults"]
    assert faults["total"] > 20 and len(faults["byKind"]) == 7, faults
    assert landed_files(faulty_dir) == landed_files(clean_dir)
    assert len(landed_files(clean_dir)) > 10


def test_a_token_revoked_or_expired_mid_slice_is_renewed(sandbox_for_extract, tmp_path):
    sandbox = sandbox_for_extract(token_ttl_seconds=2)
    extractor = make_extractor(sandbox, tmp_path)
    extract_days(extractor, days=DAYS[:1], streams=("conversations", "journey_events"))
    stop = threading.Event()

    def revoke_every_half_second():
        while not stop.wait(0.5):
            sandbox.tokens.revoke_all()

    revoker = threading.Thread(target=revoke_every_half_second)
    revoker.start()
    try:
        started = time.monotonic()
        manifest = extractor.run("external_contacts", DAYS[0])[0]
        slow = extractor.run("journey_sessions", DAYS[0])[0]
    finally:
        stop.set()
        revoker.join()
    assert manifest["records"] > 0 and slow["records"] > 0
    assert extractor.pool.clients[0].tokens.fetches >= 2
    assert time.monotonic() - started > 0  # both slices completed with no AuthError reaching the caller


def test_the_client_stays_under_the_limit_it_is_told(sandbox_for_extract, tmp_path):
    # A 2-second window keeps this quick: 1,800/min allows 60 requests in any 2 s. Its headers speak
    # of that window, not of the API's minute, so this client keeps to the limit it is told.
    sandbox = sandbox_for_extract(rate_limit_per_minute=1800, rate_window_seconds=2.0)
    told = {"rate_limit_per_minute": 1800, "follow_rate_limit_headers": "false"}
    polite = make_extractor(sandbox, tmp_path, extra=told)
    client = polite.pool.clients[0]
    for _ in range(100):
        client.call("GET", "/api/v2/tokens/me")
    assert sandbox.stats.snapshot()["rateLimited"]["total"] == 0
    # The same calls with a budget above the real limit do get 429s: the check above can fail.
    greedy = make_extractor(sandbox, tmp_path, extra={**told, "rate_limit_per_minute": 6000}).pool.clients[0]
    for _ in range(100):
        greedy.call("GET", "/api/v2/tokens/me")
    assert sandbox.stats.snapshot()["rateLimited"]["total"] > 0


def test_write_scopes_are_refused(sandbox_for_extract, tmp_path):
    writer = OAuthClient.parse("admin:admin-secret:analytics:readonly,journey,predictive-engagement:edit")
    sandbox = sandbox_for_extract(clients=[writer])
    extractor = make_extractor(sandbox, tmp_path, login="admin", password="admin-secret")
    with pytest.raises(WriteScopeRefused, match="predictive-engagement:edit"):
        extractor.run("campaigns", DAYS[0])
    assert not (tmp_path / RAW).exists() or not list((tmp_path / RAW).rglob("*.jsonl*"))


def test_conversations_wait_for_the_availability_date(sandbox_for_extract, tmp_path):
    sandbox = sandbox_for_extract(now=NOW.replace(day=21, hour=0, minute=30))
    with pytest.raises(NotYetAvailable):
        make_extractor(sandbox, tmp_path).run("conversations", date(2026, 11, 20))
    assert read_manifest(tmp_path, "conversations", date(2026, 11, 20)) is None


def test_several_clients_share_the_work(sandbox_for_extract, tmp_path):
    second = OAuthClient.parse("second:second-secret")
    sandbox = sandbox_for_extract(clients=[OAuthClient.parse("sandbox:sandbox-secret"), second])
    extractor = make_extractor(
        sandbox, tmp_path, extra={"extra_clients": [{"login": "second", "password": "second-secret"}]}
    )
    # journey sessions: one listing per contact, spread over both clients
    extract_days(
        extractor, days=DAYS[:1], streams=("conversations", "external_contacts", "journey_events", "journey_sessions")
    )
    by_client = sandbox.stats.snapshot()["requests"]["byClient"]
    assert set(by_client) == {"sandbox", "second"} and min(by_client.values()) > 5


def _cli_env(sandbox, data_dir: Path) -> dict:
    conn = {
        "conn_type": "http",
        "host": url_of(sandbox),
        "login": "sandbox",
        "password": "sandbox-secret",
        "extra": {"archived_retry_delay_seconds": 0, "rate_limit_per_minute": 100000},
    }
    return {
        **os.environ,
        "AIRFLOW_CONN_GENESYS_CLOUD": json.dumps(conn),
        "GENESYS_ELT_PII_KEY": PII_KEY,
        "GENESYS_ELT_DATA_DIR": str(data_dir),
    }


def test_a_killed_extraction_leaves_the_previous_slice_and_a_rerun_completes(sandbox_for_extract, tmp_path):
    sandbox = sandbox_for_extract(latency_ms=300)
    env = _cli_env(sandbox, tmp_path)
    cmd = [sys.executable, "-m", "genesys_elt", "extract", "--date", DAYS[0].isoformat()]
    for stream in ("conversations", "external_contacts", "journey_events", "journey_sessions"):
        subprocess.run(cmd + ["--stream", stream], env=env, check=True, timeout=180)
    before = read_manifest(tmp_path, "journey_sessions", DAYS[0])
    files_before = landed_files(tmp_path)

    proc = subprocess.Popen(cmd + ["--stream", "journey_sessions"], env=env)
    time.sleep(1.5)  # mid-slice: 300 ms a request, one session listing per contact over four threads
    proc.send_signal(signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL, "the extraction was still running when killed"
    assert read_manifest(tmp_path, "journey_sessions", DAYS[0])["run_id"] == before["run_id"]
    assert landed_files(tmp_path) == files_before

    subprocess.run(cmd + ["--stream", "journey_sessions"], env=env, check=True, timeout=180)
    after = read_manifest(tmp_path, "journey_sessions", DAYS[0])
    assert after["run_id"] != before["run_id"] and after["records"] == before["records"]
    assert landed_files(tmp_path) == files_before


def test_no_secret_token_or_clear_pii_reaches_logs_or_disk(sandbox_for_extract, tmp_path, caplog):
    sandbox = sandbox_for_extract(fault_rate=0.1)
    caplog.set_level(logging.DEBUG)
    extractor = make_extractor(sandbox, tmp_path, max_attempts=12)
    extract_days(extractor, days=DAYS[:2])
    assert sandbox.tokens._tokens, "the run obtained tokens"
    haystacks = {"log": "\n".join(r.getMessage() for r in caplog.records)}
    for path in (tmp_path / RAW).rglob("*"):
        if path.is_file():
            haystacks[str(path)] = page_text(path)  # compressed pages as their text
    leaks = find_leaks(sandbox, haystacks)
    assert not leaks, leaks
    assert len(haystacks) > 20


def test_a_campaign_archived_between_two_pages_is_skipped_and_its_previous_slice_stays(sandbox_for_extract, tmp_path):
    sandbox = sandbox_for_extract()
    campaign = next(c for c in sandbox.api.org.campaigns if c.statuses[-1][1] == "archived")
    archived_at = campaign.statuses[-1][0]
    day = (archived_at - timedelta(days=1)).date()
    sandbox.clock.set(archived_at - timedelta(hours=1))
    extractor = make_extractor(sandbox, tmp_path)
    endpoint = extractor.endpoints["campaign_journey"]  # two steps a page, so the funnel takes several pages
    extractor.endpoints["campaign_journey"] = replace(endpoint, params={**endpoint.params, "pageSize": 2})
    first = extractor.campaign_journey(day, campaign.id)
    assert first and first["pages"] >= 2
    files_before = landed_files(tmp_path)

    def archive_after_the_first_page(response, *args, **kwargs):
        if "/analytics" in response.url:
            sandbox.clock.set(archived_at + timedelta(hours=1))

    extractor.pool.clients[0].http.hooks["response"].append(archive_after_the_first_page)
    waits = []
    extractor.sleep = waits.append
    assert extractor.campaign_journey(day, campaign.id) is None
    assert len(waits) == 1  # it changed under us: looked at once more, after the delay
    assert read_manifest(tmp_path, "campaign_journey", day, campaign.id)["run_id"] == first["run_id"]
    assert landed_files(tmp_path) == files_before
    skip = json.loads(
        (tmp_path / RAW / "_skips" / "campaign_journey" / f"date={day}" / f"{campaign.id}.json").read_text()
    )
    assert skip["reason"] == "campaign status is archived"  # the retry found it archived


def test_a_campaign_archived_before_its_run_costs_one_status_request_and_no_wait(sandbox_for_extract, tmp_path):
    sandbox = sandbox_for_extract()
    campaign = next(c for c in sandbox.api.org.campaigns if c.statuses[-1][1] == "archived")
    archived_at = campaign.statuses[-1][0]
    sandbox.clock.set(archived_at + timedelta(hours=1))
    extractor = make_extractor(sandbox, tmp_path, extra={"archived_retry_delay_seconds": 60})
    waits = []
    extractor.sleep = waits.append
    sent = extractor.pool.sent
    assert extractor.campaign_journey((archived_at - timedelta(days=1)).date(), campaign.id) is None
    assert extractor.pool.sent - sent == 1 and waits == []  # archiving is final: no second look


def test_the_orgs_rate_limit_headers_are_followed(sandbox_for_extract, tmp_path):
    # Another integration spends 80 % of the client's 3,000 a minute: ours keep the window under 85 %.
    sandbox = sandbox_for_extract(rate_limit_per_minute=3000, other_consumer_per_minute=2400)
    client = make_extractor(sandbox, tmp_path, extra={"rate_limit_per_minute": 3000}).pool.clients[0]
    for _ in range(150):
        client.call("GET", "/api/v2/tokens/me")
    assert sandbox.stats.snapshot()["rateLimited"]["total"] == 0 and sandbox.limiter.other_requests > 2000
    # Deaf to the headers, the same client runs into the other integration's share: the check can fail.
    deaf = make_extractor(
        sandbox, tmp_path, extra={"rate_limit_per_minute": 3000, "follow_rate_limit_headers": "false"}, max_attempts=1
    ).pool.clients[0]
    with pytest.raises(RateLimited):
        for _ in range(520):  # past the 450 the window has left
            deaf.call("GET", "/api/v2/tokens/me")
    assert sandbox.stats.snapshot()["rateLimited"]["total"] > 0


def test_a_limit_the_org_raised_is_used(sandbox_for_extract, tmp_path):
    sandbox = sandbox_for_extract(rate_limit_per_minute=3000)
    client = make_extractor(sandbox, tmp_path, extra={"rate_limit_per_minute": 300}).pool.clients[0]
    assert client.budget.rate == pytest.approx(300 * client.settings.rate_share / 60)
    client.call("GET", "/api/v2/tokens/me")
    assert client.budget.rate == pytest.approx(3000 * client.settings.rate_share / 60)


def test_contacts_come_in_bulk_and_one_by_one_where_the_org_has_no_bulk_fetch(sandbox_for_extract, tmp_path):
    """A hundred contacts a request where the org serves the bulk fetch; where it does not (here: the
    path remapped to one that answers 404), one GET each after that one refusal. Same slice."""
    sandbox = sandbox_for_extract()
    landed = {}
    for name, extra in (
        ("bulk", None),
        ("single", {"endpoints": {"external_contacts_bulk": "/api/v2/externalcontacts/none"}}),
    ):
        extractor = make_extractor(sandbox, tmp_path / name, extra=extra)
        for day in DAYS[:3]:
            extractor.run("conversations", day)
            manifest = extractor.run("external_contacts", day)[0]
            referenced = {
                p["externalContactId"]
                for c in read_records(tmp_path / name, "conversations", day)
                for p in c["participants"]
                if p.get("externalContactId")
            }
            followed = manifest["records"] + manifest["rejected"] - len(referenced)  # canonical contacts of merges
            if name == "bulk":
                assert manifest["requests"] == -(-len(referenced) // 100) + -(-followed // 100)
            else:
                # + the refused bulk fetch, once: the extractor remembers the org has none
                assert manifest["requests"] == len(referenced) + followed + (day == DAYS[0])
            landed[name, day] = sorted(
                json.dumps(r, sort_keys=True) for r in read_records(tmp_path / name, "external_contacts", day)
            )
    assert all(landed["bulk", day] == landed["single", day] and landed["bulk", day] for day in DAYS[:3])
