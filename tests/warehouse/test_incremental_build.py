"""Incremental builds equal a full refresh. Days 1..N land and are built; then day N+1 lands with
its trailing days, day N-1 re-landed with one conversation changed (another wrap-up code, and no
longer naming its contact: its customer splits) and day N with a customer's only conversation split
off (the customer keeps its key and is left with no conversation), and the next build parses only those slices and
rewrites only the customers they touch. Its marts equal a full refresh over the same slices, on
DuckDB and on PostgreSQL."""

from __future__ import annotations

import json
import os
from collections import Counter
from datetime import date, timedelta

import duckdb
import psycopg2
import pytest

from genesys_elt.landing.reader import read_manifest
from genesys_elt.warehouse import dbt as warehouse
from genesys_elt.warehouse.postgres import SERVER as POSTGRES
from genesys_elt.warehouse.postgres import drop_postgres_database, fresh_postgres_database
from tests.conftest import SandboxSession, pipeline_environment, start_sandbox, url_of
from tests.daily import extract_day, run_at
from tests.extract.conftest import PII_KEY, make_extractor
from tests.marts import assert_same_marts, duckdb_mart_rows, postgres_env, postgres_mart_rows

pytestmark = pytest.mark.integration
END = date(2026, 11, 21)
DAYS = [END - timedelta(days=n) for n in range(4, -1, -1)]  # N = DAYS[-2]; DAYS[-1] is N+1
CHANGED_CODE = "incremental-test-wrapup"


def _change_a_conversation(sandbox, day: date) -> str:
    """One of the day's conversations that names its contact gets another wrap-up code and stops
    naming its contact; returns its id."""
    for conversation in sandbox.api.org.conversations:
        participants = conversation.body["participants"]
        named = [p for p in participants if p.get("externalContactId")]
        wrapups = [
            s
            for p in participants
            for session in p.get("sessions", [])
            for s in session.get("segments", [])
            if s.get("segmentType") == "wrapup"
        ]
        if (
            conversation.day == day
            and named
            and wrapups
            and not conversation.late_wrapup
            and not conversation.late_change
        ):
            for participant in named:
                del participant["externalContactId"]
            for segment in wrapups:
                segment["wrapUpCode"] = CHANGED_CODE
            return conversation.body["conversationId"]
    raise AssertionError(f"no conversation on {day} names its contact and has a wrap-up")


def _split_off_a_customers_last_conversation(sandbox, day: date, landed: list[date]) -> tuple[str, str]:
    """One of the day's conversations stops naming its contact and withholds its caller line, so
    that it splits from its customer. The one chosen is its contact's
    only conversation, and the contact had a signed-in web session on an earlier day: the customer
    it leaves keeps its key and lives on with no conversation at all. Returns the conversation's id and its former contact's."""
    org = sandbox.api.org
    named_by = Counter(
        p["externalContactId"] for c in org.conversations for p in c.body["participants"] if p.get("externalContactId")
    )
    tied = {
        value
        for c in org.conversations
        for p in c.body["participants"]
        for value in [(p.get("attributes") or {}).get("correlationId")]
        + [s.get("journeyCustomerSessionId") for s in p.get("sessions", [])]
    }
    tied |= {e["session"]["id"] for e in org.activity.events if e["session"]["type"] == "conversation"}
    for conversation in org.conversations:
        participants = conversation.body["participants"]
        named = [p for p in participants if p.get("externalContactId")]
        wrapups = [
            s
            for p in participants
            for session in p.get("sessions", [])
            for s in session.get("segments", [])
            if s.get("segmentType") == "wrapup"
        ]
        if (
            conversation.day != day
            or len(named) != 1
            or not wrapups
            or conversation.late_wrapup
            or conversation.late_change
            or conversation.body["conversationId"] in tied
        ):  # a telephony event names its contact
            continue
        contact = named[0]["externalContactId"]
        # a session from before the conversation's day: the customer's oldest node, which keeps its key
        sessions = [
            s
            for s in org.sessions_by_contact.get(contact, [])
            if landed[0] <= date.fromisoformat(s["createdDate"][:10]) < day and s["id"] not in tied
        ]
        if (
            named_by[contact] != 1
            or not sessions
            or named[0].get("attributes")
            or any(s.get("journeyCustomerSessionId") for s in named[0]["sessions"])
        ):
            continue
        del named[0]["externalContactId"]
        for session in named[0]["sessions"]:
            session.pop("ani", None)
            session.pop("addressFrom", None)
        return conversation.body["conversationId"], contact
    raise AssertionError(f"no conversation on {day} is the only one of a contact with a signed-in web session")


def _slice_checksum(data_dir, day: date) -> str | None:
    manifest = read_manifest(data_dir, "conversations", day)
    return json.dumps(manifest["files"], sort_keys=True) if manifest else None


def _postgres_env(data_dir, database: str) -> dict:
    return {
        **os.environ,
        "GENESYS_ELT_DATA_DIR": str(data_dir),
        **postgres_env(database),
    }


def _parsed_days(con_execute, model: str) -> set[str]:
    return {
        str(day)
        for (day,) in con_execute(
            f"select distinct slice_date from {model} where parsed_at = (select max(parsed_at) from {model})"
        )
    }


def test_an_incremental_build_equals_a_full_refresh_on_duckdb_and_postgresql(tmp_path):
    data_dir = tmp_path / "data"
    database = "genesys_elt_incremental"
    fresh_postgres_database(database, byte_order=True)
    pg_env = _postgres_env(data_dir, database)
    # 300 customers: the split needs a rare customer (see its helper)
    sandbox = start_sandbox(customers=300, days=len(DAYS), job_latency_seconds=0.05)
    control = SandboxSession(url_of(sandbox))
    extractor = make_extractor(sandbox, data_dir)
    db = data_dir / "warehouse.duckdb"
    try:
        with pipeline_environment(data_dir, PII_KEY):
            for day in DAYS[:-1]:
                control.control(now=run_at(day).isoformat())
                extract_day(extractor, day, DAYS[0])
            warehouse.build()
            warehouse.build(env=pg_env)

            changed = _change_a_conversation(sandbox, DAYS[-3])
            split, contact = _split_off_a_customers_last_conversation(sandbox, DAYS[-2], DAYS)
            with duckdb.connect(str(db), read_only=True) as con:
                ((key_before,),) = con.execute(
                    f"select customer_key from intermediate.int_customer_keys where node = 'conversation:{split}'"
                ).fetchall()
            landed_before = {day: _slice_checksum(data_dir, day) for day in DAYS}
            control.control(now=run_at(DAYS[-1]).isoformat())
            extract_day(extractor, DAYS[-1], DAYS[0])  # day N+1, and its trailing days again
            changed_slices = {str(day) for day in DAYS if _slice_checksum(data_dir, day) != landed_before[day]}
            warehouse.build()
            warehouse.build(env=pg_env)

            with duckdb.connect(str(db), read_only=True) as con:
                execute = lambda sql: con.execute(sql).fetchall()  # noqa: E731
                # Only the slices landed with other content were parsed again (N+1 new, N-1 changed,
                # others where a thread went on or a record was corrected), and the change reached the marts.
                reparsed = _parsed_days(execute, "staging.stg_genesys__conversations")
                assert str(DAYS[-1]) in reparsed and str(DAYS[-3]) in reparsed
                assert reparsed == changed_slices, (reparsed, changed_slices)
                assert _parsed_days(execute, "staging.stg_genesys__journey_events") == {str(DAYS[-1])}
                assert execute(
                    f"select wrap_up_code from marts.fact_conversation where conversation_id = '{changed}'"
                ) == [(CHANGED_CODE,)]
                # The customer the split conversation left keeps its key; the conversation has another.
                ((left,),) = execute(
                    f"select customer_key from intermediate.int_customer_keys where node = 'contact:{contact}'"
                )
                assert left == key_before
                assert execute(
                    f"select customer_key <> '{left}' from marts.fact_conversation where conversation_id = '{split}'"
                ) == [(True,)]
                rewritten, customers = execute(
                    "select count(distinct customer_key) filter (where built_at = (select max(built_at) from "
                    "marts.customer_timeline)), count(distinct customer_key) from marts.customer_timeline"
                )[0]
                assert 0 < rewritten < customers, (rewritten, customers)  # the untouched keep their rows
                # Customers active again keep their earlier rows: only the tail from the first change
                # is ordered again, and only the changed nodes' touchpoints are written again.
                for model in ("marts.customer_timeline", "intermediate.int_timeline_touchpoints"):
                    written, kept = execute(
                        f"with latest as (select max(built_at) as built_at from {model}), "
                        f"active as (select distinct customer_key from {model} where built_at = (select built_at from latest)) "
                        f"select count(*) filter (where built_at = (select built_at from latest)), "
                        f"count(*) filter (where built_at < (select built_at from latest)) "
                        f"from {model} where customer_key in (select customer_key from active)"
                    )[0]
                    assert 0 < written and 0 < kept, (model, written, kept)
            incremental = duckdb_mart_rows(db, same_warehouse=True)
            incremental_pg = postgres_mart_rows(dbname=database, **POSTGRES)

            warehouse.build(full_refresh=True)
            warehouse.build(full_refresh=True, env=pg_env)
        assert_same_marts(duckdb_mart_rows(db, same_warehouse=True), incremental)
        assert_same_marts(postgres_mart_rows(dbname=database, **POSTGRES), incremental_pg)
        assert_same_marts(incremental_pg, duckdb_mart_rows(db))
        with psycopg2.connect(dbname=database, **POSTGRES) as conn, conn.cursor() as cur:
            cur.execute(f"select wrap_up_code from marts.fact_conversation where conversation_id = '{changed}'")
            assert cur.fetchall() == [(CHANGED_CODE,)]
    finally:
        sandbox.shutdown()
        drop_postgres_database(database)


def test_a_day_removed_then_landed_again_builds_as_a_full_refresh_does(tmp_path):
    """A day's slices are deleted (its rows leave the warehouse, customers it joined split), then
    land again (they rejoin): every build passes its data tests, identity components included, and
    the marts equal a full refresh over the same slices."""
    data_dir = tmp_path / "data"
    sandbox = start_sandbox(customers=300, days=len(DAYS), job_latency_seconds=0.05)
    control = SandboxSession(url_of(sandbox))
    extractor = make_extractor(sandbox, data_dir)
    db = data_dir / "warehouse.duckdb"
    removed, aside = DAYS[-3], tmp_path / "aside"
    try:
        with pipeline_environment(data_dir, PII_KEY):
            for day in DAYS:
                control.control(now=run_at(day).isoformat())
                extract_day(extractor, day, DAYS[0])
            warehouse.build()
            day_dirs = sorted((data_dir / "raw").glob(f"genesys/*/date={removed}"))
            assert len(day_dirs) >= 4, day_dirs
            for directory in day_dirs:
                (aside / directory.parent.name).mkdir(parents=True)
                directory.rename(aside / directory.parent.name / directory.name)
            warehouse.build()
            with duckdb.connect(str(db), read_only=True) as con:
                assert con.execute(
                    f"select count(*) from marts.fact_conversation where cast(started_at as date) = '{removed}'"
                ).fetchall() == [(0,)]
            for directory in day_dirs:
                (aside / directory.parent.name / directory.name).rename(directory)
            warehouse.build()
            incremental = duckdb_mart_rows(db, same_warehouse=True)
            warehouse.build(full_refresh=True)
        assert_same_marts(duckdb_mart_rows(db, same_warehouse=True), incremental)
        with duckdb.connect(str(db), read_only=True) as con:
            assert (
                con.execute(
                    f"select count(*) from marts.fact_conversation where cast(started_at as date) = '{removed}'"
                ).fetchall()[0][0]
                > 0
            )
    finally:
        sandbox.shutdown()
