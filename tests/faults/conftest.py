"""The fault suite's harness: a profile (fast in `make test`, long in `make test-faults`), daily
operation against a sandbox with faults switched on, Airflow-style task retries, the fault-free
reference warehouse every scenario is compared with, the ledger the long run reports from, and the
landing area the faults that touch it run against: a directory, or a bucket on a local S3 server."""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path

import boto3
import pytest

from genesys_elt.errors import GenesysEltError
from genesys_elt.landing.layout import MANIFEST, RAW, RUN_PREFIX, TMP_PREFIX
from genesys_elt.warehouse import dbt as warehouse
from tests.conftest import END_DATE, SandboxSession, start_sandbox, url_of
from tests.daily import extract_day, run_at
from tests.extract.conftest import PII_KEY, make_extractor
from tests.marts import duckdb_mart_rows
from tests.objectstore.conftest import CONN_ID, CREDENTIALS, bucket_url, s3_server  # noqa: F401 (fixtures)

REPORT_DIR = Path(
    os.environ.get("GENESYS_ELT_FAULT_REPORT_DIR", Path(__file__).resolve().parents[2] / "build" / "faults")
)


@dataclass(frozen=True)
class Profile:
    name: str
    days: int
    customers: int
    transport_rate: float  # share of API requests that start a fault storm
    burst: int  # requests per storm
    job_faults: int  # async jobs forced to fail, expire or stall
    kills: int  # extract processes killed mid-slice
    bad_record_rate: float


PROFILES = {
    "fast": Profile(
        "fast", days=3, customers=100, transport_rate=0.1, burst=3, job_faults=3, kills=3, bad_record_rate=0.03
    ),
    "long": Profile(
        "long", days=6, customers=150, transport_rate=0.2, burst=4, job_faults=9, kills=10, bad_record_rate=0.05
    ),
}


@pytest.fixture(scope="session")
def profile() -> Profile:
    name = os.environ.get("GENESYS_ELT_FAULT_PROFILE", "fast")
    if name not in PROFILES:
        raise pytest.UsageError(f"GENESYS_ELT_FAULT_PROFILE must be one of {sorted(PROFILES)}, got {name!r}")
    return PROFILES[name]


def days_of(profile: Profile) -> list[date]:
    return [END_DATE - timedelta(days=n) for n in range(profile.days - 1, -1, -1)]


def fault_sandbox(profile: Profile, **faults):
    return start_sandbox(customers=profile.customers, days=profile.days + 3, job_latency_seconds=0.05, **faults)


@dataclass
class TaskRetries:
    """Airflow's part: a task that raises is run again, up to ``attempts`` times in all."""

    attempts: int = 6
    failures: list[tuple[str, str, str]] = field(default_factory=list)
    before: object = None  # called as before(stream, day, attempt) ahead of each try

    def __call__(self, stream: str, day: date, run):
        for attempt in range(1, self.attempts + 1):
            if self.before:
                self.before(stream, day, attempt)
            try:
                return run()
            except GenesysEltError as exc:
                self.failures.append((stream, day.isoformat(), str(exc)))
                if attempt == self.attempts:
                    raise
                time.sleep(0.1)


@dataclass(frozen=True)
class Landing:
    """Where the extract tasks of a scenario land: ``env`` says it to them (empty: the data directory)."""

    name: str
    env: dict[str, str]
    broken: Callable[[Path], list[str]]  # published slices whose files do not match their manifest
    writing: Callable[[Path, str], set[str]]  # slices of a stream being written by some process now


def _tmp_slices(data_dir: Path, stream: str) -> set[str]:
    found = set()
    try:
        for top, dirs, _ in os.walk(data_dir / RAW / stream):
            found.update(os.path.join(top, name) for name in dirs if name.startswith(TMP_PREFIX))
    except OSError:  # a directory renamed away mid-walk
        pass
    return found


def _bucket_landing(url: str, endpoint: str, tmp_root: Path) -> Landing:
    """A slice on a bucket is built in the process's temporary directory (``TMPDIR``), then uploaded."""
    bucket, prefix = url.removeprefix("s3://").split("/", 1)
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **CREDENTIALS)

    def broken(_data_dir: Path) -> list[str]:
        # read with boto3, not through the code under test
        pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        objects = {item["Key"] for page in pages for item in page.get("Contents", [])}
        found = []
        for key in sorted(k for k in objects if k.endswith(f"/{MANIFEST}") and f"/{RUN_PREFIX}" not in k):
            manifest = json.loads(client.get_object(Bucket=bucket, Key=key)["Body"].read())
            run = f"{key.removesuffix(MANIFEST)}{RUN_PREFIX}{manifest['run_id']}/"
            uploaded = {k.removeprefix(run) for k in objects if k.startswith(run)}
            if uploaded != set(manifest["files"]) or any(
                hashlib.sha256(client.get_object(Bucket=bucket, Key=run + name)["Body"].read()).hexdigest() != digest
                for name, digest in manifest["files"].items()
            ):
                found.append(key.removesuffix(f"/{MANIFEST}"))
        return found

    def writing(_data_dir: Path, stream: str) -> set[str]:
        return {str(p) for p in tmp_root.glob(f"{TMP_PREFIX}genesys-{stream}-*")}

    env = {
        "GENESYS_ELT_LANDING_URL": url,
        "GENESYS_ELT_LANDING_CONN_ID": CONN_ID,
        "TMPDIR": str(tmp_root),  # the extract processes' local copies, so that a test can watch them
    }
    return Landing("bucket", env, broken, writing)


@pytest.fixture(params=["directory", pytest.param("bucket", marks=pytest.mark.long)])
def landing(request, tmp_path) -> Landing:
    """The faults that touch the landing area run against a local directory and against a bucket."""
    if request.param == "directory":
        return Landing("directory", {}, broken_slices, _tmp_slices)
    tmp_root = tmp_path / "worker-tmp"
    tmp_root.mkdir()
    return _bucket_landing(request.getfixturevalue("bucket_url"), request.getfixturevalue("s3_server"), tmp_root)


def warehouse_env(data_dir: Path, landing: Landing | None = None) -> dict[str, str]:
    env = {**os.environ, "GENESYS_ELT_DATA_DIR": str(data_dir), "GENESYS_ELT_PII_KEY": PII_KEY}
    env.pop("GENESYS_ELT_WAREHOUSE", None)
    env.pop("GENESYS_ELT_DBT_TARGET", None)
    return {**env, **(landing.env if landing else {})}


def operate(
    sandbox,
    data_dir: Path,
    profile: Profile,
    task=None,
    extra: dict | None = None,
    results_page_size: int | None = None,
    landing: Landing | None = None,
    **options,
) -> Path:
    """The profile's days of daily runs, then one warehouse build; returns the DuckDB file.
    ``results_page_size`` shrinks the async result pages, so that a day takes many."""
    control = SandboxSession(url_of(sandbox))
    extractor = make_extractor(sandbox, data_dir, extra=extra, env=landing.env if landing else None, **options)
    if results_page_size:
        for name in ("conversations", "journey_events"):
            query = extractor.endpoints[name]
            extractor.endpoints[name] = replace(
                query, results=replace(query.results, params={**query.results.params, "pageSize": results_page_size})
            )
    days = days_of(profile)
    for day in days:
        control.control(now=run_at(day).isoformat())
        extract_day(extractor, day, days[0], task)
    warehouse.build(env=warehouse_env(data_dir, landing))
    return data_dir / "warehouse.duckdb"


@pytest.fixture(scope="session")
def reference(profile, tmp_path_factory) -> dict:
    """The fault-free warehouse of the same org and days."""
    sandbox = fault_sandbox(profile)
    try:
        db = operate(sandbox, tmp_path_factory.mktemp("reference"), profile)
    finally:
        sandbox.shutdown()
    return {"db": db, "marts": duckdb_mart_rows(db)}


@pytest.fixture(scope="session")
def ledger(profile):
    """Per scenario: what was injected and whether the warehouse equals the fault-free one. Written
    to build/faults/fault-report.{json,md} at the end of the session."""
    entries: dict[str, dict] = {}
    yield entries
    if not entries:
        return
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    (REPORT_DIR / "fault-report.json").write_text(json.dumps({"profile": profile.name, "scenarios": entries}, indent=2))
    lines = [
        f"# Fault suite ({profile.name} profile: {profile.days} days, {profile.customers} customers)",
        "",
        "| scenario | fault kind | injected | warehouse equals the fault-free one |",
        "|---|---|---|---|",
    ]
    for scenario, entry in entries.items():
        for kind, count in sorted(entry["injected"].items()):
            lines.append(f"| {scenario} | {kind} | {count} | {'yes' if entry['equal'] else 'NO'} |")
    (REPORT_DIR / "fault-report.md").write_text("\n".join(lines) + "\n")


def cli_env(sandbox, data_dir: Path, landing: Landing | None = None) -> dict[str, str]:
    """The environment an extract task process gets: the connection, the key, the data directory."""
    conn = {
        "conn_type": "http",
        "host": url_of(sandbox),
        "login": "sandbox",
        "password": "sandbox-secret",
        "extra": {"archived_retry_delay_seconds": 0, "rate_limit_per_minute": 100000},
    }
    return {**warehouse_env(data_dir, landing), "AIRFLOW_CONN_GENESYS_CLOUD": json.dumps(conn)}


def extract_command(stream: str, day: date) -> list[str]:
    return [sys.executable, "-m", "genesys_elt", "extract", "--stream", stream, "--date", day.isoformat()]


def broken_slices(data_dir: Path) -> list[str]:
    """Published slices whose files do not match their manifest: what a torn write would leave."""
    broken = []
    for manifest_path in sorted((data_dir / RAW).glob("*/date=*/**/_manifest.json")):
        directory = manifest_path.parent
        if any(part.startswith(".") for part in directory.relative_to(data_dir / RAW).parts):
            continue
        files = json.loads(manifest_path.read_text())["files"]
        on_disk = {p.name for p in directory.iterdir() if p.is_file() and p.name != "_manifest.json"}
        if on_disk != set(files) or any(
            hashlib.sha256((directory / name).read_bytes()).hexdigest() != digest for name, digest in files.items()
        ):
            broken.append(str(directory.relative_to(data_dir)))
    return broken
