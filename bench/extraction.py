"""Extraction against the rate limit: the sandbox allows 600 requests per minute per OAuth client and
answers each request 50 ms late; the extractor keeps to its budget (85 % of the limit per client).

- The rate-bound day: every stream of one day, once with one OAuth client and once with two.
  Requests per minute achieved as a share of the budget, 429s our own traffic caused, records per
  second, requests against the minimum the page sizes allow, and the two-client speed-up.
- The 50,000-conversation day: the bulk streams (conversations, journey events) of a day with
  50,000 conversations under the same limit. What the whole day's runs cost is api_cost.py."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

from genesys_elt.api.catalogue import BULK_CONTACT_IDS
from genesys_elt.extract.extractor import Extractor
from genesys_elt.landing.reader import read_manifest, read_records
from genesys_elt.settings import RATE_SHARE
from genesys_elt.streams import DIRECTORY
from genesys_elt.streams import STREAM_NAMES as STREAMS

from .common import END_DATE, NOW, Stopwatch, sandbox, say, settings_for

LIMIT, LATENCY_MS = 600, 50
RATE_BOUND_CUSTOMERS = 6_000
BIG_DAY_CUSTOMERS, BIG_DAY_SCALE = 58_000, 5.5  # about 50,000 conversations on the day
SECOND_CLIENT = ("bench-2", "bench-2-secret")
DIRECTORY_STREAMS = {entry.name for entry in DIRECTORY}
TARGETS = {
    "budget_share": 0.95,
    "own_429s": 0,
    "requests_vs_minimum": 1.0,
    "two_client_speedup": 1.8,
}


def ceil_pages(records: int, page_size: int) -> int:
    return max(1, math.ceil(records / page_size))


def minimum_requests(data_dir: Path, stream: str, records: int, manifests: list[dict]) -> int:
    """The fewest requests that could have fetched what landed, given each endpoint's largest page."""
    day = END_DATE
    if stream == "campaigns":
        return ceil_pages(records, 100)
    if stream == "campaign_journey":
        skipped = len(list((data_dir / "raw" / "genesys" / "_skips" / stream / f"date={day}").glob("*.json")))
        # the campaign list, then each campaign's status and its funnel pages (a skipped one: its status)
        return 1 + sum(1 + ceil_pages(m["records"], 1000) for m in manifests) + skipped
    if stream == "scorecards":
        return ceil_pages(records, 100) + records
    if stream in ("conversations", "journey_events"):
        # submit, one status poll, the result pages; conversations first check data availability
        return (stream == "conversations") + 2 + ceil_pages(records, 1000)
    if stream == "external_contacts":
        # the bulk fetch, a hundred ids a request: the contacts the conversations name, then the
        # canonical contacts of merged ones
        referenced = {
            p["externalContactId"]
            for c in read_records(data_dir, "conversations", day)
            for p in c.get("participants", [])
            if p.get("externalContactId")
        }
        followed = records + manifests[0]["rejected"] - len(referenced)
        return math.ceil(len(referenced) / BULK_CONTACT_IDS) + math.ceil(followed / BULK_CONTACT_IDS)
    if stream == "journey_sessions":
        return read_manifest(data_dir, stream, day)["signed_in_sessions_fetched"]
    if stream in DIRECTORY_STREAMS:
        return ceil_pages(records, 100)  # one listing, a hundred a page
    raise ValueError(stream)


def extract_day(url: str, streams=STREAMS, clients: int = 1) -> dict:
    data_dir = Path(tempfile.mkdtemp(prefix="bench_extract_"))
    extra = (SECOND_CLIENT,) if clients == 2 else ()
    extractor = Extractor.from_settings(
        settings_for(url, data_dir, rate_limit=LIMIT, extra_clients=extra), clock=lambda: NOW
    )
    per_stream = {}
    with Stopwatch() as whole:
        for stream in streams:
            before = extractor.pool.sent
            with Stopwatch() as watch:
                manifests = extractor.run(stream, END_DATE)
            records = sum(m["records"] for m in manifests)
            per_stream[stream] = {
                "records": records,
                "requests": extractor.pool.sent - before,
                "minimum_requests": minimum_requests(data_dir, stream, records, manifests),
                "seconds": watch.seconds,
                "page_bytes_json": sum(m["page_bytes"]["json"] for m in manifests),
                "page_bytes_on_disk": sum(m["page_bytes"]["on_disk"] for m in manifests),
            }
    requests = sum(s["requests"] for s in per_stream.values())
    minimum = sum(s["minimum_requests"] for s in per_stream.values())
    records = sum(s["records"] for s in per_stream.values())
    page_bytes = {kind: sum(s[f"page_bytes_{kind}"] for s in per_stream.values()) for kind in ("json", "on_disk")}
    budget_per_minute = LIMIT * RATE_SHARE * clients
    return {
        "clients": clients,
        "seconds": whole.seconds,
        "records": records,
        "requests": requests,
        "minimum_requests": minimum,
        "requests_vs_minimum": requests / minimum,
        "records_per_second": records / whole.seconds,
        "requests_per_minute": requests / whole.seconds * 60,
        "budget_per_minute": budget_per_minute,
        "budget_share": requests / whole.seconds * 60 / budget_per_minute,
        "retries": sum(c.retried for c in extractor.pool.clients),
        "streams": per_stream,
        "bytes_per_record": {kind: size / records for kind, size in page_bytes.items()},
    }


def rate_bound_day(clients: int) -> dict:
    sandbox_clients = ("sandbox:sandbox-secret", ":".join(SECOND_CLIENT)) if clients == 2 else ()
    with sandbox(
        customers=RATE_BOUND_CUSTOMERS,
        days=4,
        rate_limit=LIMIT,
        latency_ms=LATENCY_MS,
        clients=sandbox_clients,
        job_latency=0.5,
    ) as api:
        result = extract_day(api.url, clients=clients)
        result["own_429s"] = api.stats()["rateLimited"]["total"]
    say(
        f"extraction, {clients} client(s): {result['records']:,} records, {result['requests']:,} requests in "
        f"{result['seconds']:.0f} s ({result['budget_share']:.3f} of the budget, {result['own_429s']} 429s)"
    )
    return result


def big_day() -> dict:
    with sandbox(
        customers=BIG_DAY_CUSTOMERS,
        days=1,
        activity_scale=BIG_DAY_SCALE,
        rate_limit=LIMIT,
        latency_ms=LATENCY_MS,
        job_latency=0.5,
        end_date=END_DATE,
    ) as api:
        result = extract_day(api.url, streams=("conversations", "journey_events"))
        result["own_429s"] = api.stats()["rateLimited"]["total"]
    say(
        f"extraction, 50k day: {result['streams']['conversations']['records']:,} conversations and "
        f"{result['streams']['journey_events']['records']:,} journey events in {result['seconds']:.0f} s"
    )
    return result


def run() -> dict:
    one, two = rate_bound_day(1), rate_bound_day(2)
    big = big_day()
    speedup = two["records_per_second"] / one["records_per_second"]
    return {
        "limit_per_minute": LIMIT,
        "latency_ms": LATENCY_MS,
        "one_client": one,
        "two_clients": two,
        "two_client_speedup": speedup,
        "big_day": big,
        "targets": TARGETS,
        "met": {
            "budget_share": one["budget_share"] >= TARGETS["budget_share"],
            "own_429s": one["own_429s"] + two["own_429s"] + big["own_429s"] == 0,
            "requests_vs_minimum": max(one["requests_vs_minimum"], big["requests_vs_minimum"]) <= 1.0,
            "two_client_speedup": speedup >= TARGETS["two_client_speedup"],
        },
    }
