"""The extraction library's parts on their own: budgets, paging, privacy, validation, landing, settings."""

from __future__ import annotations

import json
from datetime import date

import pytest

from genesys_elt.api.catalogue import CATALOGUE, catalogue
from genesys_elt.errors import ConfigError
from genesys_elt.landing.layout import slice_dir
from genesys_elt.landing.reader import read_manifest, read_records
from genesys_elt.landing.writer import SliceWriter
from genesys_elt.api.paging import Cursor, FollowLink, PagingLoop
from genesys_elt.landing.pseudonymize import Pseudonymizer, normalize_email, normalize_phone
from genesys_elt.api.rate_budget import RateBudget
from genesys_elt.settings import from_connection, from_env
from genesys_elt.streams import stream

KEY = b"unit-test-key-0123456789"
ENV = {"GENESYS_ELT_PII_KEY": KEY.decode(), "GENESYS_ELT_DATA_DIR": "/tmp/x"}


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_rate_budget_holds_the_share_of_the_limit():
    clock = FakeClock()
    budget = RateBudget(per_minute=300, share=0.85, burst=3, clock=clock, sleep=clock.sleep)
    for _ in range(1000):
        budget.acquire()
    # 1000 requests at 4.25/s after a burst of 3: about 234.6 s; never faster than the share.
    assert clock.now == pytest.approx((1000 - 3) / 4.25, rel=1e-6)
    assert 1000 / clock.now * 60 <= 300 * 0.85 * 1.01


def test_a_429_pauses_every_caller_of_the_budget():
    clock = FakeClock()
    budget = RateBudget(per_minute=6000, burst=1, clock=clock, sleep=clock.sleep)
    budget.acquire()
    budget.pause(7)
    budget.acquire()
    assert clock.now >= 7


def pages_from(mapping):
    def call(method, path, params=None):
        key = path if not params or "cursor" not in params else params["cursor"]
        return mapping[key]
    return call


def test_follow_link_walks_to_the_end_and_guards_against_loops():
    pages = {"/a": {"entities": [1], "nextUri": "/b"}, "/b": {"entities": [], "nextUri": "/c"},
             "/c": {"entities": [2], "nextUri": None}}
    assert [p["entities"] for p in FollowLink().pages(pages_from(pages), "/a", {})] == [[1], [], [2]]
    looping = {"/a": {"nextUri": "/b"}, "/b": {"nextUri": "/a"}}
    with pytest.raises(PagingLoop):
        list(FollowLink().pages(pages_from(looping), "/a", {}))


def test_cursor_stops_on_has_more_false_and_refuses_a_repeated_cursor():
    def call(method, path, params=None):
        cursor = (params or {}).get("cursor")
        return {None: {"events": [1], "cursor": "x", "hasMore": True},
                "x": {"events": [2], "cursor": "y", "hasMore": False}}[cursor]
    assert [p["events"] for p in Cursor(has_more="hasMore").pages(call, "/q", {})] == [[1], [2]]

    def stuck(method, path, params=None):
        return {"conversations": [], "cursor": "same"}
    with pytest.raises(PagingLoop):
        list(Cursor().pages(stuck, "/q", {}))


@pytest.mark.parametrize("raw,region,expected", [
    ("4155550199", "US", "+14155550199"), ("+1 415-555-0199", "US", "+14155550199"),
    ("tel:+14155550199", "US", "+14155550199"), ("(415) 555-0199", "US", "+14155550199"),
    ("07700 900123", "GB", "+447700900123"), ("+44 (0)7700 900123", "US", "+447700900123"),
    ("not a phone", "US", None), ("", "US", None),
])
def test_phones_normalize_to_e164(raw, region, expected):
    assert normalize_phone(raw, region) == expected


def test_pseudonyms_are_keyed_stable_and_follow_normalization():
    p = Pseudonymizer(KEY)
    assert p.phone("4155550199") == p.phone("+1 415-555-0199") == p.phone("tel:+14155550199")
    assert p.email(" Elena.Vargas@Example.com ") == p.email("elena.vargas@example.com")
    assert normalize_email(" A@B.COM ") == "a@b.com"
    assert Pseudonymizer(b"another-key-0123456789").email("a@b.com") != p.email("a@b.com")
    assert "unit-test-key" not in repr(p)
    with pytest.raises(ValueError):
        Pseudonymizer(b"short")


def test_validation_names_the_fault():
    good = {"id": "e1", "eventType": "web.pageview", "createdDate": "2026-11-20T10:00:00.000Z", "session": {"id": "s"}}
    assert stream("journey_events").rejection_reason(good) is None
    assert "createdDate" in stream("journey_events").rejection_reason({**good, "createdDate": "2026-11-20T10:00:00"})
    assert "session" in stream("journey_events").rejection_reason({k: v for k, v in good.items() if k != "session"})
    assert stream("journey_events").rejection_reason({**good, "eventType": "brand.new.type", "extra": 1}) is None
    step = {"campaignId": "c", "dateFrom": "2026-11-20T00:00:00Z", "dateTo": "2026-11-21T00:00:00Z",
            "stepSequence": 1, "stepId": "s", "contactCount": 5}
    assert stream("campaign_journey").rejection_reason(step) is None
    assert "stepId" in stream("campaign_journey").rejection_reason({**step, "stepId": None})
    assert "contactCount" in stream("campaign_journey").rejection_reason({**step, "contactCount": "many"})


def test_a_slice_is_replaced_whole_and_a_failed_run_leaves_the_previous_one(tmp_path):
    p = Pseudonymizer(KEY)
    day = date(2026, 11, 20)
    event = {"id": "e1", "eventType": "web.pageview", "createdDate": "2026-11-20T10:00:00.000Z",
             "session": {"id": "s"}, "customerId": "cookie-1", "customerIdType": "cookie"}
    with SliceWriter(tmp_path, "journey_events", day, p) as writer:
        writer.write_page([event, {"id": "bad"}])
        first = writer.commit()
    assert (first["received"], first["records"], first["rejected"]) == (2, 1, 1)
    landed = list(read_records(tmp_path, "journey_events", day))
    assert landed[0]["customerId"].startswith("pii_cookie_")
    rejects = (slice_dir(tmp_path, "journey_events", day) / "rejects.jsonl").read_text()
    assert "session" in json.loads(rejects)["reason"]

    with pytest.raises(RuntimeError):
        with SliceWriter(tmp_path, "journey_events", day, p) as writer:
            writer.write_page([{**event, "id": "e2"}])
            raise RuntimeError("killed between pages")
    assert read_manifest(tmp_path, "journey_events", day)["run_id"] == first["run_id"]
    assert [r["id"] for r in read_records(tmp_path, "journey_events", day)] == ["e1"]
    assert not list(slice_dir(tmp_path, "journey_events", day).parent.glob(".tmp-*"))

    with SliceWriter(tmp_path, "journey_events", day, p) as writer:
        writer.write_page([{**event, "id": "e3"}])
        writer.commit()
    assert [r["id"] for r in read_records(tmp_path, "journey_events", day)] == ["e3"]


def test_a_crash_between_the_renames_is_recovered(tmp_path):
    p = Pseudonymizer(KEY)
    day = date(2026, 11, 20)
    with SliceWriter(tmp_path, "campaigns", day, p) as writer:
        writer.write_page([{"id": "c1", "name": "n", "status": "active"}])
        writer.commit()
    final = slice_dir(tmp_path, "campaigns", day)
    final.rename(final.parent / f".old-{final.name}-crashed")  # the state after the first rename only
    with SliceWriter(tmp_path, "campaigns", day, p):
        pass  # opening a writer restores the previous slice; leaving without commit changes nothing
    assert [r["id"] for r in read_records(tmp_path, "campaigns", day)] == ["c1"]


def test_settings_refuse_plain_http_to_a_real_org_and_need_a_key():
    assert from_connection("http://127.0.0.1:8765", "id", "secret", {}, ENV).is_sandbox
    with pytest.raises(ConfigError, match="plain HTTP"):
        from_connection("http://api.mypurecloud.com", "id", "secret", {}, ENV)
    assert from_connection("http://api.example.com", "id", "s", {"allow_http": "true"}, ENV).api_base == "http://api.example.com"
    with pytest.raises(ConfigError, match="GENESYS_ELT_PII_KEY"):
        from_connection("https://api.mypurecloud.ie", "id", "secret", {}, {})
    real = from_env({"GENESYS_CLIENT_ID": "id", "GENESYS_CLIENT_SECRET": "s", "GENESYS_REGION": "mypurecloud.de", **ENV})
    assert (real.api_base, real.login_base) == ("https://api.mypurecloud.de", "https://login.mypurecloud.de")
    assert real.verify_tls  # certificates are checked unless the connection says verify_tls: false
    assert not from_connection("https://api.mypurecloud.ie", "id", "s", {"verify_tls": "false"}, ENV).verify_tls
    assert "s" != repr(real.clients[0]) and "secret" not in repr(real)
    with pytest.raises(ConfigError, match="no Genesys Cloud connection"):
        from_env(ENV)
    with pytest.raises(ConfigError, match="JSON"):
        from_env({"AIRFLOW_CONN_GENESYS_CLOUD": "not json", **ENV})


def test_task_processes_of_one_pool_split_the_rate_budget():
    alone = from_connection("https://api.mypurecloud.ie", "id", "s", {"rate_limit_per_minute": 600}, ENV)
    pooled = from_connection("https://api.mypurecloud.ie", "id", "s", {"rate_limit_per_minute": 600},
                             {**ENV, "GENESYS_ELT_API_POOL_SLOTS": "4"})
    assert alone.rate_share == pytest.approx(0.85)
    assert pooled.rate_share * 4 == pytest.approx(alone.rate_share)  # four at once stay under 85 %
    for bad in ("0", "four"):
        with pytest.raises(ConfigError, match="GENESYS_ELT_API_POOL_SLOTS"):
            from_connection("https://api.mypurecloud.ie", "id", "s", {}, {**ENV, "GENESYS_ELT_API_POOL_SLOTS": bad})


def test_a_site_can_remap_a_path_without_code():
    remapped = catalogue({"campaigns": "/api/v2/custom/campaigns"})
    assert remapped["campaigns"].path == "/api/v2/custom/campaigns"
    assert CATALOGUE["campaigns"].path != remapped["campaigns"].path
    with pytest.raises(KeyError):
        catalogue({"conversations": "/x"})
