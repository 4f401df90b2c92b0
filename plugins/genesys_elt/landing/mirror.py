"""A local copy of a landing area kept on an object store: the warehouse builds from local files
whatever the extract tasks wrote to, so the dbt sources, the raw sync of a server warehouse and the
incremental build's manifests work as they do on one machine.

A sync copies the published slices whose manifest changed (each replaced whole, with the local
slice's atomic swap), removes the local slices the store no longer holds, and copies the skip notes.
It reads only what manifests name, so a slice being uploaded is never half-copied."""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..streams import STREAM_NAMES
from .layout import MANIFEST, RAW, SKIPS, TMP_PREFIX, landed_slices, skip_files
from .store import read_object, run_dir
from .writer import swap_into_place


@dataclass
class MirrorStats:
    copied: int = 0
    unchanged: int = 0
    removed: int = 0
    skips: int = 0


def mirror(store, local: Path) -> MirrorStats:
    """Makes ``local``'s landing area the copy of ``store``'s; returns what it did."""
    stats = MirrorStats()
    remote = landed_slices(store, STREAM_NAMES)
    here = landed_slices(local, STREAM_NAMES)
    for key, source in sorted(remote.items(), key=lambda item: str(item[1])):
        target = local / RAW / key.stream / f"date={key.date}"
        target = target / f"part={key.part}" if key.part else target
        manifest = read_object(source / MANIFEST)
        if manifest is None:  # listed, then gone: the slice is no longer there
            continue
        if read_object(target / MANIFEST) == manifest:
            stats.unchanged += 1
            continue
        _copy_slice(source, manifest, target)
        stats.copied += 1
    for key, path in here.items():
        if key not in remote:
            shutil.rmtree(path)
            stats.removed += 1
    stats.skips = _mirror_skips(store, local)
    return stats


def _copy_slice(source, manifest: bytes, target: Path) -> None:
    published = json.loads(manifest)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{target.name}-", dir=target.parent))
    try:
        files = run_dir(source, published["run_id"])
        for name in published["files"]:
            (tmp / name).write_bytes((files / name).read_bytes())
        (tmp / MANIFEST).write_bytes(manifest)
        swap_into_place(tmp, target, published["run_id"])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _mirror_skips(store, local: Path) -> int:
    wanted = {(stream, day, part): path for stream, day, part, path in skip_files(store)}
    for stream, day, part, path in skip_files(local):
        if (stream, day, part) not in wanted:
            path.unlink()
    for (stream, _, _), source in wanted.items():
        data = read_object(source)  # a skip is rewritten in place, like a manifest
        if data is None:
            continue
        target = local / RAW / SKIPS / stream / source.parent.name / source.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return len(wanted)
