"""Reading published slices back: a slice's manifest and its landed records. Only complete slices
are ever visible, so a reader never sees half of one: on an object store, only the files the
slice's manifest names are read (store.py)."""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path

from ..errors import NotYetAvailable
from .layout import COMPRESSED, MANIFEST, PAGE_GLOB, PART_GLOB, fresh, manifest_path, slice_dir
from .store import is_object_store, page_files, read_object


def read_manifest(data_dir: Path, stream: str, day: date, part: str | None = None) -> dict | None:
    path = manifest_path(data_dir, stream, day, part)
    if is_object_store(path):
        fresh(path)
    data = read_object(path)
    return json.loads(data) if data is not None else None


def read_records(data_dir: Path, stream: str, day: date, part: str | None = None):
    """The landed records of a complete slice (all parts when ``part`` is None and parts exist)."""
    base = slice_dir(data_dir, stream, day, part)
    for page in _pages(base, part):
        for line in page_text(page).splitlines():
            yield json.loads(line)


def _pages(base: Path, part: str | None) -> list:
    if not is_object_store(base):
        pattern = f"{PART_GLOB}/{PAGE_GLOB}" if part is None and any(base.glob(PART_GLOB)) else PAGE_GLOB
        return sorted(base.glob(pattern))
    fresh(base)
    slices = sorted(m.parent for m in base.glob(f"{PART_GLOB}/{MANIFEST}")) if part is None else []
    pages = []
    for slice_path in slices or [base]:
        manifest = read_object(slice_path / MANIFEST)
        if manifest is not None:
            pages.extend(page_files(slice_path, json.loads(manifest)))
    return pages


def page_text(path: Path) -> str:
    """A landed file's text, compressed or not."""
    data = path.read_bytes()
    return (gzip.decompress(data) if path.name.endswith(COMPRESSED) else data).decode("utf-8")


def landed_records(data_dir: Path, stream: str, day: date):
    """The records of a slice that another stream needs; refuses clearly when it has not landed."""
    if read_manifest(data_dir, stream, day) is None:
        raise NotYetAvailable(f"the {stream} slice for {day} has not landed yet; extract it first")
    return read_records(data_dir, stream, day)
