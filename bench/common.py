"""What every benchmark shares: a sandbox in its own process (so that the API and the pipeline do
not share an interpreter), the pipeline's settings for it, a stopwatch, and peak-RSS measurement
of child processes."""

from __future__ import annotations

import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from datetime import time as dtime
from pathlib import Path

import requests

from genesys_elt.settings import Settings, from_connection

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PII_KEY = "bench-pii-key-0123456789abcdef"
END_DATE = date(2026, 11, 20)  # the last day of every benchmark org: runs are repeatable
NOW = datetime.combine(END_DATE + timedelta(days=3), dtime(6), timezone.utc)  # every day has settled


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class SandboxProcess:
    process: subprocess.Popen
    url: str
    log_path: Path

    def stats(self) -> dict:
        return requests.get(f"{self.url}/sandbox/stats", timeout=30).json()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@contextmanager
def sandbox(
    *,
    customers: int,
    days: int,
    activity_scale: float = 1.0,
    rate_limit: int = 1_000_000,
    latency_ms: int = 0,
    clients: tuple[str, ...] = (),
    seed: int = 7,
    job_latency: float = 0.2,
    end_date: date = END_DATE,
    now: datetime = NOW,
    startup_timeout: float = 600,
):
    """``genesys-sandbox serve`` on a free port, once its org is generated."""
    port = free_port()
    log_path = Path(tempfile.mkdtemp(prefix="bench_sandbox_")) / "sandbox.log"
    command = [
        str(BIN / "genesys-sandbox"),
        "serve",
        "--port",
        str(port),
        "--seed",
        str(seed),
        "--customers",
        str(customers),
        "--days",
        str(days),
        "--end-date",
        end_date.isoformat(),
        "--activity-scale",
        str(activity_scale),
        "--rate-limit-per-minute",
        str(rate_limit),
        "--latency-ms",
        str(latency_ms),
        "--job-latency-seconds",
        str(job_latency),
        "--now",
        now.isoformat(),
    ]
    for client in clients:
        command += ["--client", client]
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    running = SandboxProcess(process, f"http://127.0.0.1:{port}", log_path)
    deadline = time.monotonic() + startup_timeout
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the sandbox exited ({process.returncode}): {log_path.read_text()[-2000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the sandbox was not ready within {startup_timeout:.0f} s")
            try:
                if requests.get(f"{running.url}/sandbox/health", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.5)
        yield running
    finally:
        running.stop()


def connection(
    url: str, *, rate_limit: int, extra_clients: tuple[tuple[str, str], ...] = (), poll_budget: float = 600
) -> dict:
    """The genesys_cloud connection (JSON form) for a benchmark sandbox."""
    return {
        "conn_type": "http",
        "host": url,
        "login": "sandbox",
        "password": "sandbox-secret",
        "extra": {
            "rate_limit_per_minute": rate_limit,
            "archived_retry_delay_seconds": 0,
            "poll_budget_seconds": poll_budget,
            "extra_clients": [{"login": c, "password": s} for c, s in extra_clients],
        },
    }


def env_for(url: str, data_dir: Path, **conn_options) -> dict[str, str]:
    """The environment a pipeline process (CLI, dbt) gets for this sandbox and data directory."""
    return {
        **os.environ,
        "AIRFLOW_CONN_GENESYS_CLOUD": json.dumps(connection(url, **conn_options)),
        "GENESYS_ELT_PII_KEY": PII_KEY,
        "GENESYS_ELT_DATA_DIR": str(data_dir),
        "GENESYS_ELT_WAREHOUSE": str(data_dir / "warehouse.duckdb"),
        "GENESYS_ELT_DBT_TARGET": "duckdb",
    }


def settings_for(url: str, data_dir: Path, **conn_options) -> Settings:
    conn = connection(url, **conn_options)
    return from_connection(
        conn["host"],
        conn["login"],
        conn["password"],
        conn["extra"],
        env={"GENESYS_ELT_PII_KEY": PII_KEY, "GENESYS_ELT_DATA_DIR": str(data_dir)},
    )


class Stopwatch:
    def __enter__(self) -> "Stopwatch":
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = time.perf_counter() - self.started


# Linux carries a process's peak RSS across fork and exec, so a child forked from this (large)
# process would report this process's peak. A small launcher forks the measured command instead and
# reports its children's peak on its last line of stderr.
LAUNCHER = """
import resource, subprocess, sys
code = subprocess.call(sys.argv[1:], stderr=subprocess.STDOUT)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)
sys.exit(code)
"""


def run_measured(command: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> dict:
    """Runs a command to the end; returns its wall seconds, output and peak resident set size (MiB).
    Raises with the tail of its output when it fails."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", LAUNCHER, *command], env=env, cwd=cwd, capture_output=True)
    seconds = time.perf_counter() - started
    output = done.stdout.decode(errors="replace")
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command[:3])} exited {done.returncode}:\n{output[-3000:]}"
            f"{done.stderr.decode(errors='replace')[-2000:]}"
        )
    peak_kib = int(done.stderr.decode().strip().splitlines()[-1])
    return {"seconds": seconds, "peak_rss_mib": peak_kib / 1024, "output": output}


def self_peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def say(message: str) -> None:
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {message}", flush=True)
