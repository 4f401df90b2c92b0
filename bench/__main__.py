"""``python -m bench`` (``make bench``): every benchmark in turn, then ``bench/results.json`` and
``bench/results.md``. ``python -m bench identity dag_parse`` runs only those."""

from __future__ import annotations

import json
import logging
import platform
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from . import api_cost, dag_parse, extraction, identity, incremental, memory, transform
from .common import say
from .report import write_markdown

HERE = Path(__file__).resolve().parent
BENCHMARKS = {
    "dag_parse": dag_parse.run,
    "identity": identity.run,
    "memory": memory.run,
    "incremental": incremental.run,
    "transform": lambda: transform.run(Path(tempfile.mkdtemp(prefix="bench_transform_"))),
    "extraction": extraction.run,
    "api_cost": api_cost.run,
}


def main(argv: list[str]) -> int:
    chosen = argv or list(BENCHMARKS)
    unknown = [name for name in chosen if name not in BENCHMARKS]
    if unknown:
        print(
            f"bench: error: unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}",
            file=sys.stderr,
        )
        return 2
    results_path = HERE / "results.json"
    results = json.loads(results_path.read_text()) if argv and results_path.exists() else {"benchmarks": {}}
    logging.basicConfig(level=logging.ERROR)  # the extractor's warnings (skipped campaigns) are expected here
    for name in chosen:
        say(f"{name} ...")
        began = time.perf_counter()
        results["benchmarks"][name] = {**BENCHMARKS[name](), "wall_seconds": time.perf_counter() - began}
        results_path.write_text(json.dumps(results, indent=1, sort_keys=True))  # keep what finished
    results["machine"] = {
        "cpus": __import__("os").cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    results["finished_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    results["suite_seconds"] = sum(b["wall_seconds"] for b in results["benchmarks"].values())
    results_path.write_text(json.dumps(results, indent=1, sort_keys=True))
    (HERE / "results.md").write_text(write_markdown(results))
    say(f"wrote {results_path} and {HERE / 'results.md'} in {results['suite_seconds'] / 60:.1f} min")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
