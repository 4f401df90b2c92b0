"""What a day costs the org's API budget: every (stream, slice day) the daily runs land for the
50,000-conversation day, the trailing windows included, extracted in process (no rate limit, so
only the count matters). The headline is a Platform-only org, which is what every real org serves;
the seed contract is reported beside it. The org spans the day and its whole trailing window, so
each trailing day holds a full day of conversations, as it would in production."""

from __future__ import annotations

import tempfile
from pathlib import Path

from genesys_elt.landing.reader import read_manifest
from genesys_elt.settings import RATE_SHARE
from genesys_elt.streams import STREAM_NAMES as STREAMS
from genesys_elt.streams import daily_slices
from genesys_sandbox.org import OrgConfig

from .common import END_DATE, Stopwatch, say
from .inprocess import extractor_for, in_process_sandbox

BIG_DAY_CUSTOMERS, BIG_DAY_SCALE = 58_000, 5.5  # about 50,000 conversations on the day
BIG_DAY_SEED = 7  # the sandbox's default: the same org as the timed 50k day
PROFILES = {"platform": "platform", "seed": "full"}  # source contract -> the sandbox profile that serves it
TARGETS = {"requests_per_conversation_seed": 0.5}
# the run day and every earlier slice day its runs land (trailing windows, the scorecard day)
WINDOW_DAYS = (END_DATE - min(day for _, day in daily_slices(END_DATE))).days + 1


def whole_day_requests(contract: str) -> dict:
    org = OrgConfig(
        seed=BIG_DAY_SEED,
        customers=BIG_DAY_CUSTOMERS,
        days=WINDOW_DAYS,
        activity_scale=BIG_DAY_SCALE,
        end_date=END_DATE,
    )
    data_dir = Path(tempfile.mkdtemp(prefix=f"bench_api_cost_{contract}_"))
    extractor = extractor_for(in_process_sandbox(org, api_profile=PROFILES[contract]), data_dir)
    by_stream = {stream: {"day": 0, "earlier_days": 0} for stream in STREAMS}
    with Stopwatch() as watch:
        # the trailing days first: in production they were landed by earlier runs, as here
        for stream, day in sorted(daily_slices(END_DATE), key=lambda pair: pair[1]):
            before = extractor.pool.sent
            extractor.run(stream, day)
            by_stream[stream]["day" if day == END_DATE else "earlier_days"] += extractor.pool.sent - before
    conversations = read_manifest(data_dir, "conversations", END_DATE)["records"]
    requests = sum(s["day"] + s["earlier_days"] for s in by_stream.values())
    sessions = read_manifest(data_dir, "journey_sessions", END_DATE)
    result = {
        "contract": contract,
        "window_days": WINDOW_DAYS,
        "conversations": conversations,
        "requests": requests,
        "requests_by_stream": {stream: s["day"] + s["earlier_days"] for stream, s in by_stream.items()},
        "requests_by_stream_split": by_stream,
        "requests_per_conversation": requests / conversations,
        "requests_per_conversation_by_stream": {
            stream: (s["day"] + s["earlier_days"]) / conversations for stream, s in by_stream.items()
        },
        "signed_in_sessions": sessions.get("signed_in_sessions", 0),
        "signed_in_sessions_fetched": sessions.get("signed_in_sessions_fetched", 0),
        "minutes_at": {str(limit): requests / (limit * RATE_SHARE) for limit in (300, 600)},
        "seconds_in_process": watch.seconds,
    }
    say(
        f"API cost, whole 50k day ({contract}): {requests:,} requests for {conversations:,} conversations "
        f"({result['requests_per_conversation']:.3f} a conversation)"
    )
    return result


def run() -> dict:
    whole_day = {contract: whole_day_requests(contract) for contract in PROFILES}
    return {
        "whole_day": whole_day,
        "headline": "platform",
        "targets": TARGETS,
        "met": {
            "requests_per_conversation_seed": whole_day["seed"]["requests_per_conversation"]
            <= TARGETS["requests_per_conversation_seed"]
        },
    }
