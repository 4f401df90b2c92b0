"""The payload models: a record is accepted, or refused with a reason that names the field, whatever it holds."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from genesys_elt.streams import STREAM_NAMES, stream

json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)

json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)

offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(lambda m: timezone(timedelta(minutes=m)))

instants = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31), timezones=offsets)


def valid_event(event_id: str = "e1", created: str = "2026-11-20T10:00:00.000Z", **extra) -> dict:
    return {"id": event_id, "eventType": "web.pageview", "createdDate": created, "session": {"id": "s1"}, **extra}


def test_validation_names_the_fault():
    good = {"id": "e1", "eventType": "web.pageview", "createdDate": "2026-11-20T10:00:00.000Z", "session": {"id": "s"}}
    assert stream("journey_events").rejection_reason(good) is None
    assert "createdDate" in stream("journey_events").rejection_reason({**good, "createdDate": "2026-11-20T10:00:00"})
    assert "session" in stream("journey_events").rejection_reason({k: v for k, v in good.items() if k != "session"})
    assert stream("journey_events").rejection_reason({**good, "eventType": "brand.new.type", "extra": 1}) is None
    step = {
        "campaignId": "c",
        "dateFrom": "2026-11-20T00:00:00Z",
        "dateTo": "2026-11-21T00:00:00Z",
        "stepSequence": 1,
        "stepId": "s",
        "contactCount": 5,
    }
    assert stream("campaign_journey").rejection_reason(step) is None
    assert "stepId" in stream("campaign_journey").rejection_reason({**step, "stepId": None})
    assert "contactCount" in stream("campaign_journey").rejection_reason({**step, "contactCount": "many"})


@given(name=st.sampled_from(sorted(STREAM_NAMES)), record=json_values)
def test_any_json_value_is_accepted_or_rejected_with_a_reason_never_an_exception(name, record):
    reason = stream(name).rejection_reason(record)
    assert reason is None or (isinstance(reason, str) and reason.strip() and "\n" not in reason)


@given(
    event_type=st.text(min_size=1, max_size=40),
    extra=st.dictionaries(
        st.text(min_size=1, max_size=12).filter(lambda k: k not in stream("journey_events").model.model_fields),
        json_values,
        max_size=5,
    ),
)
def test_unknown_enum_values_and_extra_fields_are_kept(event_type, extra):
    # Extra means undeclared: a declared optional field (customerId) with a wrong type is refused.
    assert stream("journey_events").rejection_reason(valid_event(eventType=event_type, **extra)) is None


WRONG = {
    "id": [None, 12, [], {}, ""],
    "eventType": [None, 12, [], {}, ""],
    "createdDate": [None, 12, 1.5, "", "yesterday", "2026-11-20", "1732096800", "20261120T100000Z"],
    "session": [None, 12, [], "", "s1", {}],
}


@given(field_and_value=st.sampled_from([(f, v) for f, values in WRONG.items() for v in values]))
def test_a_missing_field_or_a_wrong_type_is_named_in_the_reason(field_and_value):
    field, wrong = field_and_value
    assert field in stream("journey_events").rejection_reason({k: v for k, v in valid_event().items() if k != field})
    reason = stream("journey_events").rejection_reason({**valid_event(), field: wrong})
    assert reason and field in reason, (field, wrong, reason)


@settings(deadline=None)  # the engine's first query may take longer than an example's default deadline
@given(moment=instants)
def test_timestamps_with_any_utc_offset_are_accepted_and_the_warehouse_reads_them_as_utc(moment):
    text = moment.isoformat()
    assert stream("journey_events").rejection_reason(valid_event(created=text)) is None
    assert "createdDate" in stream("journey_events").rejection_reason(
        valid_event(created=moment.replace(tzinfo=None).isoformat())
    )
    # The expression dbt's utc_timestamp macro compiles to, in the engine that runs it.
    (read,) = duckdb.execute(f"select cast('{text}' as timestamptz) at time zone 'UTC'").fetchone()
    assert read == moment.astimezone(timezone.utc).replace(tzinfo=None)
