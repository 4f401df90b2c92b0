"""The warehouse against the sandbox's ground truth, after 14 days of daily operation: the sandbox's
clock moves a day at a time, each day's slices are extracted over HTTP as the DAGs would, and dbt
builds incrementally (snapshots included) after each day."""

from __future__ import annotations

import csv
import json
import math
import os
import re
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import duckdb
import psycopg2
import pytest

from genesys_elt.readers.identity_quality import (
    customer_keys,
    key_history,
    key_stability,
    pairwise_score,
    reachable_groups,
    warehouse_assignments,
)
from genesys_elt.settings import warehouse_from_env
from genesys_elt.streams import STREAMS
from genesys_elt.warehouse import dbt as warehouse
from genesys_elt.warehouse.metrics import query_metrics
from genesys_elt.warehouse.postgres import SERVER as POSTGRES
from genesys_elt.warehouse.postgres import drop_postgres_database, fresh_postgres_database
from genesys_sandbox.org import ground_truth
from genesys_sandbox.render import conversation_at
from genesys_sandbox.timefmt import parse_iso
from tests.browser import headless
from tests.conftest import SandboxSession, pipeline_environment, start_sandbox, url_of
from tests.daily import extract_day, run_at
from tests.extract.conftest import PII_KEY, make_extractor
from tests.marts import BUILD_HISTORY, assert_same_marts, duckdb_mart_rows, postgres_env, postgres_mart_rows

# The first test pays for the module's fixture: 14 daily extractions, each followed by a build.
pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]
END = date(2026, 11, 21)
DAYS = [END - timedelta(days=n) for n in range(13, -1, -1)]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("warehouse")
    sandbox = start_sandbox(customers=150, days=14, job_latency_seconds=0.05)
    control = SandboxSession(url_of(sandbox))
    truth = ground_truth(sandbox.api.org)
    extractor = make_extractor(sandbox, data_dir)
    extraction_times, keys_after = [], []
    try:
        with pipeline_environment(data_dir, PII_KEY):
            for day in DAYS:
                control.control(now=run_at(day).isoformat())
                extract_day(extractor, day, DAYS[0])
                extraction_times.append(run_at(day))
                warehouse.build()
                with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
                    keys_after.append((customer_keys(con), key_history(con)))
            yield {
                "data_dir": data_dir,
                "sandbox": sandbox,
                "truth": truth,
                "extractor": extractor,
                "control": control,
                "times": extraction_times,
                "db": data_dir / "warehouse.duckdb",
                "keys_after": keys_after,
            }
    finally:
        sandbox.shutdown()


def query(loaded, sql: str, params=()) -> list[tuple]:
    with duckdb.connect(str(loaded["db"]), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def system_wrap_up_code_names() -> dict[str, str]:
    """The documented names the warehouse gives the platform's own wrap-up codes (its seed)."""
    seed = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds" / "genesys__system_wrap_up_codes.csv"
    with seed.open(newline="") as fh:
        return {row["wrap_up_code_id"]: row["wrap_up_code_name"] for row in csv.DictReader(fh)}


def test_dbt_unit_tests_pass_on_the_built_warehouse(loaded):
    """The daily build leaves dbt's unit tests out; here every one of them runs, and passes."""
    listed = [json.loads(line) for line in warehouse.NODE_LIST.read_text().splitlines()]
    unit_tests = sum(node["resource_type"] == "unit_test" for node in listed)
    with pipeline_environment(loaded["data_dir"], PII_KEY):
        printed = warehouse.run_unit_tests()
    assert unit_tests >= 10
    assert re.search(rf"PASS={unit_tests} WARN=0 ERROR=0 SKIP=0\b", printed), printed[-2000:]


def test_funnel_counts_equal_the_truth_for_every_campaign_day(loaded):
    landed = {
        (c, str(d), s): n
        for c, d, s, n in query(
            loaded, "select campaign_id, journey_date, step_id, contact_count from marts.fact_predictive_journey"
        )
    }
    skipped = {
        (c, str(d))
        for c, d in query(
            loaded,
            "select part, slice_date from marts.load_audit where stream = 'campaign_journey' and status = 'skipped'",
        )
    }
    compared = 0
    for campaign_id, campaign in loaded["truth"]["campaigns"].items():
        for day, steps in campaign["funnel"].items():
            if (campaign_id, day) in skipped:  # archived before its run: recorded, not invented
                assert campaign["statuses"][-1]["status"] == "archived"
                continue
            for step in steps:
                assert landed.get((campaign_id, day, step["stepId"])) == step["contactCount"], (campaign_id, day, step)
                compared += 1
    assert compared == len(landed) > 100


def test_every_scorecard_model_version_is_kept_with_its_metrics(loaded):
    truth = loaded["truth"]["scorecards"]
    rows = query(
        loaded,
        "select scorecard_id, model_version, cast(metric_date as varchar), precision, "
        "recall, f1_score, actual_conversion_rate from snapshots.scorecard_model_versions",
    )
    kept = {(s, v) for s, v, *_ in rows}
    expected = set()
    for scorecard_id, scorecard in truth.items():
        for version in scorecard["versions"]:
            trained = datetime.fromisoformat(version["retrainedAt"].replace("Z", "+00:00"))
            following = [v for v in scorecard["versions"] if v["retrainedAt"] > version["retrainedAt"]]
            replaced = datetime.fromisoformat(following[0]["retrainedAt"].replace("Z", "+00:00")) if following else None
            if any(trained <= t and (replaced is None or t < replaced) for t in loaded["times"][2:]):
                expected.add((scorecard_id, version["modelVersion"]))
    assert kept == expected and len({v for _, v in expected}) >= 3, (kept, expected)
    for scorecard_id, version, day, precision, recall, f1, actual in rows:
        metrics = truth[scorecard_id]["metrics"][version][day]["performanceMetrics"]
        assert (precision, recall, f1, actual) == (
            metrics["precision"],
            metrics["recall"],
            metrics["f1Score"],
            metrics["actualConversionRate"],
        ), (scorecard_id, version, day)


def test_scorecard_days_inside_48_hours_are_pending_backfill(loaded):
    pending = dict(
        query(loaded, "select journey_date, bool_and(pending_backfill) from marts.fact_predictive_journey group by 1")
    )
    assert pending[END] and pending[END - timedelta(days=1)]
    assert not any(flag for day, flag in pending.items() if day <= END - timedelta(days=2))


def _identity(loaded):
    with duckdb.connect(str(loaded["db"]), read_only=True) as con:
        assigned = warehouse_assignments(con)
    return assigned, reachable_groups(loaded["truth"]["edges"], set(assigned))


def test_identity_resolution_makes_no_false_merge_and_recovers_the_links(loaded):
    truth = loaded["truth"]
    assigned, reachable = _identity(loaded)
    score = pairwise_score(assigned, truth["owner"], reachable)
    against_everything = pairwise_score(assigned, truth["owner"], truth["resolvable"])
    print(
        f"\nidentity: {score.records} records, pairwise precision {score.precision:.4f}, recall {score.recall:.4f} "
        f"against the links the landed data holds ({against_everything.recall:.4f} against every link in the org)"
    )
    assert score.records > 1000
    assert score.precision == 1.0 and score.false_pairs == 0
    assert score.recall >= 0.99
    # The planted traps, by name: people behind one NAT, on one shared computer, or whose number
    # someone else typed into a form, never share a customer.
    keys_by_person: dict[object, set[str]] = {}
    for record, key in assigned.items():
        keys_by_person.setdefault(truth["owner"][record], set()).add(key)
    for trap in truth["traps"]:
        persons = trap.get("persons") or (
            [trap["actor"], trap["typedPhoneOwner"]] if trap["kind"] == "unverified_phone" else []
        )
        persons = [p for p in dict.fromkeys(persons) if p in keys_by_person]
        for i, a in enumerate(persons):
            for b in persons[i + 1 :]:
                assert not keys_by_person[a] & keys_by_person[b], trap


def test_shared_lines_are_listed_as_conflicts_and_join_no_one(loaded):
    """The planted switchboards, team mailboxes and family landlines held by two or more contacts
    are in identity_conflicts, and (by the trap check above) none of their people share a key."""
    shared = [
        t for t in loaded["truth"]["traps"] if t["kind"] in ("shared_switchboard", "shared_mailbox", "family_landline")
    ]
    assert {t["kind"] for t in shared} == {"shared_switchboard", "shared_mailbox", "family_landline"}
    reasons = dict(query(loaded, "select demoted_because, count(*) from marts.identity_conflicts group by 1"))
    assert reasons.get("shared_line_limit", 0) + reasons.get("distinct_crm_ids", 0) > 0, reasons
    crm_conflicts = query(
        loaded,
        "select count(*) from (select keys.customer_key from staging.stg_genesys__external_contacts as c "
        "join intermediate.int_customer_keys as keys on keys.node = 'contact:' || c.contact_id "
        "where c.crm_external_id is not null and c.canonical_contact_id = c.contact_id "
        "group by 1 having count(distinct c.crm_external_id) > 1)",
    )[0][0]
    assert crm_conflicts == 0  # no customer holds two CRM customers


def test_each_days_build_keeps_every_unmerged_customers_key_and_records_every_retired_one(loaded):
    """Landing day N+1 on a warehouse of days 1..N: a customer that gained no merge and lost no part
    keeps its key (0 renamed), and every key that disappeared is in customer_key_history."""
    builds = loaded["keys_after"]
    totals = {"customers": 0, "kept": 0, "merged": 0, "split": 0, "retired": 0}
    for (before, _), (after, history) in zip(builds, builds[1:]):
        stability = key_stability(before, after, history)
        assert stability.renamed_without_merge == 0, stability
        assert stability.retired_without_history == 0, stability
        for name in totals:
            totals[name] += getattr(stability, name)
    print(f"\nkeys over {len(builds) - 1} next-day builds: {totals}")
    assert totals["kept"] > totals["customers"] * 0.9


def test_wrap_up_codes_that_arrive_a_day_late_are_picked_up_by_the_trailing_re_pull(loaded):
    """A late wrap-up code is missing from the first pull of its day; the next days' runs re-pull
    the day and the warehouse ends with the code. Only days that a later run re-pulled count."""
    last_re_pulled = DAYS[-1] - timedelta(days=2)
    late = [
        c
        for c in loaded["sandbox"].api.org.conversations
        if c.late_wrapup and DAYS[0] <= c.day <= last_re_pulled and c.end + timedelta(hours=24) <= run_at(DAYS[-1])
    ]
    codes = dict(query(loaded, "select conversation_id, wrap_up_code from marts.fact_conversation"))
    checked = 0
    for conv in late:
        true_codes = [
            seg["wrapUpCode"]
            for p in conv.body["participants"]
            for s in p["sessions"]
            for seg in s["segments"]
            if seg.get("wrapUpCode")
        ]
        if true_codes and conv.body["conversationId"] in codes:
            assert codes[conv.body["conversationId"]] in true_codes, conv.body["conversationId"]
            checked += 1
    assert checked >= 3, f"only {checked} late wrap-ups in range"


def _latest_state(record: dict) -> tuple:
    """What fact_conversation shows of a record: its end, its latest wrap-up code, its segment count."""
    segments = [(seg, p["purpose"]) for p in record["participants"] for s in p["sessions"] for seg in s["segments"]]
    wrap_ups = sorted(
        (
            (seg["segmentEnd"], seg.get("wrapUpCode") or "")
            for seg, purpose in segments
            if seg["segmentType"] == "wrapup" and purpose == "agent" and "segmentEnd" in seg
        ),
        key=lambda w: (w[0], "~" if not w[1] else w[1]),
    )
    code = None
    if wrap_ups:  # the latest end; between two at one instant, the smallest code
        latest = wrap_ups[-1][0]
        code = min((c for end, c in wrap_ups if end == latest), key=lambda c: (c == "", c)) or None
    return record.get("conversationEnd"), code, len(segments)


def test_each_conversation_is_one_row_in_the_state_of_the_last_pull(loaded):
    """A details job returns a conversation on every day it had activity, and the trailing window
    pulls each day again: threads open for days land in several slices, and records corrected
    three to five days later land again. The warehouse holds one row per conversation, in the state
    the last daily run saw: for every conversation whose late-change window has passed, its final one."""
    org, final = loaded["sandbox"].api.org, loaded["times"][-1]
    expected = {c.body["conversationId"]: (c, conversation_at(c, final)) for c in org.conversations if c.start <= final}
    rows = query(
        loaded,
        """
        select fact.conversation_id, fact.ended_at, fact.wrap_up_code,
               fact.is_in_progress, segments.n, latest.slices_carrying
        from marts.fact_conversation as fact
        join intermediate.int_conversation_latest as latest using (conversation_id)
        join (select conversation_id, count(*) as n from intermediate.int_conversation_segments
              group by conversation_id) as segments using (conversation_id)""",
    )
    assert len(rows) == len({r[0] for r in rows}) == len(expected)
    final_state = corrected = carried = 0
    for conversation_id, ended_at, code, in_progress, segment_count, slices in rows:
        conv, record = expected[conversation_id]
        end, true_code, true_segments = _latest_state(record)
        seen_end = None if in_progress else ended_at.replace(tzinfo=timezone.utc)  # a UTC timestamp without zone
        assert (seen_end, code, segment_count) == (end and parse_iso(end), true_code, true_segments), conversation_id
        final_state += record is conv.body
        corrected += bool(conv.late_change and final >= conv.late_change.at)
        carried += slices > 1
    window = STREAMS["conversations"].trailing_days
    settled = [c for c, _ in expected.values() if c.end.date() + timedelta(days=window) <= DAYS[-1]]
    assert all(conversation_at(c, final) is c.body for c in settled)  # past the window, final
    print(f"\n{len(rows)} conversations: {final_state} final, {corrected} corrected late, {carried} in several slices")
    assert corrected >= 5 and carried >= 10 and len(settled) > len(rows) / 2


def test_merged_contacts_follow_their_canonical_contact(loaded):
    merges = [t for t in loaded["truth"]["traps"] if t["kind"] == "contact_merge"]
    rows = query(
        loaded, "select merged_from_ids, contact_ids from marts.dim_customer where merged_from_ids is not null"
    )
    merged_from = {m for (ids, _) in rows for m in ids.split(",")}
    seen = {c for (c,) in query(loaded, "select contact_id from staging.stg_genesys__external_contacts")}
    # a merge makes a new contact: both old records sit under it
    expected = {old for t in merges for old in t["merged"] if old in seen}
    assert expected and merged_from == expected


def test_ephemeral_contacts_land_but_join_no_one(loaded):
    """A chat from an anonymous page names its cookie's Ephemeral contact. The record lands (and the
    conversation names it), but it is no identity node and no edge goes through it: on a shared
    computer it would join two people (the trap check above covers them by name)."""
    ephemeral = {t["contact"] for t in loaded["truth"]["traps"] if t["kind"] == "ephemeral_contact"}
    landed = {
        c
        for (c,) in query(
            loaded, "select contact_id from staging.stg_genesys__external_contacts where contact_type = 'Ephemeral'"
        )
    }
    named = {
        c
        for (c,) in query(loaded, "select distinct external_contact_id from intermediate.int_conversation_segments")
        if c in landed
    }
    assert landed and landed <= ephemeral and named == landed
    nodes = {
        n for (n,) in query(loaded, "select node from intermediate.int_identity_nodes where node like 'contact:%'")
    }
    ends = {n for (n,) in query(loaded, "select node_b from intermediate.int_identity_edges")}
    assert not {f"contact:{c}" for c in landed} & (nodes | ends)


def test_handoffs_are_the_chat_to_call_pairs_of_one_customer(loaded):
    assigned, reachable = _identity(loaded)
    linkable = {
        (h["from"], h["to"])
        for h in loaded["truth"]["handoffs"]
        if reachable.get(f"conversation:{h['from']}") is not None
        and reachable.get(f"conversation:{h['from']}") == reachable.get(f"conversation:{h['to']}")
    }
    found = set(
        query(
            loaded,
            "select handoff_from_conversation_id, source_id from marts.customer_timeline "
            "where handoff_type is not null",
        )
    )
    assert linkable and found == linkable


def test_timeline_command_prints_one_customers_ordered_timeline(loaded):
    (external_id,) = query(
        loaded,
        "select crm_external_ids from marts.dim_customer where crm_external_ids is not null "
        "and conversation_count > 1 and journey_session_count > 0 order by customer_key limit 1",
    )[0]
    result = subprocess.run(
        [sys.executable, "-m", "genesys_elt", "timeline", "--external-id", external_id.split(",")[0]],
        env=dict(os.environ, GENESYS_ELT_DATA_DIR=str(loaded["data_dir"]), GENESYS_ELT_PII_KEY=PII_KEY),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert set(payload) >= {"contactId", "timeline", "metadata"}
    assert payload["contactId"] and payload["timeline"]
    assert set(payload["metadata"]) == {"extractionTimestampUTC", "totalInteractions", "filteredOut"}
    assert payload["metadata"]["totalInteractions"] == len(payload["timeline"])
    conversations = [e for e in payload["timeline"] if e["sourceType"] == "conversation"]
    assert conversations and all(e["startTimeUTC"].endswith("Z") for e in payload["timeline"])
    assert {
        "conversationId",
        "channelType",
        "startTimeUTC",
        "endTimeUTC",
        "durationSeconds",
        "routingQueue",
        "agentId",
        "wrapUpCode",
    } <= set(conversations[0])
    # Each id beside the name the directory gave it that day.
    directory = loaded["truth"]["directory"]
    for entry in conversations:
        assert entry["routingQueueName"] in {n["name"] for n in directory["queues"][entry["routingQueue"]]}
        assert entry["agentName"] == directory["agents"][entry["agentId"]]["name"]
        if entry["wrapUpCode"]:
            names = {**directory["wrapUpCodes"], **system_wrap_up_code_names()}
            assert entry["wrapUpCodeName"] == names[entry["wrapUpCode"]]
    starts = [e["startTimeUTC"] for e in conversations]
    assert starts == sorted(starts)


def _timeline_cli(loaded, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "genesys_elt", "timeline", *args],
        env=dict(os.environ, GENESYS_ELT_DATA_DIR=str(loaded["data_dir"]), GENESYS_ELT_PII_KEY=PII_KEY),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_timeline_by_a_shared_phone_names_no_one(loaded):
    from genesys_elt.landing.pseudonymize import Pseudonymizer

    tokens = {
        t
        for (t,) in query(
            loaded, "select identifier_token from marts.identity_conflicts where identifier_kind = 'phone'"
        )
    }
    pseudonymizer = Pseudonymizer(PII_KEY.encode())
    shared = next(
        t["value"]
        for t in loaded["truth"]["traps"]
        if t["kind"] in ("shared_switchboard", "family_landline") and pseudonymizer.phone(t["value"]) in tokens
    )
    refused = _timeline_cli(loaded, "--phone", shared)
    assert refused.returncode != 0 and "shared by" in refused.stderr and "Traceback" not in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1


def test_timeline_piped_into_a_reader_that_stops_early_is_not_an_error(loaded):
    (key,) = query(
        loaded, "select customer_key from marts.customer_timeline group by 1 order by count(*) desc limit 1"
    )[0]
    reader = subprocess.Popen(
        [sys.executable, "-m", "genesys_elt", "timeline", "--customer-key", key],
        env=dict(os.environ, GENESYS_ELT_DATA_DIR=str(loaded["data_dir"])),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    reader.stdout.close()  # the reader is gone before the timeline is written, like `| head -c 0`
    assert reader.wait(timeout=60) == 0
    assert b"Traceback" not in reader.stderr.read()


def test_the_directory_names_every_id_the_facts_carry_and_keeps_its_history(loaded):
    directory = loaded["truth"]["directory"]
    current = dict(query(loaded, "select queue_id, queue_name from marts.dim_queue where is_current"))
    assert current == {queue: names[-1]["name"] for queue, names in directory["queues"].items()}
    # The renamed queue: its old name until the first day's run that came after the rename.
    renamed = next(queue for queue, names in directory["queues"].items() if len(names) > 1)
    renamed_at = datetime.fromisoformat(directory["queues"][renamed][1]["since"])
    first_new = min(day for day, at in zip(DAYS, loaded["times"]) if at >= renamed_at)
    versions = query(
        loaded,
        "select queue_name, valid_from, valid_to from marts.dim_queue where queue_id = ? order by valid_from",
        [renamed],
    )
    assert versions == [
        (directory["queues"][renamed][0]["name"], DAYS[0], first_new),
        (directory["queues"][renamed][1]["name"], first_new, None),
    ]
    # The agent who left: active, then deleted; still there to name the conversations they handled.
    left = next(agent for agent, about in directory["agents"].items() if about["deletedAt"])
    assert [
        state
        for (state,) in query(
            loaded, "select agent_state from marts.dim_agent where agent_id = ? order by valid_from", [left]
        )
    ] == ["active", "deleted"]
    assert query(loaded, "select count(*) from marts.fact_conversation where agent_id = ?", [left])[0][0] > 0
    assert (
        dict(query(loaded, "select wrap_up_code_id, wrap_up_code_name from marts.dim_wrap_up_code where is_listed"))
        == directory["wrapUpCodes"]
    )
    # The system codes the conversations carry, which no listing returns, by their documented names.
    planted = {t["code"] for t in loaded["truth"]["traps"] if t["kind"] == "system_wrap_up_code"}
    system = dict(
        query(loaded, "select wrap_up_code_id, wrap_up_code_name from marts.dim_wrap_up_code where is_system")
    )
    assert system and set(system) <= planted
    assert system == {code: name for code, name in system_wrap_up_code_names().items() if code in system}
    assert dict(query(loaded, "select division_id, division_name from marts.dim_division")) == directory["divisions"]
    # Every queue, agent and wrap-up code a fact or the timeline carries has its dimension row.
    for table, column, dimension, key in [
        ("fact_conversation", "last_queue_id", "dim_queue", "queue_id"),
        ("fact_conversation", "agent_id", "dim_agent", "agent_id"),
        ("fact_conversation", "wrap_up_code", "dim_wrap_up_code", "wrap_up_code_id"),
        ("customer_timeline", "queue_id", "dim_queue", "queue_id"),
        ("customer_timeline", "wrap_up_code", "dim_wrap_up_code", "wrap_up_code_id"),
    ]:
        assert (
            query(
                loaded,
                f"select count(*) from marts.{table} as f where f.{column} is not null and not exists "
                f"(select 1 from marts.{dimension} as d where d.{key} = f.{column})",
            )[0][0]
            == 0
        )
    # Agents are employees: their emails are tokens, their names stay readable.
    emails = [e for (e,) in query(loaded, "select distinct email_token from marts.dim_agent")]
    assert emails and all(e.startswith("pii_email_") for e in emails)


def _metrics(loaded, metrics: list[str], group_by: list[str]) -> dict[tuple, tuple]:
    """MetricFlow's answer, keyed by its groups (times as days), each metric a float or None."""
    with pipeline_environment(loaded["data_dir"], PII_KEY):
        rows = query_metrics(metrics, group_by)
    return {
        tuple(row[g][:10] if g.startswith("metric_time") else row[g] for g in group_by): tuple(
            float(row[m]) if row[m] != "" else None for m in metrics
        )
        for row in rows
    }


def _sql(loaded, sql: str, groups: int) -> dict[tuple, tuple]:
    return {
        tuple(str(v) for v in row[:groups]): tuple(None if v is None else float(v) for v in row[groups:])
        for row in query(loaded, sql)
    }


def _assert_close(by_metricflow: dict, by_sql: dict) -> None:
    assert by_metricflow.keys() == by_sql.keys()
    for group, values in by_sql.items():
        found = by_metricflow[group]
        assert [v is None for v in found] == [v is None for v in values], (group, found, values)
        assert all(math.isclose(f, v, rel_tol=1e-9) for f, v in zip(found, values) if v is not None), (
            group,
            found,
            values,
        )


def test_metric_queries_equal_plain_sql_over_the_marts(loaded):
    """The metrics layer (semantic models and metrics in the dbt project, queried with MetricFlow)
    gives what an analyst's own SQL over the marts gives."""
    _assert_close(
        _metrics(loaded, ["conversations", "average_handle_seconds"], ["metric_time__day", "conversation__channel"]),
        _sql(
            loaded,
            "select cast(started_at as date), channel, count(*), "
            "sum(duration_seconds) * 1.0 / nullif(count(duration_seconds), 0) "
            "from marts.fact_conversation group by 1, 2",
            2,
        ),
    )

    weekly = _metrics(
        loaded,
        ["chat_to_call_handoff_rate", "web_session_before_call_share", "repeat_contact_rate"],
        ["metric_time__week"],
    )
    _assert_close(
        weekly,
        _sql(
            loaded,
            """
        select cast(date_trunc('week', c.started_at) as date),
            avg(case when c.channel not in ('voice', 'callback') then null
                     when exists (select 1 from marts.customer_timeline t where t.source_type = 'conversation'
                                  and t.source_id = c.conversation_id and t.handoff_type is not null) then 1.0
                     else 0.0 end),
            avg(case when c.channel not in ('voice', 'callback') then null
                     when exists (select 1 from marts.customer_timeline w where w.customer_key = c.customer_key
                                  and w.source_type = 'journey_session' and w.channel = 'web'
                                  and w.occurred_at <= c.started_at
                                  and w.occurred_at > c.started_at - interval 24 hour) then 1.0
                     else 0.0 end),
            avg(case when exists (select 1 from marts.fact_conversation e where e.customer_key = c.customer_key
                                  and e.conversation_id <> c.conversation_id and e.started_at <= c.started_at
                                  and e.started_at > c.started_at - interval 7 day) then 1.0 else 0.0 end)
        from marts.fact_conversation c group by 1""",
            1,
        ),
    )
    # Each of the three is something the org does, not an empty ratio.
    assert all(0 < sum(rates[i] or 0 for rates in weekly.values()) for i in range(3))

    _assert_close(
        _metrics(
            loaded,
            ["funnel_step_contacts", "funnel_step_conversion"],
            ["metric_time__day", "campaign", "funnel_step__step_sequence"],
        ),
        _sql(
            loaded,
            """
            select step.journey_date, step.campaign_id, step.step_sequence, step.contact_count,
                   step.contact_count * 1.0 / nullif(coalesce(previous.contact_count, step.contact_count), 0)
            from marts.fact_predictive_journey step
            left join marts.fact_predictive_journey previous
                on previous.journey_date = step.journey_date and previous.campaign_id = step.campaign_id
                and previous.step_sequence = step.step_sequence - 1""",
            3,
        ),
    )

    by_version = _metrics(
        loaded, ["scorecard_precision", "scorecard_recall"], ["metric_time__day", "scorecard_model_day__model_version"]
    )
    _assert_close(
        by_version,
        _sql(
            loaded,
            "select metric_date, model_version, avg(precision), avg(recall) "
            "from marts.fact_scorecard_performance group by 1, 2",
            2,
        ),
    )
    assert len({version for (_, version) in by_version}) > 1  # a retraining is told apart


def test_rerunning_a_loaded_range_and_a_full_refresh_leave_every_mart_identical(loaded):
    before = duckdb_mart_rows(loaded["db"], same_warehouse=True)
    keys_before, _ = loaded["keys_after"][-1]
    assert all(before[table] for table in ("fact_predictive_journey", "customer_timeline", "load_audit"))
    for day in DAYS[-2:]:  # re-run past days' DAGs as a backfill would, then dbt
        extract_day(loaded["extractor"], day, DAYS[0])
    warehouse.build()
    assert_same_marts(duckdb_mart_rows(loaded["db"], same_warehouse=True), before)
    warehouse.build(full_refresh=True)  # everything rebuilt from the slices; the key registry kept
    assert_same_marts(duckdb_mart_rows(loaded["db"], same_warehouse=True), before)
    with duckdb.connect(str(loaded["db"]), read_only=True) as con:
        assert customer_keys(con) == keys_before
    # Lost (or never built, as in a warehouse from before the registry), the registry starts again
    # from the keys the warehouse last published: nobody's key changes.
    with duckdb.connect(str(loaded["db"])) as con:
        con.execute("drop table intermediate.int_customer_key_registry")
    warehouse.build()
    with duckdb.connect(str(loaded["db"]), read_only=True) as con:
        assert customer_keys(con) == keys_before


def test_the_same_project_on_postgresql_builds_the_same_marts(loaded, tmp_path):
    """Portability to a server warehouse: the raw slices loaded into PostgreSQL tables, the whole
    project built there in one go (its own tests included) equals the DuckDB warehouse built day by
    day. The database uses byte-order collation, as DuckDB compares text."""
    database = "genesys_elt_portability"
    fresh_postgres_database(database, byte_order=True)
    env = {
        **os.environ,
        "GENESYS_ELT_DATA_DIR": str(loaded["data_dir"]),
        **postgres_env(database),
    }
    try:
        warehouse.build(env=env)
        on_postgres = postgres_mart_rows(dbname=database, **POSTGRES)
        assert_same_marts(on_postgres, duckdb_mart_rows(loaded["db"]))
        # Built in one go, the same slices give every node the key the daily builds gave it.
        with psycopg2.connect(dbname=database, **POSTGRES) as conn, conn.cursor() as cur:
            cur.execute("select node, customer_key from intermediate.int_customer_keys")
            assert dict(cur.fetchall()) == loaded["keys_after"][-1][0]
        assert all(on_postgres[table] for table in ("fact_predictive_journey", "customer_timeline", "dim_customer"))
        assert warehouse.load_raw(env).replaced == 0  # a second sync finds every slice already loaded
        _timelines_read_the_same_on_both_targets(loaded, env)
        _report_and_summary_read_the_same_on_both_targets(loaded, env, tmp_path)
    finally:
        drop_postgres_database(database)


def _timelines_read_the_same_on_both_targets(loaded, postgres_env: dict) -> None:
    """`genesys-elt timeline` reads the configured target: the same JSON from either warehouse."""
    external_ids = [
        ids.split(",")[0]
        for (ids,) in query(
            loaded,
            "select crm_external_ids from marts.dim_customer where crm_external_ids is not null "
            "and conversation_count > 1 order by customer_key limit 3",
        )
    ]
    keys = [
        key for (key,) in query(loaded, "select customer_key from marts.dim_customer order by customer_key limit 25")
    ]
    on_duckdb = dict(os.environ, GENESYS_ELT_DATA_DIR=str(loaded["data_dir"]), GENESYS_ELT_PII_KEY=PII_KEY)
    on_duckdb.pop("GENESYS_ELT_DBT_TARGET", None)
    # No DuckDB file where the PostgreSQL reader would look: what it prints came from PostgreSQL.
    postgres_env = {**postgres_env, "GENESYS_ELT_WAREHOUSE": str(loaded["data_dir"] / "absent.duckdb")}
    for external_id in external_ids:
        printed = [
            subprocess.run(
                [sys.executable, "-m", "genesys_elt", "timeline", "--external-id", external_id],
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
            )
            for env in (on_duckdb, {**postgres_env, "GENESYS_ELT_PII_KEY": PII_KEY})
        ]
        assert all(result.returncode == 0 for result in printed), [result.stderr for result in printed]
        assert json.loads(printed[0].stdout)["timeline"] and printed[0].stdout == printed[1].stdout
    from genesys_elt.readers.timeline import customer_timeline

    duckdb_settings, postgres_settings = warehouse_from_env(on_duckdb), warehouse_from_env(postgres_env)
    for key in keys:
        assert customer_timeline(duckdb_settings, customer_key=key) == customer_timeline(
            postgres_settings, customer_key=key
        ), key


def _report_and_summary_read_the_same_on_both_targets(loaded, postgres_env: dict, tmp_path) -> None:
    """The report and `make run`'s summary read the configured target: the same page and the same
    lines from either warehouse, bar the page's generation time, the warehouse's name and the key
    changes (what each build changed: built day by day, DuckDB merged and split keys that the
    one-go PostgreSQL build never issued; see BUILD_HISTORY)."""
    import contextlib
    import io

    from genesys_elt.readers.report import write_report
    from genesys_elt.readers.summary import print_summary

    postgres_env = {**postgres_env, "GENESYS_ELT_WAREHOUSE": str(loaded["data_dir"] / "absent.duckdb")}
    on_duckdb = {"GENESYS_ELT_DATA_DIR": str(loaded["data_dir"]), "GENESYS_ELT_WAREHOUSE": str(loaded["db"])}
    pages, summaries = [], []
    for name, env in (("duckdb", on_duckdb), ("postgres", postgres_env)):
        settings = warehouse_from_env(env)
        page = write_report(settings, tmp_path / f"report_{name}.html").read_text()
        page = re.sub(r"generated \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC", "generated -", page)
        pages.append(re.sub(r"Keys retired by a merge: [\d,]+; customers split: [\d,]+", "key changes -", page))
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            print_summary(
                {
                    "data_dir": loaded["data_dir"],
                    "warehouse": settings,
                    "report": "report.html",
                    "sandbox": False,
                    "first": DAYS[0],
                    "last": DAYS[-1],
                }
            )
        summary = printed.getvalue().replace(settings.location, "<warehouse>")
        summaries.append(re.sub(rf"^  ({'|'.join(BUILD_HISTORY)}) +[\d,]+$", r"\1 -", summary, flags=re.M))
    assert 'data-kind="funnel"' in pages[0] and 'const rows = [["cust_' in pages[0]
    assert pages[0] == pages[1]
    assert "Funnel of " in summaries[0] and "Timeline of customer cust_" in summaries[0]
    assert "key changes -" in pages[0] and "customer_key_history -" in summaries[0]  # masked, not gone
    assert summaries[0] == summaries[1]


def test_report_renders_its_charts_with_data_in_headless_chromium(loaded, tmp_path):
    from genesys_elt.readers.report import write_report

    report = write_report(warehouse_from_env({"GENESYS_ELT_WAREHOUSE": str(loaded["db"])}), tmp_path / "report.html")
    customer = query(
        loaded, "select customer_key from marts.customer_timeline group by 1 order by count(*) desc limit 1"
    )[0][0]
    dom = headless("--dump-dom", f"{report.as_uri()}?q={customer}").stdout
    charts = re.findall(r'<div class="chart" data-kind="(\w+)">(.*?)</div>\s*(?=<div class="chart"|</div>)', dom, re.S)
    kinds = [kind for kind, _ in charts]
    campaigns = query(loaded, "select count(distinct campaign_id) from marts.fact_predictive_journey")[0][0]
    scorecards = query(loaded, "select count(distinct scorecard_id) from marts.fact_scorecard_performance")[0][0]
    assert kinds.count("funnel") == kinds.count("conversion") == campaigns and kinds.count("scorecard") == scorecards
    assert kinds.count("channels") == 1
    for kind, block in charts:
        assert 'class="main-svg"' in block, f"{kind} chart did not render"
        drawn = re.findall(r'class="js-line"[^>]*\sd="M[\d.]+,[\d.]+L|<g class="point"><path d="M[\d.]+,[\d.]+', block)
        assert drawn, f"{kind} chart rendered without data"
    # The timeline view filters to the searched customer.
    shown = re.search(r'id="shown">(\d+) of (\d+) touchpoints match', dom)
    assert shown and 0 < int(shown.group(1)) < int(shown.group(2))
    rows = re.findall(r"<tr><td>(cust_[0-9a-f]+)</td>", dom)
    assert rows and set(rows) == {customer}
    # The identity section counts the shared phones and emails the limits demoted.
    conflicts = re.search(r'<span id="identity-conflicts">([\d,]+)</span>', dom)
    assert (
        conflicts
        and int(conflicts.group(1).replace(",", ""))
        == query(loaded, "select count(*) from marts.identity_conflicts")[0][0]
        > 0
    )
    # The step-to-step conversion of each funnel step after the first, over its campaign's last week.
    conversions = re.findall(r'<text class="bartext[^"]*"[^>]*>[\d,]+, ([\d.]+)% of the step before</text>', dom)
    assert (
        len(conversions)
        == query(
            loaded,
            "select count(*) from (select distinct campaign_id, step_sequence "
            "from marts.fact_predictive_journey where step_sequence > 1) as steps",
        )[0][0]
    )
    assert all(0 < float(share) <= 100 for share in conversions)
    # Which source each stream's slices came from.
    sources = re.findall(r"<tr><td>(\w+)</td><td>(\w*)</td><td>([\d,]+)</td><td>([\d,]+)</td></tr>", dom)
    assert {(stream, source) for stream, source, _, _ in sources} == set(
        query(loaded, "select distinct stream, coalesce(source, '') from marts.load_audit")
    )
    screenshot = tmp_path / "report.png"
    headless("--window-size=1280,2400", f"--screenshot={screenshot}", report.as_uri())
    assert screenshot.stat().st_size > 50_000  # a blank page is a few kilobytes
