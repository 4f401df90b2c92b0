"""What ``make run`` prints at the end: rows per mart, one campaign's funnel, one customer's
timeline, identity resolution against the sandbox's truth, and where the report is. It only
reads, from the configured target (DuckDB or PostgreSQL); the report is written before it by
whoever ran the pipeline."""

from __future__ import annotations

import json
from pathlib import Path

from ..settings import WarehouseSettings
from ..warehouse.dbt import MART_TABLES
from ..warehouse.reader import open_warehouse
from .divisions import division_visibility
from .identity_quality import score_against_truth


def mart_counts(con) -> dict[str, int]:
    return {table: con.execute(f"select count(*) from marts.{table}").fetchone()[0] for table in MART_TABLES}


def stream_sources(con) -> dict[str, str]:
    """Where each stream came from in the loaded range (seed contract or Platform API)."""
    return dict(
        con.execute("""
        select stream, string_agg(distinct coalesce(source, 'unrecorded'), ' and ' order by coalesce(source, 'unrecorded'))
        from marts.load_audit group by stream order by stream""").fetchall()
    )


def busiest_campaign_funnel(con) -> tuple[str, list[tuple]]:
    """The steps of the campaign-day with the most contacts entering the funnel."""
    found = con.execute("""
        select f.campaign_id, c.campaign_name, f.journey_date
        from marts.fact_predictive_journey f join marts.dim_predictive_campaign c using (campaign_id)
        where f.step_sequence = 1 order by f.contact_count desc, f.journey_date desc, f.campaign_id limit 1""").fetchone()
    if found is None:
        return "", []
    campaign_id, name, day = found
    steps = con.execute(
        """
        select step_sequence, step_name, contact_count, conversion_rate, model_version, pending_backfill
        from marts.fact_predictive_journey where campaign_id = ? and journey_date = ? order by step_sequence""",
        [campaign_id, day],
    ).fetchall()
    return f"{name} ({campaign_id}) on {day}", steps


def busiest_customer_timeline(con, limit: int = 12) -> tuple[str, int, list[tuple]]:
    """The customer who touched the most channels, and the start of their timeline."""
    found = con.execute("""
        select customer_key, count(*) from marts.customer_timeline group by customer_key
        order by count(distinct channel) desc, count(*) desc, customer_key limit 1""").fetchone()
    if found is None:
        return "", 0, []
    key, total = found
    rows = con.execute(
        """
        select occurred_at, channel, event_type, coalesce(conversation_id, session_id), handoff_type
        from marts.customer_timeline where customer_key = ? order by timeline_position limit ?""",
        [key, limit],
    ).fetchall()
    return key, total, rows


def print_summary(outcome: dict) -> None:
    """``outcome``: data_dir, warehouse (its settings), report, first, last, sandbox (what
    ``local.run`` returns)."""
    data_dir: Path = outcome["data_dir"]
    warehouse: WarehouseSettings = outcome["warehouse"]
    with open_warehouse(warehouse) as con:
        print(f"\nWarehouse {warehouse.location} ({outcome['first']} .. {outcome['last']})")
        for table, rows in mart_counts(con).items():
            print(f"  {table:<36}{rows:>10,}")
        print("\nSources: " + ", ".join(f"{stream} {source}" for stream, source in stream_sources(con).items()))
        divisions = division_visibility(con)
        print("Divisions the client can see: " + (", ".join(name for _, name in divisions.listed) or "none listed"))
        if divisions.warning():
            print(f"WARNING: {divisions.warning()}")
        title, steps = busiest_campaign_funnel(con)
        print(f"\nFunnel of {title}")
        for sequence, name, contacts, rate, version, pending in steps:
            print(
                f"  {sequence}. {name:<28}{contacts:>8,} contacts  conversion {rate:.3f}  model {version}"
                + ("  (scorecard pending backfill)" if pending else "")
            )
        key, total, rows = busiest_customer_timeline(con)
        print(f"\nTimeline of customer {key} (first {len(rows)} of {total} touchpoints)")
        for occurred, channel, event_type, source, handoff in rows:
            print(
                f"  {occurred:%Y-%m-%d %H:%M:%S}  {channel:<14}{event_type:<16}{source or ''}"
                + (f"  <- {handoff}" if handoff else "")
            )
        truth_path = data_dir / "sandbox-truth.json"
        if outcome.get("sandbox") and truth_path.exists():
            truth = json.loads(truth_path.read_text())
            landed, everything = score_against_truth(con, truth)
            print(
                f"\nIdentity resolution against the sandbox truth ({landed.records:,} records): "
                f"pairwise precision {landed.precision:.4f}, recall {landed.recall:.4f} "
                f"(recall {everything.recall:.4f} counting links through records outside the loaded range)"
            )
    print(f"\nReport: {outcome['report']}")
