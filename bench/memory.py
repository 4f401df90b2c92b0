"""Memory: peak resident set of ``genesys-elt extract`` landing one journey-events slice of about
10,000 and of about 500,000 records. Pages stream to disk, so the large slice should cost little
more than the small one."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from .common import BIN, END_DATE, env_for, run_measured, sandbox, say

TARGET_RATIO = 1.2
SIZES = {"small": {"customers": 2_100, "scale": 5.5}, "large": {"customers": 105_000, "scale": 5.5}}


def measure(customers: int, scale: float) -> dict:
    with sandbox(customers=customers, days=1, activity_scale=scale, job_latency=0.2) as api:
        data_dir = Path(tempfile.mkdtemp(prefix="bench_memory_"))
        done = run_measured(
            [str(BIN / "genesys-elt"), "extract", "--stream", "journey_events", "--date", END_DATE.isoformat()],
            env=env_for(api.url, data_dir, rate_limit=1_000_000),
        )
    manifest = json.loads(done["output"].strip().splitlines()[-1])
    return {
        "records": manifest["records"],
        "pages": manifest["pages"],
        "peak_rss_mib": done["peak_rss_mib"],
        "seconds": done["seconds"],
        "records_per_second": manifest["records"] / done["seconds"],
    }


def run() -> dict:
    results = {}
    for name, size in SIZES.items():
        results[name] = measure(size["customers"], size["scale"])
        say(f"memory: {results[name]['records']:,} records, peak RSS {results[name]['peak_rss_mib']:.0f} MiB")
    ratio = results["large"]["peak_rss_mib"] / results["small"]["peak_rss_mib"]
    return {**results, "ratio": ratio, "target_ratio": TARGET_RATIO, "met": ratio <= TARGET_RATIO}
