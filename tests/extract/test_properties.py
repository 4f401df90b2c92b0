"""Property-based tests of the code that meets untrusted input: payload models, E.164 and email
normalization, the paginators and the landing code, with random and hostile values."""

from __future__ import annotations

import json
import string
from datetime import date, datetime, timedelta, timezone

import duckdb
import phonenumbers
import pytest
from hypothesis import HealthCheck, assume, given, settings, strategies as st

from genesys_elt.landing.layout import slice_dir
from genesys_elt.landing.reader import read_manifest, read_records
from genesys_elt.landing.writer import SliceWriter
from genesys_elt.api.paging import Cursor, FollowLink, PagingLoop
from genesys_elt.landing.pseudonymize import Pseudonymizer, normalize_email, normalize_phone
from genesys_elt.streams import STREAM_NAMES, stream

KEY = b"property-test-key-0123456789"
PSEUDONYMIZER = Pseudonymizer(KEY)
DAY = date(2026, 11, 20)

json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=12)
offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
instants = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31), timezones=offsets)


def valid_event(event_id: str = "e1", created: str = "2026-11-20T10:00:00.000Z", **extra) -> dict:
    return {"id": event_id, "eventType": "web.pageview", "createdDate": created, "session": {"id": "s1"}, **extra}


@given(name=st.sampled_from(sorted(STREAM_NAMES)), record=json_values)
def test_any_json_value_is_accepted_or_rejected_with_a_reason_never_an_exception(name, record):
    reason = stream(name).rejection_reason(record)
    assert reason is None or (isinstance(reason, str) and reason.strip() and "\n" not in reason)


@given(event_type=st.text(min_size=1, max_size=40), extra=st.dictionaries(
    st.text(min_size=1, max_size=12).filter(lambda k: k not in valid_event()), json_values, max_size=5))
def test_unknown_enum_values_and_extra_fields_are_kept(event_type, extra):
    assert stream("journey_events").rejection_reason(valid_event(eventType=event_type, **extra)) is None


WRONG = {"id": [None, 12, [], {}, ""], "eventType": [None, 12, [], {}, ""],
         "createdDate": [None, 12, 1.5, "", "yesterday", "2026-11-20", "1732096800", "20261120T100000Z"],
         "session": [None, 12, [], "", "s1", {}]}


@given(field_and_value=st.sampled_from([(f, v) for f, values in WRONG.items() for v in values]))
def test_a_missing_field_or_a_wrong_type_is_named_in_the_reason(field_and_value):
    field, wrong = field_and_value
    assert field in stream("journey_events").rejection_reason({k: v for k, v in valid_event().items() if k != field})
    reason = stream("journey_events").rejection_reason({**valid_event(), field: wrong})
    assert reason and field in reason, (field, wrong, reason)


@given(moment=instants)
def test_timestamps_with_any_utc_offset_are_accepted_and_the_warehouse_reads_them_as_utc(moment):
    text = moment.isoformat()
    assert stream("journey_events").rejection_reason(valid_event(created=text)) is None
    assert "createdDate" in stream("journey_events").rejection_reason(valid_event(created=moment.replace(tzinfo=None).isoformat()))
    # The expression dbt's utc_timestamp macro compiles to, in the engine that runs it.
    read, = duckdb.execute(f"select cast('{text}' as timestamptz) at time zone 'UTC'").fetchone()
    assert read == moment.astimezone(timezone.utc).replace(tzinfo=None)


regions = st.sampled_from(["US", "GB", "DE", "FR", "BR", "IN", "AU", "JP", "ZA", "MX"])
formats = st.sampled_from([phonenumbers.PhoneNumberFormat.E164, phonenumbers.PhoneNumberFormat.INTERNATIONAL,
                           phonenumbers.PhoneNumberFormat.NATIONAL, phonenumbers.PhoneNumberFormat.RFC3966])


@given(region=regions, style=formats, kind=st.sampled_from([phonenumbers.PhoneNumberType.MOBILE,
                                                           phonenumbers.PhoneNumberType.FIXED_LINE]))
def test_a_number_written_any_way_normalizes_to_one_e164(region, style, kind):
    number = phonenumbers.example_number_for_type(region, kind)
    assume(number is not None)
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    written = phonenumbers.format_number(number, style)
    assert normalize_phone(written, region) == e164
    assert PSEUDONYMIZER.phone(written, region) == PSEUDONYMIZER.phone(e164, "US")


@given(st.text(max_size=40))
def test_normalizing_hostile_text_never_raises(text):
    result = normalize_phone(text)
    assert result is None or (result.startswith("+") and result[1:].isdigit())
    for token in (PSEUDONYMIZER.phone(text), PSEUDONYMIZER.email(text), PSEUDONYMIZER.address(text)):
        assert token.startswith("pii_") and text.strip() not in token[4:] or len(text.strip()) < 3


@given(local=st.text(string.ascii_letters + string.digits + "._+-", min_size=1, max_size=20),
       domain=st.text(string.ascii_letters, min_size=1, max_size=12), pad=st.text(" \t", max_size=3))
def test_emails_match_whatever_their_case_and_padding(local, domain, pad):
    email = f"{local}@{domain}.com"
    assert normalize_email(pad + email.upper() + pad) == normalize_email(email) == normalize_email(normalize_email(email))
    assert PSEUDONYMIZER.email(pad + email.swapcase()) == PSEUDONYMIZER.email(email)


# ------------------------------------------------------------------ paginators
page_contents = st.lists(st.lists(st.integers(), max_size=5), min_size=1, max_size=30)  # empty pages included


@given(contents=page_contents, link=st.sampled_from(["nextUri", "nextPageUri"]))
def test_follow_link_yields_every_page_once_in_order_even_empty_ones(contents, link):
    pages = {f"/p{i}": {"entities": entities, link: f"/p{i + 1}" if i + 1 < len(contents) else None}
             for i, entities in enumerate(contents)}
    calls = []

    def call(method, path, params=None):
        calls.append(path)
        return pages[path]

    assert [p["entities"] for p in FollowLink(link).pages(call, "/p0", {})] == contents
    assert calls == list(pages)


@given(contents=page_contents, back_to=st.integers(min_value=0, max_value=29))
def test_a_link_back_to_an_earlier_page_is_a_loop_not_an_endless_walk(contents, back_to):
    back_to = back_to % len(contents)
    pages = {f"/p{i}": {"entities": e, "nextUri": f"/p{i + 1}"} for i, e in enumerate(contents)}
    pages[f"/p{len(contents) - 1}"]["nextUri"] = f"/p{back_to}" if back_to else "/p1" if len(contents) > 1 else "/p0"
    assume(pages[f"/p{len(contents) - 1}"]["nextUri"] != "/p0" or len(contents) == 1)
    walked = []
    with pytest.raises(PagingLoop):
        for page in FollowLink().pages(lambda m, path, params=None: pages[path], "/p0", {}):
            walked.append(page)
            assert len(walked) <= len(contents) + 2


@given(contents=page_contents, repeat_at=st.integers(min_value=0, max_value=29), has_more=st.booleans())
def test_a_cursor_that_repeats_is_refused(contents, repeat_at, has_more):
    assume(len(contents) >= 2)
    cursors = [f"c{i}" for i in range(len(contents))]
    repeat_at = repeat_at % (len(contents) - 1)
    cursors[-1] = cursors[repeat_at]  # the last page hands back an earlier cursor

    def call(method, path, params=None):
        index = 0 if not (params or {}).get("cursor") else int(params["cursor"][1:]) + 1
        if index >= len(contents):
            return {"events": [], "hasMore": False}
        return {"events": contents[index], "cursor": cursors[index], "hasMore": True}

    paginator = Cursor(has_more="hasMore") if has_more else Cursor()
    with pytest.raises(PagingLoop):
        list(paginator.pages(call, "/q", {}))


# ------------------------------------------------------------------ landing
records = st.one_of(
    st.builds(lambda n: valid_event(f"e{n}"), st.integers(min_value=0, max_value=50)),  # repeats across pages
    st.builds(lambda n, t: valid_event(f"e{n}", created=t), st.integers(0, 50), st.sampled_from(
        ["2026-11-20T10:00:00", "2026-13-45T25:61:00Z", "", "yesterday"])),
    json_values,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pages=st.lists(st.lists(records, max_size=20), max_size=6))
def test_a_landed_slice_accounts_for_every_record_it_received(tmp_path_factory, pages):
    data_dir = tmp_path_factory.mktemp("slice")
    with SliceWriter(data_dir, "journey_events", DAY, PSEUDONYMIZER) as writer:
        for page in pages:
            writer.write_page(page)
        manifest = writer.commit()
    received = sum(len(page) for page in pages)
    valid = [r for page in pages for r in page if stream("journey_events").rejection_reason(r) is None]
    assert manifest["received"] == received == manifest["records"] + manifest["rejected"]
    assert manifest["records"] == len(valid) and manifest["pages"] == len(pages)
    assert [r["id"] for r in read_records(data_dir, "journey_events", DAY)] == [r["id"] for r in valid]
    rejects_file = slice_dir(data_dir, "journey_events", DAY) / "rejects.jsonl"
    rejects = [json.loads(line) for line in rejects_file.read_text().splitlines()] if rejects_file.exists() else []
    assert len(rejects) == manifest["rejected"] and all(r["reason"] for r in rejects)
    assert read_manifest(data_dir, "journey_events", DAY)["run_id"] == manifest["run_id"]


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(size=st.integers(min_value=5_000, max_value=20_000))
def test_a_huge_page_lands_whole(tmp_path_factory, size):
    data_dir = tmp_path_factory.mktemp("huge")
    with SliceWriter(data_dir, "journey_events", DAY, PSEUDONYMIZER) as writer:
        writer.write_page([valid_event(f"e{n}") for n in range(size)])
        manifest = writer.commit()
    assert manifest["records"] == size == sum(1 for _ in read_records(data_dir, "journey_events", DAY))
