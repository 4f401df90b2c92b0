"""The raw-table sync for a server warehouse, on the local PostgreSQL: slices replaced whole when
their manifest changes, left alone when it does not, deleted when they leave the landing area."""

from __future__ import annotations

import gzip
import shutil
from datetime import date

import psycopg2
import pytest

from genesys_elt.landing.layout import slice_dir
from genesys_elt.landing.pseudonymize import Pseudonymizer
from genesys_elt.landing.writer import SliceWriter
from genesys_elt.warehouse import raw_sync
from genesys_elt.warehouse.postgres import SERVER as POSTGRES
from genesys_elt.warehouse.postgres import drop_postgres_database, fresh_postgres_database

pytestmark = pytest.mark.integration
DAY = date(2026, 11, 20)
PSEUDONYMIZER = Pseudonymizer(b"raw-tables-test-key-0123456789")


def campaign(n: int, name: str = "Upsell") -> dict:
    return {
        "id": f"c-{n}",
        "name": f"{name} é {n}",
        "status": "active",
        "scorecardId": "s-1",
        "createdDate": "2026-11-01T00:00:00.000Z",
        "modifiedDate": "2026-11-19T10:00:00.000+02:00",
    }


def land(data_dir, day: date, records: list, rejects: list = ()) -> None:
    with SliceWriter(data_dir, "campaigns", day, PSEUDONYMIZER) as writer:
        writer.write_page(records)
        for record in rejects:
            writer.reject(record, "campaign: missing id")
        writer.commit()


@pytest.fixture
def conn():
    database = "genesys_elt_raw_tables"
    fresh_postgres_database(database, byte_order=True)
    connection = psycopg2.connect(dbname=database, **POSTGRES)
    yield connection
    connection.close()
    drop_postgres_database(database)


def rows(conn, sql: str) -> list[tuple]:
    with conn.cursor() as cur:
        cur.execute(sql)
        return cur.fetchall()


def test_a_sync_mirrors_the_landing_area_slice_by_slice(tmp_path, conn):
    land(tmp_path, DAY, [campaign(1), campaign(2)], rejects=[{"name": "no id"}])
    land(tmp_path, date(2026, 11, 21), [campaign(1)])

    first = raw_sync.sync(tmp_path, conn)
    assert (first.replaced, first.unchanged, first.deleted) == (2, 0, 0)
    assert rows(conn, "select cast(date as text), json ->> 'id' from genesys_raw.campaigns order by 1, 2") == [
        ("2026-11-20", "c-1"),
        ("2026-11-20", "c-2"),
        ("2026-11-21", "c-1"),
    ]
    # JSON text as DuckDB prints it: compact, keys in file order, non-ASCII kept.
    (name,) = rows(
        conn, "select cast(json as text) from genesys_raw.campaigns where json ->> 'id' = 'c-2' and date = '2026-11-20'"
    )[0]
    assert name.startswith('{"createdDate":"2026-11-01T00:00:00.000Z","id":"c-2","modifiedDate"') and "é" in name
    assert rows(conn, "select stream, json -> 'record' ->> 'name' from genesys_raw.slice_rejects") == [
        ("campaigns", "no id")
    ]

    assert raw_sync.sync(tmp_path, conn).replaced == 0  # nothing changed on disk

    land(tmp_path, DAY, [campaign(3)])  # a re-run replaces the day whole: c-1 and c-2 are gone
    shutil.rmtree(slice_dir(tmp_path, "campaigns", date(2026, 11, 21)))
    again = raw_sync.sync(tmp_path, conn)
    assert (again.replaced, again.unchanged, again.deleted) == (1, 0, 1)
    assert rows(conn, "select cast(date as text), json ->> 'id' from genesys_raw.campaigns") == [("2026-11-20", "c-3")]
    assert rows(conn, "select count(*) from genesys_raw.slice_rejects") == [(0,)]
    assert rows(conn, "select count(*) from genesys_raw.slice_manifests") == [(1,)]


def test_a_failed_sync_leaves_the_tables_as_they_were(tmp_path, conn):
    land(tmp_path, DAY, [campaign(1)])
    raw_sync.sync(tmp_path, conn)
    land(tmp_path, DAY, [campaign(2)])
    page = next(slice_dir(tmp_path, "campaigns", DAY).glob("page-*.jsonl.gz"))
    damaged = gzip.decompress(page.read_bytes()) + b'{"id": "c-3", truncated\n'  # a damaged page mid-sync
    page.write_bytes(gzip.compress(damaged))

    with pytest.raises(raw_sync.RawSyncError, match=r"page-00001.jsonl.gz: not valid JSON"):
        raw_sync.sync(tmp_path, conn)
    assert rows(conn, "select json ->> 'id' from genesys_raw.campaigns") == [("c-1",)]
