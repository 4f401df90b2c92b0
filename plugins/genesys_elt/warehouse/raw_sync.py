"""Raw slices as tables, for a server warehouse that cannot read the landing files in place.

DuckDB reads the landing area directly; PostgreSQL (or any warehouse reached through a database
connection) gets the same relations as tables in the ``genesys_raw`` schema, with the columns the
DuckDB sources expose: ``json``, ``filename``, ``date`` and ``part``. A sync mirrors the landing
area: a slice whose manifest changed is replaced whole, a slice that disappeared is deleted, and the
whole sync is one transaction, so dbt never sees half of it.

JSON text is re-serialized compactly in its original key order, the way DuckDB prints a JSON value,
so that models casting JSON to text (checksums, division lists) give the same strings on both.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from ..landing.layout import MANIFEST, PAGE_GLOB, REJECTS, SliceKey, landed_slices, skip_files
from ..landing.reader import page_text
from ..streams import STREAM_NAMES

SCHEMA = "genesys_raw"


@dataclass
class SyncStats:
    replaced: int = 0
    unchanged: int = 0
    deleted: int = 0
    rows: int = 0


class RawSyncError(ValueError):
    pass


def canonical_json(text: str, origin: Path | None = None) -> str:
    try:
        return json.dumps(json.loads(text), separators=(",", ":"), ensure_ascii=False)
    except json.JSONDecodeError as exc:
        raise RawSyncError(f"{origin or 'raw file'}: not valid JSON ({exc}); nothing was synced") from None


def _json_lines(path: Path):
    return (canonical_json(line, path) for line in page_text(path).splitlines() if line.strip())


def create_tables(cur) -> None:
    cur.execute(f"create schema if not exists {SCHEMA}")
    for stream in STREAM_NAMES:
        cur.execute(
            f"create table if not exists {SCHEMA}.{stream} "
            "(json json not null, filename text not null, date date not null, part text)"
        )
    for table in ("slice_manifests", "slice_rejects", "slice_skips"):
        cur.execute(
            f"create table if not exists {SCHEMA}.{table} "
            "(stream text not null, date date not null, part text, json json not null, "
            "filename text not null)"
        )


def sync(data_dir: Path, conn) -> SyncStats:
    """Mirrors the landing area into ``genesys_raw``, in one transaction on ``conn`` (DB-API)."""
    stats = SyncStats()
    on_disk = landed_slices(data_dir, STREAM_NAMES)
    try:
        with conn.cursor() as cur:
            create_tables(cur)
            cur.execute(
                f"select stream, cast(date as text), coalesce(part, ''), cast(json as text) "
                f"from {SCHEMA}.slice_manifests"
            )
            loaded = {SliceKey(stream, day, part): text for stream, day, part, text in cur.fetchall()}
            for key in loaded.keys() - on_disk.keys():
                _delete_slice(cur, key)
                stats.deleted += 1
            for key, directory in sorted(
                on_disk.items(), key=lambda item: (item[0].stream, item[0].date, item[0].part)
            ):
                manifest = canonical_json((directory / MANIFEST).read_text(encoding="utf-8"), directory / MANIFEST)
                if loaded.get(key) == manifest:
                    stats.unchanged += 1
                    continue
                _delete_slice(cur, key)
                stats.rows += _load_slice(cur, key, directory, manifest)
                stats.replaced += 1
            stats.rows += _sync_skips(cur, data_dir)
    except BaseException:
        conn.rollback()
        raise
    conn.commit()
    return stats


def _delete_slice(cur, key: SliceKey) -> None:
    cur.execute(f"delete from {SCHEMA}.{key.stream} where date = %s and coalesce(part, '') = %s", (key.date, key.part))
    for table in ("slice_manifests", "slice_rejects"):
        cur.execute(
            f"delete from {SCHEMA}.{table} where stream = %s and date = %s and coalesce(part, '') = %s",
            (key.stream, key.date, key.part),
        )


def _load_slice(cur, key: SliceKey, directory: Path, manifest: str) -> int:
    part = key.part or None
    pages = (
        [line, str(page), key.date, part] for page in sorted(directory.glob(PAGE_GLOB)) for line in _json_lines(page)
    )
    rows = _copy(cur, f"{SCHEMA}.{key.stream}", ("json", "filename", "date", "part"), pages)
    slice_row = [key.stream, key.date, part]
    rows += _copy(
        cur,
        f"{SCHEMA}.slice_manifests",
        ("stream", "date", "part", "json", "filename"),
        [[*slice_row, manifest, str(directory / MANIFEST)]],
    )
    rejects = directory / REJECTS
    if rejects.exists():
        rows += _copy(
            cur,
            f"{SCHEMA}.slice_rejects",
            ("stream", "date", "part", "json", "filename"),
            ([*slice_row, line, str(rejects)] for line in _json_lines(rejects)),
        )
    return rows


def _sync_skips(cur, data_dir: Path) -> int:
    """Skip records are few and small: replaced as a whole on every sync."""
    cur.execute(f"delete from {SCHEMA}.slice_skips")
    return _copy(
        cur,
        f"{SCHEMA}.slice_skips",
        ("stream", "date", "part", "json", "filename"),
        (
            [stream, day, part, canonical_json(f.read_text(encoding="utf-8"), f), str(f)]
            for stream, day, part, f in skip_files(data_dir)
        ),
    )


def _copy(cur, table: str, columns: tuple[str, ...], rows) -> int:
    """COPY in CSV, so that JSON's quotes and backslashes need no escaping of our own."""
    buffer, count = io.StringIO(), 0
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
        count += 1
    if count:
        buffer.seek(0)
        cur.copy_expert(f"copy {table} ({', '.join(columns)}) from stdin with (format csv)", buffer)
    return count
