"""Reading published slices back: a slice's manifest and its landed records. Only complete slices
are ever visible, so a reader never sees half of one."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from ..errors import NotYetAvailable
from .layout import PAGE_GLOB, PART_GLOB, manifest_path, slice_dir


def read_manifest(data_dir: Path, stream: str, day: date, part: str | None = None) -> dict | None:
    path = manifest_path(data_dir, stream, day, part)
    return json.loads(path.read_text()) if path.exists() else None


def read_records(data_dir: Path, stream: str, day: date, part: str | None = None):
    """The landed records of a complete slice (all parts when ``part`` is None and parts exist)."""
    base = slice_dir(data_dir, stream, day, part)
    pattern = f"{PART_GLOB}/{PAGE_GLOB}" if part is None and any(base.glob(PART_GLOB)) else PAGE_GLOB
    for page in sorted(base.glob(pattern)):
        with open(page, encoding="utf-8") as fh:
            for line in fh:
                yield json.loads(line)


def landed_records(data_dir: Path, stream: str, day: date):
    """The records of a slice that another stream needs; refuses clearly when it has not landed."""
    if not manifest_path(data_dir, stream, day).exists():
        raise NotYetAvailable(f"the {stream} slice for {day} has not landed yet; extract it first")
    return read_records(data_dir, stream, day)
