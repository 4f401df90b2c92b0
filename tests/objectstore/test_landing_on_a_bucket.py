"""The landing area on an S3 bucket (moto's server on 127.0.0.1, credentials from an Airflow
connection): a slice lands as it does locally, is replaced whole, a failed or killed run leaves the
previous slice readable, and what an interrupted run left is swept by a later one."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import date, datetime, timezone

from genesys_elt.landing import store
from genesys_elt.landing.layout import landed_parts, landed_slices, skip_files, slice_dir
from genesys_elt.landing.pseudonymize import Pseudonymizer
from genesys_elt.landing.reader import landed_records, read_manifest, read_records
from genesys_elt.landing.store import landing_root
from genesys_elt.landing.writer import SliceWriter, record_skip
from tests.landing.test_payloads import valid_event
from tests.objectstore.conftest import CONN_ID, bucket_keys

P = Pseudonymizer(b"object-store-test-key-0123456")
DAY = date(2026, 11, 20)
STREAM = "journey_events"


def land(root, ids: list[str], part: str | None = None, run_id: str | None = None) -> dict:
    with SliceWriter(root, STREAM, DAY, P, run_id=run_id, part=part) as writer:
        writer.write_page([valid_event(i, customerId=f"cookie-{i}", customerIdType="cookie") for i in ids])
        writer.write_page([{"id": "bad"}])
        return writer.commit()


def test_a_slice_lands_on_the_bucket_as_it_lands_in_a_directory(bucket_url, s3_server, tmp_path):
    bucket = landing_root(bucket_url, CONN_ID)
    assert store.is_object_store(bucket) and not store.is_object_store(landing_root(tmp_path))
    remote = land(bucket, ["e1", "e2"], run_id="run1")
    local = land(tmp_path, ["e1", "e2"], run_id="run1")
    pages = {name: digest for name, digest in remote["files"].items() if name != "_manifest.json"}
    assert pages == {name: digest for name, digest in local["files"].items() if name != "_manifest.json"}
    assert remote["records"] == 2 and remote["rejected"] == 1
    assert list(read_records(bucket, STREAM, DAY)) == list(read_records(tmp_path, STREAM, DAY))
    assert [r["customerId"][:11] for r in landed_records(bucket, STREAM, DAY)] == ["pii_cookie_"] * 2
    prefix = f"landing/raw/genesys/{STREAM}/date={DAY}"
    assert bucket_keys(s3_server, bucket_url) == [
        f"{prefix}/.run-run1/page-00001.jsonl.gz",
        f"{prefix}/.run-run1/page-00002.jsonl.gz",
        f"{prefix}/.run-run1/rejects.jsonl",
        f"{prefix}/_manifest.json",
    ]
    assert [(k.stream, k.date, k.part) for k in landed_slices(bucket, (STREAM,))] == [(STREAM, DAY.isoformat(), "")]


def test_a_slice_is_replaced_whole_and_superseded_runs_are_swept_once_stale(bucket_url, s3_server):
    bucket = landing_root(bucket_url, CONN_ID)
    land(bucket, ["e1", "e2"], run_id="first")
    second = land(bucket, ["e3"], run_id="second")
    assert read_manifest(bucket, STREAM, DAY)["run_id"] == second["run_id"] == "second"
    assert [r["id"] for r in read_records(bucket, STREAM, DAY)] == ["e3"]
    # the superseded run stays a while (a reader may still hold the manifest that named it) ...
    assert any("/.run-first/" in key for key in bucket_keys(s3_server, bucket_url))
    # ... until a sweep finds it old enough; the published run is never swept
    assert store.sweep(slice_dir(bucket, STREAM, DAY), stale_seconds=0) == ["first"]
    keys = bucket_keys(s3_server, bucket_url)
    assert not any("/.run-first/" in key for key in keys) and any("/.run-second/" in key for key in keys)
    assert [r["id"] for r in read_records(bucket, STREAM, DAY)] == ["e3"]


def test_a_failed_run_uploads_nothing_and_leaves_the_previous_slice(bucket_url, s3_server):
    bucket = landing_root(bucket_url, CONN_ID)
    land(bucket, ["e1"], run_id="good")
    before = bucket_keys(s3_server, bucket_url)
    try:
        with SliceWriter(bucket, STREAM, DAY, P, run_id="failed") as writer:
            writer.write_page([valid_event("e9")])
            raise RuntimeError("the API went away between pages")
    except RuntimeError:
        pass
    assert bucket_keys(s3_server, bucket_url) == before
    assert [r["id"] for r in read_records(bucket, STREAM, DAY)] == ["e1"]


KILLED_UPLOAD = textwrap.dedent(
    """
    import os, signal
    from datetime import date
    from genesys_elt.landing import store
    from genesys_elt.landing.pseudonymize import Pseudonymizer
    from genesys_elt.landing.writer import SliceWriter
    from tests.landing.test_payloads import valid_event

    uploaded = []
    real_upload = store.upload

    def upload_then_die(source, target):
        real_upload(source, target)
        uploaded.append(target)
        if len(uploaded) == 2:  # two pages up, the third page and the manifest never sent
            os.kill(os.getpid(), signal.SIGKILL)

    store.upload = upload_then_die
    root = store.landing_root("{url}", "{conn_id}")
    with SliceWriter(root, "{stream}", date.fromisoformat("{day}"), Pseudonymizer(b"object-store-test-key-0123456"),
                     run_id="killed") as writer:
        for n in range(3):
            writer.write_page([valid_event(f"k{{n}}")])
        writer.commit()
    """
)


def test_a_run_killed_mid_upload_leaves_the_previous_slice_and_is_swept_later(bucket_url, s3_server, monkeypatch):
    bucket = landing_root(bucket_url, CONN_ID)
    land(bucket, ["e1"], run_id="before")
    script = KILLED_UPLOAD.format(url=bucket_url, conn_id=CONN_ID, stream=STREAM, day=DAY.isoformat())
    killed = subprocess.run([sys.executable, "-c", script], env=os.environ.copy(), capture_output=True, timeout=120)
    assert killed.returncode == -9, killed.stderr.decode()[-2000:]
    keys = bucket_keys(s3_server, bucket_url)
    assert len([k for k in keys if "/.run-killed/" in k]) == 2  # half a slice, named by no manifest
    assert read_manifest(bucket, STREAM, DAY)["run_id"] == "before"
    assert [r["id"] for r in read_records(bucket, STREAM, DAY)] == ["e1"]
    # the next run publishes and, once the killed run's files are stale, sweeps them
    monkeypatch.setattr(store, "STALE_SECONDS", 0)
    land(bucket, ["e2"], run_id="after")
    keys = bucket_keys(s3_server, bucket_url)
    assert not any("/.run-killed/" in k or "/.run-before/" in k for k in keys)
    assert [r["id"] for r in read_records(bucket, STREAM, DAY)] == ["e2"]


def test_parts_and_skips_on_the_bucket(bucket_url):
    bucket = landing_root(bucket_url, CONN_ID)
    land(bucket, ["a1"], part="a")
    land(bucket, ["b1", "b2"], part="b")
    assert landed_parts(bucket, STREAM, DAY) == ["a", "b"]
    assert [r["id"] for r in read_records(bucket, STREAM, DAY)] == ["a1", "b1", "b2"]
    assert [r["id"] for r in read_records(bucket, STREAM, DAY, part="b")] == ["b1", "b2"]
    record_skip(bucket, STREAM, DAY, "c", "the map was deleted", datetime(2026, 11, 21, tzinfo=timezone.utc))
    [(stream, day, part, path)] = skip_files(bucket)
    assert (stream, day, part) == (STREAM, DAY.isoformat(), "c") and "deleted" in path.read_text()


def test_twin_runs_of_one_slice_leave_one_whole_slice(bucket_url, s3_server):
    """Two runs of the same slice at once (a retry racing a slow attempt): whichever manifest is
    written last wins, and it names a run whose every file is on the bucket."""
    from concurrent.futures import ThreadPoolExecutor

    bucket = landing_root(bucket_url, CONN_ID)
    twins = {"twin-a": [f"a{n}" for n in range(50)], "twin-b": [f"b{n}" for n in range(30)]}

    def run(run_id: str) -> None:
        with SliceWriter(bucket, STREAM, DAY, P, run_id=run_id) as writer:
            for n in range(0, len(twins[run_id]), 10):
                writer.write_page([valid_event(i) for i in twins[run_id][n : n + 10]])
            writer.commit()

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(run, twins))
    winner = read_manifest(bucket, STREAM, DAY)["run_id"]
    assert [r["id"] for r in read_records(bucket, STREAM, DAY)] == twins[winner]
    keys = bucket_keys(s3_server, bucket_url)
    assert all(
        any(k.endswith(f"/.run-{winner}/{name}") for k in keys) for name in read_manifest(bucket, STREAM, DAY)["files"]
    )


def test_lineage_names_a_slice_on_the_bucket_as_openlineage_names_object_storage(bucket_url, tmp_path):
    from genesys_elt.dag_support.lineage import slice_datasets

    manifest = {"stream": STREAM, "date": DAY.isoformat(), "part": None}
    [remote] = slice_datasets(landing_root(bucket_url, CONN_ID), [manifest])
    bucket, prefix = bucket_url.removeprefix("s3://").split("/", 1)
    assert (remote.namespace, remote.name) == (f"s3://{bucket}", f"{prefix}/raw/genesys/{STREAM}/date={DAY}")
    [local] = slice_datasets(tmp_path, [manifest])
    assert (local.namespace, local.name) == ("file", str(tmp_path / "raw" / "genesys" / STREAM / f"date={DAY}"))


KILLED_MID_SLICE = textwrap.dedent(
    """
    import os, signal
    from datetime import date
    from genesys_elt.landing import store
    from genesys_elt.landing.pseudonymize import Pseudonymizer
    from genesys_elt.landing.writer import SliceWriter
    from tests.landing.test_payloads import valid_event

    root = store.landing_root("{url}", "{conn_id}")
    with SliceWriter(root, "{stream}", date.fromisoformat("{day}"), Pseudonymizer(b"object-store-test-key-0123456"),
                     run_id="killed") as writer:
        writer.write_page([valid_event("k1")])
        writer.write_page([valid_event("k2")])
        os.kill(os.getpid(), signal.SIGKILL)  # between pages, before anything is uploaded
    """
)


def test_a_run_killed_mid_slice_uploads_nothing_and_its_local_copy_is_removed_later(
    bucket_url, s3_server, tmp_path, monkeypatch
):
    import tempfile

    from genesys_elt.landing import writer

    bucket = landing_root(bucket_url, CONN_ID)
    land(bucket, ["e1"], run_id="before")
    before = bucket_keys(s3_server, bucket_url)
    script = KILLED_MID_SLICE.format(url=bucket_url, conn_id=CONN_ID, stream=STREAM, day=DAY.isoformat())
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    killed = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, timeout=120)
    assert killed.returncode == -9, killed.stderr.decode()[-2000:]
    assert bucket_keys(s3_server, bucket_url) == before  # nothing of the killed run on the bucket
    assert [r["id"] for r in read_records(bucket, STREAM, DAY)] == ["e1"]
    [left] = list(tmp_path.glob(".tmp-genesys-*"))  # its local copy, which no live run owns once stale
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(writer, "STALE_TMP_SECONDS", 0)
    land(bucket, ["e2"], run_id="after")
    assert not left.exists() and not list(tmp_path.glob(".tmp-genesys-*"))
    assert [r["id"] for r in read_records(bucket, STREAM, DAY)] == ["e2"]
