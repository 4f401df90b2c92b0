"""The extractor's plumbing, shared by every stream family: the client pool, the catalogue with a
site's overrides, the pseudonymizer, page iteration, parallel single-record calls, and the slice
writer. ``run`` dispatches a stream to its source through the stream registry."""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Callable

from ..api.async_queries import run_async_query
from ..api.catalogue import BULK_CONTACT_IDS, AsyncQuery, Endpoint, catalogue
from ..api.client import ClientPool
from ..errors import UNSERVED_STATUSES, ApiError, ConfigError
from ..landing.layout import landed_parts
from ..landing.pseudonymize import Pseudonymizer
from ..landing.reader import landed_records, read_manifest, read_records
from ..landing.writer import SliceWriter, record_skip
from ..settings import Settings
from ..streams import PLATFORM, SEED, Source
from ..streams import stream as registered

log = logging.getLogger(__name__)
PAGE_RECORDS = 1000  # page size for slices assembled from many single-record calls


def day_bounds(day: date) -> dict[str, str]:
    start = datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
    fmt = "%Y-%m-%dT%H:%M:%S.000Z"
    return {"day_start": start.strftime(fmt), "day_end": (start + timedelta(days=1)).strftime(fmt)}


def day_end(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=timezone.utc)


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class ExtractorBase:
    settings: Settings
    pool: ClientPool
    run_id: str | None = None
    workers_per_client: int = 4
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], datetime] = _utcnow  # decides pending_backfill; tests follow the sandbox's clock
    endpoints: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.endpoints = catalogue(self.settings.endpoint_overrides)
        self.p = Pseudonymizer(self.settings.privacy.key, self.settings.privacy.default_region)
        # Whether the org serves the seed contract: unknown until a seed source's first call answers
        # (that call is the probe: a seed org pays nothing for it), then kept for this run.
        self.seed_served: bool | None = None
        # Whether the org serves the bulk contact fetch (assumed until it answers as unserved), and
        # how many ids it takes (halved for the run on each 400 of a longer batch).
        self.bulk_contacts_served = True
        self.bulk_contact_ids = BULK_CONTACT_IDS
        # Journey aggregates metrics the org refused by name this run (deprecated journey outcomes).
        self.withdrawn_metrics: set[str] = set()

    @classmethod
    def from_settings(cls, settings: Settings, **options):
        client_options = {k: options.pop(k) for k in ("max_attempts", "backoff_initial") if k in options}
        return cls(settings, ClientPool(settings, **client_options), **options)

    def run(self, stream: str, day: date) -> list[dict]:
        """Extracts one stream for one day; returns the manifests of the slices written."""
        entry = registered(stream)
        self.pool.authenticate()  # a refused client fails here, before any slice directory exists
        before = self.pool.sent
        if entry.parts:
            source, parts = self.part_ids(stream, day)
            manifests = [m for part in parts if (m := getattr(self, source.extract)(day, part))] if source else None
        else:
            source = self.choose_source(stream)
            manifests = (
                self._probing(
                    stream,
                    source,
                    lambda s: [getattr(self, s.extract)(day, requests_before=before)],
                    fallback=lambda: self.run(stream, day),
                )
                if source
                else None
            )
        if manifests is None:
            self._skip_unserved(stream, day)
            manifests = []
        log.info("%s %s: %d requests", stream, day, self.pool.sent - before)
        return manifests

    # ------------------------------------------------------------------ sources
    def choose_source(self, stream: str) -> Source | None:
        """The source a stream is read from: the one the connection forces, else the seed contract
        unless this run found the org without it, else the Platform API's; None when the org serves
        the stream from no source it has."""
        entry = registered(stream)
        forced = self.settings.sources.get(stream)
        if forced:
            return entry.source(forced)
        if SEED in entry.kinds and self.seed_served is not False:
            return entry.source(SEED)
        return entry.source(PLATFORM) if PLATFORM in entry.kinds else None

    def part_ids(self, stream: str, day: date | None = None) -> tuple[Source | None, list[str]]:
        """The source of a stream split into parts, and its parts for the run of ``day`` (the
        listing is the seed source's probe)."""
        source = self.choose_source(stream)
        if source is None:
            return None, []
        return self._probing(
            stream,
            source,
            lambda s: (s, getattr(self, s.list_parts)(day)),
            fallback=lambda: self.part_ids(stream, day),
        )

    def recent_parts(self, stream: str, day: date | None, source: str) -> set[str]:
        """The parts of ``stream`` that held records in a slice from ``source`` within the trailing
        window up to ``day``: what a run must land again even when the listing no longer shows it."""
        if day is None:
            return set()
        window = registered(stream).slice_days(day, self.settings.trailing_days)
        recent = set()
        for back in range(len(window) + 1):  # the window and the day before its first
            landed = day - timedelta(days=back)
            for part in landed_parts(self.settings.landing, stream, landed):
                manifest = read_manifest(self.settings.landing, stream, landed, part)
                if manifest and manifest.get("records") and manifest.get("source", source) == source:
                    recent.add(part)
        return recent

    def land_part(self, stream: str, day: date, part: str, kind: str) -> dict | None:
        """One part of a parted stream, from the source the run's listing chose."""
        return getattr(self, registered(stream).source(kind).extract)(day, part)

    def _probing(self, stream: str, source: Source, call, fallback):
        """Runs ``call(source)``; an unserved answer (404, 400, 403 or 405) on a seed source's first
        path means the org has no seed contract: remembered for the run, and the stream is read from
        its Platform source instead (or the run stops with what to change, when the connection
        forced the seed source)."""
        try:
            result = call(source)
        except ApiError as exc:
            if source.kind != SEED or exc.status not in UNSERVED_STATUSES or exc.path != self._first_path(source):
                raise
            if self.settings.sources.get(stream) == SEED:
                raise ConfigError(
                    f"{stream}: the org answered {exc.status} on {exc.path}, the seed contract's path, but "
                    f'the connection\'s "sources" extra forces {stream} to "seed"; remove it, or set it '
                    'to "platform"'
                ) from None
            log.warning(
                "the org has no seed contract (%s answered %d): reading from the Platform API", exc.path, exc.status
            )
            self.seed_served = False
            return fallback()
        if source.kind == SEED:
            self.seed_served = True
        log.info("%s: %s source", stream, source.kind)
        return result

    def _first_path(self, source: Source) -> str:
        entry = self.endpoints[source.endpoints[0]]
        return (entry.submit if isinstance(entry, AsyncQuery) else entry).path

    def _skip_unserved(self, stream: str, day: date) -> None:
        record_skip(
            self.settings.landing,
            stream,
            day,
            None,
            f"the org's API offers no source for {stream}: only the {' or '.join(registered(stream).kinds)} "
            "contract has it, and this org answers only the Platform API",
            self.clock(),
            PLATFORM,
        )

    # ------------------------------------------------------------------ plumbing
    def _writer(self, stream: str, day: date, source: str, part: str | None = None) -> SliceWriter:
        return SliceWriter(self.settings.landing, stream, day, self.p, self.run_id, part, source)

    def _pages(self, name: str, **values):
        endpoint: Endpoint = self.endpoints[name]
        path, params, _ = endpoint.render(**values)
        client = self.pool.pick()
        for page in endpoint.paginator.pages(client.call, path, params):
            yield page, (page.get(endpoint.records, []) if endpoint.records else [page])

    def _get(self, name: str, **values) -> dict:
        endpoint: Endpoint = self.endpoints[name]
        path, params, body = endpoint.render(**values)
        return self.pool.call(endpoint.method, path, params=params or None, json=body)

    def _query_pages(self, name: str, day: date):
        """(page, records) of an asynchronous query over one day."""
        query: AsyncQuery = self.endpoints[name]
        for page in run_async_query(
            self.pool.pick(), query, day_bounds(day), self.settings.poll_budget_seconds, sleep=self.sleep
        ):
            yield page, page.get(query.results.records, [])

    def _parallel(self, fn, items):
        with ThreadPoolExecutor(max_workers=self.workers_per_client * len(self.pool.clients)) as pool:
            return list(pool.map(fn, items))

    def _landed(self, stream: str, day: date):
        return landed_records(self.settings.landing, stream, day)

    def _earlier_records(self, stream: str, day: date) -> list[dict]:
        """The records of the slice a re-run is about to replace (none on a first landing)."""
        if read_manifest(self.settings.landing, stream, day) is None:
            return []
        return list(read_records(self.settings.landing, stream, day))

    def _simple_slice(self, stream: str, day: date, source: str, pages, before: int, **extra) -> dict:
        with self._writer(stream, day, source) as writer:
            for _, records in pages:
                writer.write_page(records)
            return writer.commit(requests=self.pool.sent - before, **extra)
