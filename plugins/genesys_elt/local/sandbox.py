"""The sandbox as ``make run`` starts it: its command-line options (an org long enough for the
range, a clock frozen on the morning after the last day), the process, and the ``genesys_cloud``
connection that points at it."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from datetime import time as dtime
from pathlib import Path

from ..errors import ConfigError, GenesysEltError
from ..streams import STREAMS
from .airflow_instance import free_port

SANDBOX = str(Path(sys.executable).with_name("genesys-sandbox"))
SANDBOX_PII_KEY = "sandbox-demo-pseudonymization-key"  # only ever used against the simulated org
ORG_FLAGS = ("--seed", "--customers", "--days", "--end-date", "--activity-scale")  # what shapes the org


@dataclass
class Target:
    """Where the data comes from: the sandbox (with its process) or a real org from the environment."""

    connection: dict | None
    sandbox: subprocess.Popen | None = None
    end_date: date | None = None

    @property
    def is_sandbox(self) -> bool:
        return self.sandbox is not None

    def stop(self) -> None:
        if self.sandbox is not None:
            self.sandbox.terminate()
            try:
                self.sandbox.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.sandbox.kill()


def sandbox_options(args: list[str], days: int) -> tuple[list[str], date, str]:
    """The sandbox's command-line options: the operator's, plus an org long enough for the range
    (the conversations' trailing days, two for scorecards) and a clock frozen on the morning after
    the last day, so that a second run sees the same org."""
    given = dict(zip(args[::2], args[1::2])) if all(a.startswith("--") for a in args[::2]) else None
    if given is None or len(args) % 2:
        raise ConfigError(f"SANDBOX_ARGS must be '--option value' pairs, got {' '.join(args)!r}")
    end = (
        date.fromisoformat(given["--end-date"])
        if "--end-date" in given
        else datetime.now(timezone.utc).date() - timedelta(days=1)
    )
    options = dict(given)
    options.setdefault("--end-date", end.isoformat())
    options.setdefault("--days", str(days + STREAMS["conversations"].trailing_days))
    # A demo-sized org, and a limit that lets a week load in minutes (a real org's default is
    # 300 requests per minute per client).
    options.setdefault("--customers", "500")
    options.setdefault("--rate-limit-per-minute", "3000")
    options.setdefault("--now", datetime.combine(end + timedelta(days=1), dtime(6), timezone.utc).isoformat())
    return [part for pair in options.items() for part in pair], end, options["--days"]


def sandbox_connection(url: str, options: list[str]) -> dict:
    """The genesys_cloud connection for the sandbox started with ``options``: its default client,
    its rate limit, and a short wait before re-checking an archived campaign."""
    limit = int(dict(zip(options[::2], options[1::2]))["--rate-limit-per-minute"])
    return {
        "conn_type": "http",
        "host": url,
        "login": "sandbox",
        "password": "sandbox-secret",
        "extra": {"archived_retry_delay_seconds": 2, "rate_limit_per_minute": limit},
    }


def start_sandbox(options: list[str], data_dir: Path) -> tuple[subprocess.Popen, str]:
    org_options = [p for flag, value in zip(options[::2], options[1::2]) if flag in ORG_FLAGS for p in (flag, value)]
    truth = data_dir / "sandbox-truth.json"
    written = subprocess.run([SANDBOX, "truth", *org_options, "--out", str(truth)], capture_output=True, text=True)
    if written.returncode != 0:
        raise GenesysEltError(f"genesys-sandbox truth failed: {written.stderr.strip().splitlines()[-1:]}")
    port = free_port()
    log = open(data_dir / "sandbox.log", "w")
    process = subprocess.Popen(
        [SANDBOX, "serve", "--port", str(port), *options], stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + 120  # generating a large org takes a while
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise GenesysEltError(f"the sandbox exited ({process.returncode}); see {data_dir / 'sandbox.log'}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise GenesysEltError("the sandbox did not start listening within 120 s")
