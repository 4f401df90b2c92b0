"""The generated org: deterministic, with the seeds' traps planted and a self-consistent truth."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import date

import pytest

from genesys_sandbox.org import OrgConfig, generate, ground_truth
from genesys_sandbox.timefmt import parse_iso

CONFIG = OrgConfig(seed=42, customers=400, days=10, end_date=date(2026, 11, 21))


@pytest.fixture(scope="module")
def org():
    return generate(CONFIG)


@pytest.fixture(scope="module")
def truth(org):
    return ground_truth(org)


def test_same_seed_gives_byte_identical_truth_and_another_seed_does_not(truth):
    again = json.dumps(ground_truth(generate(CONFIG)), sort_keys=True)
    assert json.dumps(truth, sort_keys=True) == again
    other = OrgConfig(seed=43, customers=400, days=10, end_date=date(2026, 11, 21))
    assert json.dumps(ground_truth(generate(other)), sort_keys=True) != again


def test_every_planted_trap_is_present(truth):
    kinds = {t["kind"] for t in truth["traps"]}
    assert {
        "nat_household",
        "shared_computer",
        "three_contacts",
        "contact_merge",
        "unverified_phone",
        "clock_skew",
        "handoff",
        "late_wrapup",
        "in_progress",
        "campaign_archived",
        "campaign_paused",
    } <= kinds


def test_verified_links_never_join_two_people(truth):
    """A perfect deterministic resolver must be able to reach precision 1.0."""
    owners = defaultdict(set)
    for key, group in truth["resolvable"].items():
        owners[group].add(truth["owner"][key])
    mixed = {g: o for g, o in owners.items() if len(o) > 1}
    assert not mixed


def test_links_do_reach_across_channels(truth):
    groups = defaultdict(set)
    for key, group in truth["resolvable"].items():
        groups[group].add(key.split(":", 1)[0])
    assert any({"conversation", "session", "contact", "phone", "email", "event"} <= kinds for kinds in groups.values())


def test_traps_are_true_traps(org, truth):
    shared = [t for t in truth["traps"] if t["kind"] == "shared_computer"]
    assert all(len(set(t["persons"])) == 2 for t in shared)
    assert all(
        truth["owner"][f"cookie:{t['cookie']}"] == t["persons"]
        for t in shared
        if f"cookie:{t['cookie']}" in truth["owner"]
    )
    nat = [t for t in truth["traps"] if t["kind"] == "nat_household"]
    assert all(len(t["persons"]) >= 2 for t in nat)
    hijacks = [t for t in truth["traps"] if t["kind"] == "unverified_phone" and t["typedPhoneOwner"] != t["actor"]]
    assert hijacks, "some unverified phones typed into web forms belong to someone else"
    for trio in (t for t in truth["traps"] if t["kind"] == "three_contacts"):
        assert len(set(trio["phones"])) == 3, "the same number in three formats"
        assert len({truth["resolvable"][f"contact:{c}"] for c in trio["contacts"].values()}) == 1


def test_identifiers_come_in_mixed_formats(org):
    written = [c.phone_written for c in org.contacts.values() if c.kind != "Ephemeral"]  # a cookie's has none
    assert sum(1 for w in written if re.fullmatch(r"\+\d+", w)) < len(written)
    assert len({re.sub(r"\d", "9", w) for w in written}) >= 4
    emails = [c.email_written for c in org.contacts.values() if c.email_written]
    assert any(e != e.lower() for e in emails) and any(e == e.lower() for e in emails)


def test_handoffs_start_within_a_minute_of_the_chat_ending(org, truth):
    by_id = {c.body["conversationId"]: c for c in org.conversations}
    for handoff in truth["handoffs"]:
        chat, call = by_id[handoff["from"]], by_id[handoff["to"]]
        gap = (parse_iso(call.body["conversationStart"]) - parse_iso(chat.body["conversationEnd"])).total_seconds()
        assert 0 < gap < 60 and gap == handoff["gapSeconds"]


def test_voice_events_can_precede_the_web_clicks_that_caused_them(org, truth):
    skewed = [t for t in truth["traps"] if t["kind"] == "clock_skew"]
    assert skewed and all(-300 < t["skewSeconds"] < 0 for t in skewed)


def test_funnels_narrow_step_by_step(truth):
    for campaign in truth["campaigns"].values():
        for steps in campaign["funnel"].values():
            counts = [s["contactCount"] for s in steps]
            assert counts == sorted(counts, reverse=True)
            assert steps[0]["conversionRate"] in (1.0, 0.0)


def test_scorecards_are_retrained_in_the_range(truth):
    versions = [len(s["versions"]) for s in truth["scorecards"].values()]
    assert max(versions) >= 2
    for scorecard in truth["scorecards"].values():
        assert set(scorecard["metrics"]) == {v["modelVersion"] for v in scorecard["versions"]}


def test_counts_add_up(org, truth):
    assert sum(truth["counts"]["journey_sessions"].values()) == len(org.activity.sessions)
    in_range = [c for c in org.conversations if c.day <= CONFIG.last_day]
    assert sum(truth["counts"]["conversations"].values()) == len(in_range)


def test_large_orgs_still_get_unique_possible_phone_numbers():
    """The fictional 555 numbers run out near 70,000 people; larger orgs (the benchmarks') widen
    the exchange instead of searching forever."""
    import random

    import phonenumbers

    from genesys_sandbox.identities import make_people

    people, _ = make_people(random.Random(3), 90_000)
    numbers = [phone.e164 for person in people for phone in person.phones]
    assert len(numbers) == len(set(numbers)) > 99_000 + 1_000  # more than the 555 and +44 ranges hold
    assert all(phonenumbers.is_possible_number(phonenumbers.parse(n)) for n in numbers[-2000:])
