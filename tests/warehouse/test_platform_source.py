"""A real org serves only the Platform API: the Predictive Engagement streams come from action maps
and journey aggregates, the warehouse builds the same funnel marts from them, scorecards, which a
real org cannot give, are skipped with the reason, and the journey events are read session by
session. Every stream extracted day by day, as the DAGs run them, over real HTTP from a sandbox
whose seed-only paths answer 404."""

from __future__ import annotations

from datetime import timedelta

import duckdb
import pytest

from genesys_elt.errors import ConfigError
from genesys_elt.readers.identity_quality import pairwise_score, reachable_groups, warehouse_assignments
from genesys_elt.streams import STREAM_NAMES
from genesys_elt.warehouse import dbt as warehouse
from genesys_sandbox.org import ground_truth
from tests.conftest import SandboxSession, pipeline_environment, start_sandbox, url_of
from tests.daily import extract_day, run_at
from tests.extract.conftest import PII_KEY, make_extractor

pytestmark = pytest.mark.integration
FUNNEL = (
    "nWebActionsQualified",
    "nWebActionsOffered",
    "nWebActionsStarted",
    "nWebActionsEngaged",
    "nWebActionsAccepted",
    "nJourneyOutcomesAchieved",
)


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("platform")
    sandbox = start_sandbox(api_profile="platform", customers=120, days=10, job_latency_seconds=0.05)
    control = SandboxSession(url_of(sandbox))
    config = sandbox.api.org.config
    days = [config.first_day + timedelta(days=n) for n in range(config.days)]
    try:
        with pipeline_environment(data_dir, PII_KEY):
            for day in days:  # each day's run the morning after, as the DAG would
                control.control(now=run_at(day).isoformat())
                extract_day(make_extractor(sandbox, data_dir), day, days[0])  # a new run: it probes the org again
            warehouse.build()
            yield {
                "sandbox": sandbox,
                "data_dir": data_dir,
                "days": days,
                "db": data_dir / "warehouse.duckdb",
                "truth": ground_truth(sandbox.api.org),
            }
    finally:
        sandbox.shutdown()


def query(platform, sql: str) -> list[tuple]:
    with duckdb.connect(str(platform["db"]), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_the_funnels_are_the_truths_action_map_funnels_count_for_count(platform):
    truth = platform["truth"]["actionMaps"]
    loaded = {str(day) for day in platform["days"]}
    expected = {}
    for map_id, action_map in truth.items():
        for day, counts in action_map["funnel"].items():
            if day in loaded:
                version = max(v["version"] for v in action_map["versions"] if v["since"][:10] <= day)
                for sequence, metric in enumerate(FUNNEL, start=1):
                    expected[(map_id, day, metric)] = (
                        sequence,
                        counts[metric],
                        str(version),
                        counts[metric] / counts[FUNNEL[0]],
                    )
    rows = query(
        platform,
        """select campaign_id, cast(journey_date as varchar), step_id, step_sequence, contact_count,
                                     model_version, conversion_rate, pending_backfill, source
                              from marts.fact_predictive_journey""",
    )
    built = {(c, d, s): (seq, n, v, rate) for c, d, s, seq, n, v, rate, _, _ in rows}
    assert built.keys() == expected.keys() and len(built) > 200
    for key, (sequence, count, version, rate) in expected.items():
        assert built[key][:3] == (sequence, count, version), key
        assert built[key][3] == pytest.approx(rate), key
    assert {(pending, source) for *_, pending, source in rows} == {(False, "platform")}
    # The traps: a map edited part-way shows both versions; the archived one stops at its end.
    versions = {}
    for (map_id, _, _), (_, _, version, _) in built.items():
        versions.setdefault(map_id, set()).add(version)
    assert {"1", "2"} in versions.values()


def test_action_maps_are_the_campaigns_with_their_status(platform):
    truth = platform["truth"]["actionMaps"]
    last_run = run_at(platform["days"][-1]).isoformat().replace("+00:00", "Z")
    rows = {
        c: (name, status, source)
        for c, name, status, source in query(
            platform, "select campaign_id, campaign_name, campaign_status, source from marts.dim_predictive_campaign"
        )
    }
    assert set(rows) == set(truth)
    for map_id, action_map in truth.items():  # as the last run saw it
        active = [a["isActive"] for a in action_map["activity"] if a["since"] <= last_run][-1]
        ended = action_map["endedAt"] is not None and action_map["endedAt"] <= last_run
        status = "archived" if ended else "active" if active else "paused"
        assert rows[map_id] == (action_map["name"], status, "platform"), map_id
    assert "archived" in {status for _, status, _ in rows.values()}


def test_scorecards_are_skipped_with_the_reason_and_their_metrics_stay_empty(platform):
    audit = query(
        platform,
        """select stream, status, source, reason from marts.load_audit
                               where stream in ('campaigns', 'campaign_journey', 'scorecards')""",
    )
    assert {(s, st, src) for s, st, src, _ in audit} == {
        ("campaigns", "landed", "platform"),
        ("campaign_journey", "landed", "platform"),
        ("scorecards", "skipped", "platform"),
    }
    reasons = {reason for stream, _, _, reason in audit if stream == "scorecards"}
    assert len(reasons) == 1 and "offers no source for scorecards" in reasons.pop()
    assert query(platform, "select count(*) from marts.fact_scorecard_performance") == [(0,)]
    assert query(platform, "select count(precision) from marts.fact_predictive_journey") == [(0,)]


def test_a_forced_seed_source_on_a_platform_org_names_the_stream_and_the_setting(platform, tmp_path):
    extractor = make_extractor(platform["sandbox"], tmp_path, extra={"sources": {"campaigns": "seed"}})
    with pytest.raises(ConfigError, match=r'campaigns: the org answered 404 .* forces campaigns to "seed"'):
        extractor.run("campaigns", platform["days"][-1])
    assert not list(tmp_path.rglob("_manifest.json"))


def test_the_report_and_the_summary_say_where_the_data_came_from(platform, tmp_path):
    from genesys_elt.readers.report import write_report
    from genesys_elt.readers.summary import stream_sources
    from genesys_elt.settings import warehouse_from_env

    page = write_report(
        warehouse_from_env({"GENESYS_ELT_WAREHOUSE": str(platform["db"])}), tmp_path / "report.html"
    ).read_text()
    assert "No scorecard metrics: the org&#x27;s API offers no source for scorecards" in page
    assert page.count('data-kind="funnel"') == len(platform["truth"]["actionMaps"])
    with duckdb.connect(str(platform["db"]), read_only=True) as con:
        assert stream_sources(con) == {stream: "platform" for stream in STREAM_NAMES}


def test_journey_events_come_session_by_session_and_identity_holds(platform):
    sources = dict(
        query(
            platform,
            """select stream, string_agg(distinct source, ',') from marts.load_audit
                                      where status = 'landed' group by stream""",
        )
    )
    assert sources["journey_events"] == "platform" and sources["journey_sessions"] == "platform"
    events = query(platform, "select count(*), count(distinct session_id) from staging.stg_genesys__journey_events")
    assert events[0][0] > 100 and events[0][1] > 20
    truth = platform["truth"]
    with duckdb.connect(str(platform["db"]), read_only=True) as con:
        assigned = warehouse_assignments(con)
    score = pairwise_score(assigned, truth["owner"], reachable_groups(truth["edges"], set(assigned)))
    print(
        f"\nidentity on the Platform source: {score.records} records, precision {score.precision:.4f}, "
        f"recall {score.recall:.4f}"
    )
    assert score.records > 400 and score.precision == 1.0 and score.recall >= 0.99
    web_touchpoints = query(platform, "select count(*) from marts.customer_timeline where source_type = 'web_event'")
    assert web_touchpoints[0][0] > 100
