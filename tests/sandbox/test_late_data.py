"""Conversations as the platform's details jobs return them: by activity in the interval (or, with
``startOfDayIntervalMatching``, from the interval's first midnight on), open for days, and
corrected three to five days after they ended."""

from __future__ import annotations

from datetime import timedelta

import pytest

from genesys_sandbox.org import ground_truth
from genesys_sandbox.timefmt import day_start, iso
from tests.conftest import END_DATE

from .helpers import JOBS, conversations_job, wrap_up_codes

pytestmark = pytest.mark.integration


def _interval(day) -> str:
    return f"{iso(day_start(day))}/{iso(day_start(day + timedelta(days=1)))}"


def _ids(records: list[dict]) -> set[str]:
    return {r["conversationId"] for r in records}


def test_a_job_returns_every_conversation_with_activity_in_its_interval(sandbox_factory):
    sandbox, api = sandbox_factory(customers=150, days=14)
    org = sandbox.api.org
    span = next(c for c in org.conversations if (c.end.date() - c.day).days >= 2 and c.end < sandbox.clock())
    for day in [span.day + timedelta(days=n) for n in range((span.end.date() - span.day).days + 1)]:
        by_activity = _ids(conversations_job(api, _interval(day)))
        from_midnight = _ids(conversations_job(api, _interval(day), startOfDayIntervalMatching=True))
        assert span.body["conversationId"] in by_activity
        # the flag keeps only those that started on or after the interval's first midnight
        assert (span.body["conversationId"] in from_midnight) == (day == span.day)
        started = {c.body["conversationId"] for c in org.conversations if c.day == day}
        assert from_midnight == started and started <= by_activity
    truth = ground_truth(org)
    day = span.day.isoformat()
    assert len(conversations_job(api, _interval(span.day))) == truth["counts"]["conversations_active"][day]


def test_the_flag_must_be_a_boolean(api):
    answer = api.post(JOBS, json={"interval": _interval(END_DATE), "startOfDayIntervalMatching": "yes"})
    assert answer.status_code == 400 and "startOfDayIntervalMatching" in answer.json()["message"]


def test_a_thread_stays_open_for_days_and_each_day_returns_it_open(sandbox_factory):
    sandbox, api = sandbox_factory(customers=150, days=14)
    truth = ground_truth(sandbox.api.org)
    long_ids = {t["conversation"] for t in truth["traps"] if t["kind"] == "crosses_midnight" and t["days"] >= 3}
    thread = next(
        c for c in sandbox.api.org.conversations if c.body["conversationId"] in long_ids and c.end < sandbox.clock()
    )
    next_day = thread.day + timedelta(days=1)
    api.control(now=iso(day_start(next_day + timedelta(days=1)) + timedelta(hours=6)))
    seen = next(
        r for r in conversations_job(api, _interval(next_day)) if r["conversationId"] == thread.body["conversationId"]
    )
    assert "conversationEnd" not in seen
    api.control(now=iso(thread.end + timedelta(hours=30)))
    settled = next(
        r for r in conversations_job(api, _interval(next_day)) if r["conversationId"] == thread.body["conversationId"]
    )
    assert settled["conversationEnd"] == iso(thread.end)


def _segment_types(record: dict) -> list[str]:
    return [s["segmentType"] for p in record["participants"] for sess in p["sessions"] for s in sess["segments"]]


@pytest.mark.parametrize("kind", ["wrap_up_code", "hold_segment"])
def test_a_record_is_corrected_three_to_five_days_after_it_ended(sandbox_factory, kind):
    sandbox, api = sandbox_factory(customers=300, days=14)
    conv = next(
        c for c in sandbox.api.org.conversations if c.late_change and c.late_change.kind == kind and not c.late_wrapup
    )
    assert timedelta(days=3) <= conv.late_change.at - conv.end <= timedelta(days=5)
    end_day = conv.end.date()
    api.control(now=iso(conv.late_change.at - timedelta(minutes=5)))
    before = next(
        r for r in conversations_job(api, _interval(end_day)) if r["conversationId"] == conv.body["conversationId"]
    )
    api.control(now=iso(conv.late_change.at + timedelta(minutes=5)))
    after = next(
        r for r in conversations_job(api, _interval(end_day)) if r["conversationId"] == conv.body["conversationId"]
    )
    assert before["conversationEnd"] == after["conversationEnd"] == iso(conv.end)
    assert after == conv.body
    if kind == "wrap_up_code":
        assert wrap_up_codes(before) != wrap_up_codes(after) and all(wrap_up_codes(after))
    else:
        assert _segment_types(after).count("hold") == _segment_types(before).count("hold") + 1
