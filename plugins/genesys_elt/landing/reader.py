"""Reading published slices back: a slice's manifest and its landed records. Only complete slices
are ever visible, so a reader never sees half of one."""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path

from ..errors import NotYetAvailable
from .layout import COMPRESSED, PAGE_GLOB, PART_GLOB, manifest_path, slice_dir


def read_manifest(data_dir: Path, stream: str, day: date, part: str | None = None) -> dict | None:
    path = manifest_path(data_dir, stream, day, part)
    return json.loads(path.read_text()) if path.exists() else None


def read_records(data_dir: Path, stream: str, day: date, part: str | None = None):
    """The landed records of a complete slice (all parts when ``part`` is None and parts exist)."""
    base = slice_dir(data_dir, stream, day, part)
    pattern = f"{PART_GLOB}/{PAGE_GLOB}" if part is None and any(base.glob(PART_GLOB)) else PAGE_GLOB
    for page in sorted(base.glob(pattern)):
        for line in page_text(page).splitlines():
            yield json.loads(line)


def page_text(path: Path) -> str:
    """A landed file's text, compressed or not."""
    data = path.read_bytes()
    return (gzip.decompress(data) if path.name.endswith(COMPRESSED) else data).decode("utf-8")


def landed_records(data_dir: Path, stream: str, day: date):
    """The records of a slice that another stream needs; refuses clearly when it has not landed."""
    if not manifest_path(data_dir, stream, day).exists():
        raise NotYetAvailable(f"the {stream} slice for {day} has not landed yet; extract it first")
    return read_records(data_dir, stream, day)
