"""Faults on every side of the pipeline; after each, the warehouse equals the fault-free one.

Runs with the fast profile in `make test` and the long one (more days, higher rates) in
`make test-faults`, which also writes build/faults/fault-report.md: per fault kind, how many were
injected and whether the warehouse hash matched."""

from __future__ import annotations

import itertools
import json
import logging
import random
import re
import signal
import subprocess
import threading
import time

import duckdb
import pytest

from genesys_elt.landing.reader import page_text
from genesys_elt.readers.report import write_report
from genesys_elt.settings import warehouse_from_env
from genesys_elt.warehouse import dbt as warehouse
from genesys_elt.warehouse.postgres import SERVER as POSTGRES
from genesys_elt.warehouse.postgres import drop_postgres_database, fresh_postgres_database
from genesys_sandbox.limits import FAULT_KINDS
from tests.conftest import SandboxSession, url_of
from tests.extract.conftest import find_leaks
from tests.marts import assert_same_marts, content_hash, duckdb_mart_rows, postgres_mart_rows

from .conftest import (
    TaskRetries,
    cli_env,
    extract_command,
    fault_sandbox,
    operate,
    warehouse_env,
)

pytestmark = [pytest.mark.integration, pytest.mark.timeout(2400)]


def settle(name: str, injected: dict[str, int], db, reference, ledger, load_differs: bool = False) -> None:
    """Records the scenario in the ledger, then asserts the warehouse equals the reference. With
    ``load_differs``, load_audit (which counts what each load received) is left out of the comparison."""
    marts = duckdb_mart_rows(db)
    compared = [table for table in reference["marts"] if not (load_differs and table == "load_audit")]
    differing = [table for table in compared if content_hash(marts[table]) != content_hash(reference["marts"][table])]
    ledger[name] = {
        "injected": injected,
        "equal": not differing,
        "differing_tables": differing,
        **({"note": "load_audit counts the repeats it received; not compared"} if load_differs else {}),
    }
    assert not differing, f"{name}: {differing} differ from the fault-free warehouse"


def test_transport_faults_storms_and_broken_bodies(profile, reference, ledger, tmp_path):
    sandbox = fault_sandbox(profile, fault_rate=profile.transport_rate, fault_burst=profile.burst)
    retries = TaskRetries()
    try:
        db = operate(sandbox, tmp_path, profile, task=retries, max_attempts=profile.burst * 2 + 4)
        injected = sandbox.stats.snapshot()["faults"]["byKind"]
    finally:
        sandbox.shutdown()
    assert set(injected) == set(FAULT_KINDS), injected  # 429 storms, 5xx bursts, drops, truncated, malformed
    settle("transport", injected, db, reference, ledger)


def test_tokens_revoked_expiring_and_a_failing_token_endpoint(profile, reference, ledger, tmp_path):
    sandbox = fault_sandbox(profile, token_ttl_seconds=2)
    stop, revocations = threading.Event(), itertools.count()

    def disrupt():
        for tick in itertools.count():
            if stop.wait(0.4):
                return
            sandbox.tokens.revoke_all()
            next(revocations)
            if tick % 4 == 0:
                SandboxSession(url_of(sandbox)).control(failTokenRequests=2)

    disruptor = threading.Thread(target=disrupt)
    disruptor.start()
    try:
        db = operate(sandbox, tmp_path, profile, task=TaskRetries())
    finally:
        stop.set()
        disruptor.join()
        outages = sandbox.stats.snapshot()["faults"]["byKind"].get("token_outage", 0)
        sandbox.shutdown()
    injected = {"token_revoked": next(revocations), "token_endpoint_503": outages}
    assert injected["token_revoked"] > 3 and outages > 0, injected
    settle("auth", injected, db, reference, ledger)


def test_async_jobs_that_fail_expire_or_stall_fail_their_task_and_a_retry_completes(
    profile, reference, ledger, tmp_path
):
    sandbox = fault_sandbox(profile)
    control = SandboxSession(url_of(sandbox))
    outcomes = itertools.cycle(["FAILED", "EXPIRED", "STALLED"])
    forced: list[str] = []

    def doom_first_attempts(stream, day, attempt):
        if stream in ("conversations", "journey_events") and attempt == 1 and len(forced) < profile.job_faults:
            forced.append(next(outcomes))
            control.control(nextJobs={"outcome": forced[-1], "count": 1})

    retries = TaskRetries(before=doom_first_attempts)
    try:
        db = operate(sandbox, tmp_path, profile, task=retries, extra={"poll_budget_seconds": 1.5})
    finally:
        sandbox.shutdown()
    messages = [message for stream, _, message in retries.failures if stream in ("conversations", "journey_events")]
    assert len(messages) == len(forced) == profile.job_faults, retries.failures
    says = {
        "FAILED": r"ended (FAILED|failed)",
        "EXPIRED": r"ended (EXPIRED|expired)",  # journey states are lower case
        "STALLED": r"still (PENDING|running) after [\d.]+s; a retry submits a new job",
    }
    for outcome, message in zip(forced, messages):  # each failure says what happened to the job
        assert re.search(says[outcome], message), (outcome, message)
    injected = {f"job_{outcome.lower()}": forced.count(outcome) for outcome in set(forced)}
    settle("async_jobs", injected, db, reference, ledger)


def async_records_landed(data_dir) -> int:
    """Records landed for the async-query streams, repeats included (landing keeps what it got)."""
    return sum(
        json.loads(m.read_text())["records"]
        for stream in ("conversations", "journey_events")
        for m in data_dir.glob(f"raw/genesys/{stream}/date=*/_manifest.json")
    )


def test_records_repeated_across_result_pages_count_once(profile, reference, ledger, tmp_path):
    sandbox = fault_sandbox(profile, overlapping_pages=True)
    try:
        db = operate(sandbox, tmp_path, profile, task=TaskRetries(), results_page_size=25)
    finally:
        sandbox.shutdown()
    repeats = async_records_landed(tmp_path) - async_records_landed(reference["db"].parent)
    assert repeats > 0, "no page repeated a record"
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(
            "select count(*) from marts.load_audit where received + kept <> records + rejected"
        ).fetchone() == (0,)
    settle("duplicates_across_pages", {"repeated_records": repeats}, db, reference, ledger, load_differs=True)


KILLABLE = ("conversations", "external_contacts", "journey_events", "journey_sessions")  # clock-free streams


def _writing_a_slice(process: subprocess.Popen, in_progress, timeout: float = 60.0) -> bool:
    """Waits until ``process`` has a slice in progress (``in_progress()`` names one it did not name
    before the process started); False if the process ended first."""
    before = in_progress()
    deadline = time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline:
        if in_progress() - before:
            return True
        time.sleep(0.005)
    return False


def scenario(name: str, landing) -> str:
    return name if landing.name == "directory" else f"{name}_on_a_bucket"


def test_extract_processes_killed_at_random_points_leave_whole_slices_and_a_rerun_completes(
    profile, reference, ledger, landing, tmp_path
):
    sandbox = fault_sandbox(profile, latency_ms=15)
    env = cli_env(sandbox, tmp_path, landing)
    chance = random.Random(profile.kills)
    killed, finished_first, broken = [], [], []

    def kill_one_first(stream, day, attempt):
        if stream not in KILLABLE or attempt > 1 or len(killed) + len(finished_first) >= profile.kills:
            return
        process = subprocess.Popen(
            extract_command(stream, day), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        # Once a slice is half-written, a short random wait puts the kill between pages, among the
        # renames or, on a bucket, among the uploads.
        if _writing_a_slice(process, lambda: landing.writing(tmp_path, stream)):
            time.sleep(chance.uniform(0.0, 0.2))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            killed.append((stream, day.isoformat()))
        else:
            finished_first.append((stream, day.isoformat()))
        process.wait()
        broken.extend(landing.broken(tmp_path))

    try:
        db = operate(sandbox, tmp_path, profile, task=TaskRetries(before=kill_one_first), landing=landing)
    finally:
        sandbox.shutdown()
    assert not broken, broken
    assert killed, "no extraction was still running when its kill came"
    settle(scenario("killed_processes", landing), {"sigkill_mid_slice": len(killed)}, db, reference, ledger)


def test_the_same_slice_twice_at_once_and_dbt_during_extraction(profile, reference, ledger, landing, tmp_path):
    sandbox = fault_sandbox(profile, latency_ms=5)
    env = cli_env(sandbox, tmp_path, landing)
    pairs, builds, problems = [], [], []

    def twin_runs_then_a_build(stream, day, attempt):
        if stream not in KILLABLE or attempt > 1:
            return
        twins = [
            subprocess.Popen(extract_command(stream, day), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            for _ in range(2)
        ]
        builder = None
        if stream == "journey_events":  # a dbt build reading raw files while slices are replaced
            builder = threading.Thread(target=build_quietly)
            builder.start()
        for twin in twins:
            if twin.wait(timeout=300) != 0:
                problems.append(twin.stderr.read().decode()[-500:])
        if builder:
            builder.join()
        pairs.append((stream, day.isoformat()))
        problems.extend(landing.broken(tmp_path))

    def build_quietly():
        try:
            warehouse.build(env=warehouse_env(tmp_path, landing))
            builds.append("ok")
        except warehouse.WarehouseError as exc:  # a failed build is retried; it must not corrupt
            builds.append(str(exc).splitlines()[0])

    try:
        db = operate(sandbox, tmp_path, profile, task=TaskRetries(before=twin_runs_then_a_build), landing=landing)
    finally:
        sandbox.shutdown()
    assert not problems, problems
    assert pairs and builds
    settle(
        scenario("concurrency", landing),
        {"twin_slice_runs": len(pairs), "overlapping_dbt_builds": len(builds)},
        db,
        reference,
        ledger,
    )


def test_bad_records_are_rejected_with_their_reason_and_every_count_adds_up(profile, reference, ledger, tmp_path):
    sandbox = fault_sandbox(profile, bad_record_rate=profile.bad_record_rate)
    try:
        db = operate(sandbox, tmp_path, profile, task=TaskRetries())
        damaged = set(sandbox.api.damaged_ids)
    finally:
        sandbox.shutdown()
    with duckdb.connect(str(db), read_only=True) as con:
        rejected = con.execute("select stream, reason, record from marts.rejected_records").fetchall()
        unbalanced = con.execute(
            "select stream, slice_date, part, received, records, rejected from marts.load_audit "
            "where status = 'landed' and received + kept <> records + rejected"
        ).fetchall()
        audit_rejected = con.execute("select sum(rejected) from marts.load_audit where status = 'landed'").fetchone()[0]
        conversations = {c for (c,) in con.execute("select conversation_id from marts.fact_conversation").fetchall()}
    with duckdb.connect(str(reference["db"]), read_only=True) as con:
        clean = {c for (c,) in con.execute("select conversation_id from marts.fact_conversation").fetchall()}
    rejected_ids = set()
    for stream, reason, record in rejected:
        assert reason and stream in ("conversations", "journey_events"), (stream, reason)
        body = json.loads(record)
        rejected_ids.add(body.get("conversationId") or body.get("id") or body.get("damagedId"))
    assert damaged and not unbalanced, unbalanced
    assert audit_rejected == len(rejected)  # every refused record is in the table, once per landed slice
    assert {i for i in damaged if i in clean} <= rejected_ids  # the damaged conversations were all refused
    assert conversations == clean - damaged  # and nothing else was lost
    ledger["bad_records"] = {
        "injected": {"damaged_records": len(damaged)},
        "equal": conversations == clean - damaged,
        "differing_tables": [],
        "note": "compared: fact_conversation minus the damaged records",
    }

    # The rejects reach a server warehouse the same way.
    database = f"genesys_elt_fault_rejects_{profile.name}"
    fresh_postgres_database(database, byte_order=True)
    env = {**warehouse_env(tmp_path), "GENESYS_ELT_DBT_TARGET": "postgres", "GENESYS_ELT_PG_DATABASE": database}
    warehouse.build(env=env)
    on_postgres = postgres_mart_rows(dbname=database, **POSTGRES)
    assert_same_marts(on_postgres, duckdb_mart_rows(db))
    assert len(on_postgres["rejected_records"]) == len(rejected)
    drop_postgres_database(database)


def test_a_whole_faulted_run_leaks_no_secret_token_or_clear_pii(profile, tmp_path, caplog):
    """Faults, bad records and revoked tokens, then the warehouse and the report; every log line,
    task failure, manifest, raw and rejects file, warehouse table and the report are scanned."""
    caplog.set_level(logging.DEBUG)
    sandbox = fault_sandbox(
        profile, fault_rate=profile.transport_rate, bad_record_rate=profile.bad_record_rate, token_ttl_seconds=5
    )
    retries = TaskRetries()
    try:
        db = operate(sandbox, tmp_path, profile, task=retries, max_attempts=profile.burst * 2 + 4)
        report = write_report(warehouse_from_env({"GENESYS_ELT_WAREHOUSE": str(db)}), tmp_path / "report.html")
        haystacks = {
            "log": "\n".join(r.getMessage() for r in caplog.records),
            "task failures": "\n".join(message for *_, message in retries.failures),
            "report": report.read_text(),
        }
        dbt_log = warehouse.PROJECT_DIR / "logs" / "dbt.log"
        if dbt_log.exists():
            haystacks["dbt.log"] = dbt_log.read_text(errors="replace")
        for path in (tmp_path / "raw").rglob("*"):
            if path.is_file():
                haystacks[str(path.relative_to(tmp_path))] = page_text(path)
        with duckdb.connect(str(db), read_only=True) as con:
            tables = con.execute(
                "select table_schema, table_name from information_schema.tables "
                "where table_schema not in ('information_schema', 'pg_catalog')"
            ).fetchall()
            for schema, table in tables:
                rows = con.execute(f'select * from "{schema}"."{table}"').fetchall()
                haystacks[f"{schema}.{table}"] = "\n".join(map(str, rows))
        leaks = find_leaks(sandbox, haystacks)
    finally:
        sandbox.shutdown()
    assert len(tables) > 20 and sum(1 for name in haystacks if name.endswith(".jsonl.gz")) > 20
    assert any("rejects.jsonl" in name for name in haystacks)  # the refused records were scanned too
    assert not leaks, leaks
