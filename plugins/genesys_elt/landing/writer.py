"""Landing a slice: one slice (stream x UTC day, optionally x part) is validated and pseudonymized
record by record, written as page files, a rejects file and a manifest in a temporary directory,
and renamed into place only when complete. A re-run replaces the slice whole; a crash leaves the
previous complete slice as it was. A slice that cannot be taken is recorded as a skip.

On an object store (``store.py``) the slice is built the same way in a local temporary directory,
then uploaded under its run and published by its manifest, written last."""

from __future__ import annotations

import fcntl
import gzip
import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

from ..streams import stream as registered
from .layout import LOCK_PREFIX, MANIFEST, OLD_PREFIX, REJECTS, TMP_PREFIX, page_name, skip_path, slice_dir
from .payloads import rejection_reason
from .pii_rules import scrub
from .pseudonymize import Pseudonymizer
from .store import is_object_store, publish

log = logging.getLogger(__name__)
STALE_TMP_SECONDS = 6 * 3600


@dataclass
class SliceStats:
    pages: int = 0
    received: int = 0
    landed: int = 0
    kept: int = 0  # of landed: records carried over from the slice this one replaces
    rejected: int = 0
    files: dict[str, str] = field(default_factory=dict)
    page_bytes: int = 0  # the pages' JSON lines
    page_bytes_written: int = 0  # the same, compressed, as on disk


class SliceWriter:
    """Use as a context manager; ``commit()`` publishes, leaving the block without it discards."""

    def __init__(
        self,
        data_dir: Path,
        stream: str,
        day: date,
        pseudonymizer: Pseudonymizer,
        run_id: str | None = None,
        part: str | None = None,
        source: str | None = None,
    ):
        self.stream, self.day, self.part, self.source = stream, day, part, source
        rules = registered(stream)
        self.model, self.pii_rule = rules.model_for(source), rules.scrub
        self.final = slice_dir(data_dir, stream, day, part)
        self.run_id = run_id or uuid.uuid4().hex[:12]
        self.remote = is_object_store(self.final)
        self.tmp = self.final.parent / f"{TMP_PREFIX}{self.final.name}-{self.run_id}"
        self.p = pseudonymizer
        self.stats = SliceStats()
        self._rejects = None
        self._committed = False

    def __enter__(self) -> "SliceWriter":
        if self.remote:  # built locally, uploaded at commit; a killed run's copy goes once stale
            _remove_stale(Path(tempfile.gettempdir()).glob(f"{TMP_PREFIX}genesys-*"))
            self.tmp = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}genesys-{self.stream}-{self.run_id}-"))
            return self
        self.final.parent.mkdir(parents=True, exist_ok=True)
        with _slice_lock(self.final):
            _recover(self.final)
        self.tmp.mkdir()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if self._rejects:
            self._rejects.close()
        if not self._committed or self.remote:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def write_page(self, records: list) -> None:
        """Validates, pseudonymizes and writes one page; invalid records go to the rejects file."""
        self.stats.pages += 1
        name = page_name(self.stats.pages)
        lines = []
        for record in records:
            self.stats.received += 1
            reason = rejection_reason(self.model, record)
            clean = scrub(self.pii_rule, self.p, record)
            if reason:
                self.reject(clean, reason, already_scrubbed=True)
                continue
            lines.append(json.dumps(clean, sort_keys=True, separators=(",", ":")))
            self.stats.landed += 1
        data = "".join(line + "\n" for line in lines).encode()
        # No timestamp in the gzip header: the same records give the same bytes and checksum.
        written = gzip.compress(data, compresslevel=6, mtime=0)
        self.stats.page_bytes += len(data)
        self.stats.page_bytes_written += len(written)
        self._write(name, written)

    def keep_page(self, records: list[dict]) -> None:
        """Carries records of the slice being replaced into this one as they were landed (already
        validated and pseudonymized): what the API no longer serves is not lost."""
        if not records:
            return
        self.stats.pages += 1
        data = "".join(json.dumps(r, sort_keys=True, separators=(",", ":")) + "\n" for r in records).encode()
        written = gzip.compress(data, compresslevel=6, mtime=0)
        self.stats.landed += len(records)
        self.stats.kept += len(records)
        self.stats.page_bytes += len(data)
        self.stats.page_bytes_written += len(written)
        self._write(page_name(self.stats.pages), written)

    def reject(self, record: object, reason: str, already_scrubbed: bool = False) -> None:
        if self._rejects is None:
            self._rejects = open(self.tmp / REJECTS, "w", encoding="utf-8")
        clean = record if already_scrubbed else scrub(self.pii_rule, self.p, record)
        self._rejects.write(
            json.dumps(
                {
                    "stream": self.stream,
                    "date": self.day.isoformat(),
                    "part": self.part,
                    "line": self.stats.rejected + 1,  # with the slice, the record's key in the warehouse
                    "reason": reason,
                    "record": clean,
                },
                sort_keys=True,
            )
            + "\n"
        )
        self.stats.rejected += 1

    def _write(self, name: str, data: bytes) -> None:
        with open(self.tmp / name, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        self.stats.files[name] = hashlib.sha256(data).hexdigest()

    def commit(self, **manifest_extra) -> dict:
        if self._rejects:
            self._rejects.close()
            self._rejects = None
            data = (self.tmp / REJECTS).read_bytes()
            self.stats.files[REJECTS] = hashlib.sha256(data).hexdigest()
        manifest = {
            "stream": self.stream,
            "date": self.day.isoformat(),
            "part": self.part,
            "run_id": self.run_id,
            "extracted_at": datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "pages": self.stats.pages,
            "received": self.stats.received,
            "records": self.stats.landed,
            "rejected": self.stats.rejected,
            **({"kept": self.stats.kept} if self.stats.kept else {}),
            "files": self.stats.files,
            "page_bytes": {"json": self.stats.page_bytes, "on_disk": self.stats.page_bytes_written},
            **({"source": self.source} if self.source else {}),
            **manifest_extra,
        }
        self._write(MANIFEST, json.dumps(manifest, sort_keys=True, indent=1).encode())
        if self.remote:
            publish(self.tmp, self.final, self.run_id, sorted(n for n in self.stats.files if n != MANIFEST))
        else:
            self._swap()
        self._committed = True
        self._log()
        return manifest

    def _swap(self) -> None:
        swap_into_place(self.tmp, self.final, self.run_id)

    def _log(self) -> None:
        log.info(
            "landed %s %s%s: %d records, %d rejected, %d pages",
            self.stream,
            self.day,
            f" part {self.part}" if self.part else "",
            self.stats.landed,
            self.stats.rejected,
            self.stats.pages,
        )


def swap_into_place(tmp: Path, final: Path, run_id: str) -> None:
    """Renames a complete local slice into place, keeping the previous one until it is."""
    _fsync_dir(tmp)
    with _slice_lock(final):
        old = final.parent / f"{OLD_PREFIX}{final.name}-{run_id}"
        if final.exists():
            os.rename(final, old)
        os.rename(tmp, final)  # the one moment the new slice becomes visible
        _fsync_dir(final.parent)
        shutil.rmtree(old, ignore_errors=True)


@contextmanager
def _slice_lock(final: Path):
    """Serializes the swap of one slice between concurrent runs (processes included)."""
    lock_path = final.parent / f"{LOCK_PREFIX}{final.name}"
    with open(lock_path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _recover(final: Path) -> None:
    """A crash between the two renames leaves the previous slice under .old-*: put it back. A killed
    run leaves a .tmp-* directory: removed once old enough that no live run can own it."""
    olds = sorted(final.parent.glob(f"{OLD_PREFIX}{final.name}-*"), key=lambda p: p.stat().st_mtime)
    if not final.exists() and olds:
        os.rename(olds[-1], final)
        olds = olds[:-1]
    for stale in olds:
        shutil.rmtree(stale, ignore_errors=True)
    _remove_stale(final.parent.glob(f"{TMP_PREFIX}{final.name}-*"))


def _remove_stale(temporaries) -> None:
    """Removes the temporary directories old enough that no live run can own them."""
    cutoff = time.time() - STALE_TMP_SECONDS
    for tmp in temporaries:
        try:
            if tmp.stat().st_mtime < cutoff:
                shutil.rmtree(tmp, ignore_errors=True)
        except FileNotFoundError:  # another run removed it first
            pass


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def record_skip(
    data_dir: Path,
    stream: str,
    day: date,
    part: str | None,
    reason: str,
    skipped_at: datetime,
    source: str | None = None,
) -> Path:
    """Notes that a slice (or a part of it) could not be taken, and why; its previous slice stays."""
    path = skip_path(data_dir, stream, day, part)
    if not is_object_store(path):  # an object store has no directories to make
        path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(
            {
                "stream": stream,
                "date": day.isoformat(),
                "part": part,
                "reason": reason,
                "skipped_at": skipped_at.isoformat(),
                **({"source": source} if source else {}),
            }
        )
    )
    log.warning("skipped %s %s%s: %s", stream, day, f" part {part}" if part else "", reason)
    return path
