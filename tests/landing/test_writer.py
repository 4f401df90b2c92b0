"""Slices land whole or not at all: validation, pseudonymization, rejects, replacement and crash recovery."""

from __future__ import annotations

import gzip
import hashlib
import json
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from genesys_elt.landing.layout import slice_dir
from genesys_elt.landing.pseudonymize import Pseudonymizer
from genesys_elt.landing.reader import read_manifest, read_records
from genesys_elt.landing.writer import SliceWriter
from genesys_elt.streams import stream
from tests.landing.test_payloads import json_values, valid_event

KEY = b"property-test-key-0123456789"
PSEUDONYMIZER = Pseudonymizer(KEY)
DAY = date(2026, 11, 20)


def test_a_slice_is_replaced_whole_and_a_failed_run_leaves_the_previous_one(tmp_path):
    p = Pseudonymizer(KEY)
    day = date(2026, 11, 20)
    event = {
        "id": "e1",
        "eventType": "web.pageview",
        "createdDate": "2026-11-20T10:00:00.000Z",
        "session": {"id": "s"},
        "customerId": "cookie-1",
        "customerIdType": "cookie",
    }
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


records = st.one_of(
    st.builds(lambda n: valid_event(f"e{n}"), st.integers(min_value=0, max_value=50)),  # repeats across pages
    st.builds(
        lambda n, t: valid_event(f"e{n}", created=t),
        st.integers(0, 50),
        st.sampled_from(["2026-11-20T10:00:00", "2026-13-45T25:61:00Z", "", "yesterday"]),
    ),
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


def test_pages_are_compressed_checksummed_as_written_and_the_same_records_give_the_same_bytes(tmp_path):
    events = [valid_event(f"e{n}") for n in range(200)]
    hashes = []
    for attempt in range(2):
        with SliceWriter(tmp_path, "journey_events", DAY, PSEUDONYMIZER) as writer:
            writer.write_page(events)
            manifest = writer.commit()
        (page,) = slice_dir(tmp_path, "journey_events", DAY).glob("page-*")
        data = page.read_bytes()
        assert page.name == "page-00001.jsonl.gz" and data[:2] == b"\x1f\x8b"  # gzip
        assert manifest["files"][page.name] == hashlib.sha256(data).hexdigest()
        assert manifest["page_bytes"] == {"json": len(gzip.decompress(data)), "on_disk": len(data)}
        assert manifest["page_bytes"]["on_disk"] * 3 < manifest["page_bytes"]["json"]
        hashes.append(manifest["files"][page.name])
    assert hashes[0] == hashes[1]  # no timestamp in the gzip header
    assert len(list(read_records(tmp_path, "journey_events", DAY))) == 200


def test_slices_landed_before_compression_are_still_read(tmp_path):
    with SliceWriter(tmp_path, "journey_events", DAY, PSEUDONYMIZER) as writer:
        writer.write_page([valid_event("e1"), valid_event("e2")])
        writer.commit()
    directory = slice_dir(tmp_path, "journey_events", DAY)
    (page,) = directory.glob("page-*")
    (directory / "page-00001.jsonl").write_bytes(gzip.decompress(page.read_bytes()))
    page.unlink()
    assert [r["id"] for r in read_records(tmp_path, "journey_events", DAY)] == ["e1", "e2"]
