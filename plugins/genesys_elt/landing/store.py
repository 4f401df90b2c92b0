"""The landing area on an object store (``s3://``, ``gs://``, ``az://``), through Airflow's
``ObjectStoragePath``: the store's credentials come from an Airflow connection, never from code.

An object store has no rename, so a slice is published the other way round from a local one:

    <slice>/.run-<run_id>/<pages and rejects>   the run's files, uploaded first
    <slice>/<manifest>                          written last: the one PUT that publishes

A reader trusts only the manifest: it reads the files the manifest names, under the run it names.
An interrupted upload leaves the previous manifest, and so the previous slice, as it was; its files
are swept, with every superseded run, by a later publish once older than ``STALE_SECONDS`` (long
enough that no reader still holds the manifest that named them, nor a twin run still uploads).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING

from .layout import MANIFEST, RUN_PREFIX, fresh

if TYPE_CHECKING:  # Airflow is imported only by a landing area that is on an object store
    from airflow.sdk import ObjectStoragePath

STALE_SECONDS = 6 * 3600


def landing_root(location: str | Path, conn_id: str | None = None) -> Path | ObjectStoragePath:
    """A local directory for a path, an ``ObjectStoragePath`` for a URL such as ``s3://bucket/prefix``."""
    text = str(location)
    if "://" not in text or text.startswith("file://"):
        return Path(text.removeprefix("file://"))
    from airflow.sdk import ObjectStoragePath

    return ObjectStoragePath(text, conn_id=conn_id)


def is_object_store(path: object) -> bool:
    return not isinstance(path, Path)


def run_dir(slice_path: ObjectStoragePath, run_id: str) -> ObjectStoragePath:
    return slice_path / f"{RUN_PREFIX}{run_id}"


def publish(local_slice: Path, slice_path: ObjectStoragePath, run_id: str, files: list[str]) -> None:
    """Uploads a slice built in ``local_slice`` under its run, then its manifest: the moment it is visible."""
    target = run_dir(slice_path, run_id)
    for name in files:
        upload(local_slice / name, target / name)
    upload(local_slice / MANIFEST, slice_path / MANIFEST)
    sweep(slice_path, keep=run_id)


def read_object(path) -> bytes | None:
    """An object's bytes in one GET, or None when it does not exist. A manifest is replaced in
    place by the next publish; a buffered read (a HEAD, then ranged GETs pinned to its ETag) that
    a publish overtakes fails, where one GET returns one whole version or the other."""
    try:
        return path.read_bytes() if isinstance(path, Path) else path.fs.cat_file(path.path)
    except FileNotFoundError:
        return None


def upload(source: Path, target: ObjectStoragePath) -> None:
    target.write_bytes(source.read_bytes())


def sweep(slice_path: ObjectStoragePath, keep: str | None = None, stale_seconds: float | None = None) -> list[str]:
    """Removes the runs of a slice that no manifest names any more and that are old enough; returns them."""
    fresh(slice_path)
    if not slice_path.exists():
        return []
    cutoff = time.time() - (STALE_SECONDS if stale_seconds is None else stale_seconds)
    kept = {keep, _published_run(slice_path)}  # this run and the one the manifest names, read once
    removed = []
    for entry in slice_path.iterdir():
        run_id = entry.name.removeprefix(RUN_PREFIX)
        if not entry.name.startswith(RUN_PREFIX) or run_id in kept:
            continue
        if _newest(entry) < cutoff:
            entry.fs.rm(entry.path, recursive=True)
            removed.append(run_id)
    return removed


def page_files(slice_path: ObjectStoragePath, manifest: dict) -> list[ObjectStoragePath]:
    """The page files a published manifest names, in order."""
    target = run_dir(slice_path, manifest["run_id"])
    return [target / name for name in sorted(manifest["files"]) if name.startswith("page-")]


def _published_run(slice_path: ObjectStoragePath) -> str | None:
    manifest = read_object(slice_path / MANIFEST)
    return json.loads(manifest)["run_id"] if manifest is not None else None


def _newest(run: ObjectStoragePath) -> float:
    """When the newest object of a run was written (epoch seconds)."""
    return max((run.fs.modified(key).timestamp() for key in run.fs.find(run.path)), default=0.0)
