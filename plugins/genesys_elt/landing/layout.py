"""Where slices live on disk: the one place that spells the landing area's layout. The writer,
the reader, the server-warehouse raw sync and (through ``dbt_vars``) the dbt sources take their
paths from here.

    raw/genesys/<stream>/date=YYYY-MM-DD/[part=<id>/]page-00001.jsonl.gz, rejects.jsonl, _manifest.json
    raw/genesys/_skips/<stream>/date=YYYY-MM-DD/<part>.json

The root is a local directory or, for a landing area on an object store, an ``ObjectStoragePath``
(store.py): the layout is the same, but a slice's files sit under the run its manifest names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

RAW = Path("raw") / "genesys"
MANIFEST = "_manifest.json"
REJECTS = "rejects.jsonl"
SKIPS = "_skips"
# Pages are gzip-compressed newline-delimited JSON (DuckDB reads them as they are). The glob also
# finds the uncompressed pages that slices landed before compression still hold.
PAGE_GLOB = "page-*.jsonl*"
COMPRESSED = ".gz"
DAY_GLOB = "date=*"
PART_GLOB = "part=*"
SLICE_GLOBS = (f"*/{DAY_GLOB}", f"*/{DAY_GLOB}/{PART_GLOB}")  # under RAW: slices without and with parts
# Temporary and replaced slices start with a dot, so no glob above ever sees them.
TMP_PREFIX, OLD_PREFIX, LOCK_PREFIX = ".tmp-", ".old-", ".lock-"
RUN_PREFIX = ".run-"  # on an object store, a slice's files sit under the run that wrote them


def page_name(number: int) -> str:
    return f"page-{number:05d}.jsonl{COMPRESSED}"


def slice_dir(data_dir: Path, stream: str, day: date, part: str | None = None) -> Path:
    path = data_dir / RAW / stream / f"date={day.isoformat()}"
    return path / f"part={part}" if part else path


def manifest_path(data_dir: Path, stream: str, day: date, part: str | None = None) -> Path:
    return slice_dir(data_dir, stream, day, part) / MANIFEST


WHOLE_SLICE = "_slice"  # the skip note's name when a whole slice, not one part, was skipped


def skip_path(data_dir: Path, stream: str, day: date, part: str | None) -> Path:
    return data_dir / RAW / SKIPS / stream / f"date={day.isoformat()}" / f"{part or WHOLE_SLICE}.json"


@dataclass(frozen=True)
class SliceKey:
    stream: str
    date: str
    part: str  # '' when the stream is not split into parts


def fresh(path) -> None:
    """Drops an object store's cached listings (another worker may have published since); a local
    path has none."""
    fs = getattr(path, "fs", None)
    if fs is not None:
        fs.invalidate_cache()


def landed_slices(data_dir: Path, streams: tuple[str, ...]) -> dict[SliceKey, Path]:
    """Every published slice directory of ``streams``."""
    root = data_dir / RAW
    fresh(root)
    slices = {}
    for pattern in SLICE_GLOBS:
        for manifest in root.glob(f"{pattern}/{MANIFEST}"):
            slices[_key(manifest.parent)] = manifest.parent
    return {key: path for key, path in slices.items() if key.stream in streams}


def landed_parts(data_dir: Path, stream: str, day: date) -> list[str]:
    """The parts of one day's slice of a parted stream that have been published."""
    base = slice_dir(data_dir, stream, day)
    fresh(base)
    return sorted(m.parent.name.removeprefix("part=") for m in base.glob(f"{PART_GLOB}/{MANIFEST}"))


def _key(directory: Path) -> SliceKey:
    if directory.name.startswith("part="):
        part, day_dir = directory.name.removeprefix("part="), directory.parent
    else:
        part, day_dir = "", directory
    return SliceKey(day_dir.parent.name, day_dir.name.removeprefix("date="), part)


def skip_files(data_dir: Path) -> list[tuple[str, str, str, Path]]:
    """(stream, day, part, file) of every recorded skip."""
    return [
        (f.parent.parent.name, f.parent.name.removeprefix("date="), "" if f.stem == WHOLE_SLICE else f.stem, f)
        for f in sorted((data_dir / RAW / SKIPS).glob(f"*/{DAY_GLOB}/*.json"))
    ]


def dbt_vars() -> dict:
    """The layout as the dbt project's sources read it (the ``genesys_landing`` var), relative to
    the data directory that dbt takes from ``GENESYS_ELT_DATA_DIR``."""
    return {
        "genesys_landing": {
            "root": RAW.as_posix(),
            "pages": f"{DAY_GLOB}/{PAGE_GLOB}",
            "day_pages": f"{DAY_GLOB.replace('*', '{day}')}/{PAGE_GLOB}",  # one day's pages: {day} is YYYY-MM-DD
            "part_pages": f"{DAY_GLOB}/{PART_GLOB}/{PAGE_GLOB}",
            "manifests": [f"{pattern}/{MANIFEST}" for pattern in SLICE_GLOBS],
            # one glob, for the source to name: it also matches the files of a slice being written
            # (under a hidden directory), which the dbt macro optional_json_files leaves out
            "rejects": f"*/{DAY_GLOB}/**/{REJECTS}",
            "skips": f"{SKIPS}/*/{DAY_GLOB}/*.json",
        }
    }
