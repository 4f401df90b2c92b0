"""``genesys-elt report``: one static HTML file from the warehouse, readable offline. Plotly draws
the charts (its JavaScript is embedded once); the timeline view is a table with a search box. It
reads the configured target, DuckDB or PostgreSQL, with SQL both accept."""

from __future__ import annotations

import html
import json
from datetime import datetime, timezone
from pathlib import Path

import plotly.graph_objects as go

from ..settings import WarehouseSettings
from ..warehouse.reader import open_warehouse
from .divisions import division_visibility

TIMELINE_ROWS = 20000  # the searchable view's cap; the warehouse table holds them all


def _query(con, sql: str) -> list[dict]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def funnel_figures(con) -> list[tuple[str, go.Figure]]:
    """Per campaign: contacts at each step, day by day, so drop-off between steps reads as the gap
    between the lines."""
    rows = _query(
        con,
        """
        select c.campaign_name, c.campaign_status, f.campaign_id, f.journey_date, f.step_sequence, f.step_name,
               f.contact_count
        from marts.fact_predictive_journey f join marts.dim_predictive_campaign c using (campaign_id)
        order by c.campaign_name, f.campaign_id, f.step_sequence, f.journey_date""",
    )
    figures = []
    for campaign_id in dict.fromkeys(r["campaign_id"] for r in rows):
        steps = [r for r in rows if r["campaign_id"] == campaign_id]
        fig = go.Figure()
        for sequence in dict.fromkeys(r["step_sequence"] for r in steps):
            points = [r for r in steps if r["step_sequence"] == sequence]
            fig.add_trace(
                go.Scatter(
                    x=[p["journey_date"] for p in points],
                    y=[p["contact_count"] for p in points],
                    mode="lines+markers",
                    name=f"{sequence}. {points[0]['step_name']}",
                )
            )
        title = f"{steps[0]['campaign_name']} ({steps[0]['campaign_status']})"
        fig.update_layout(title=f"Funnel: {title}", xaxis_title="day", yaxis_title="contacts", height=380)
        figures.append((title, fig))
    return figures


def conversion_figures(con) -> list[tuple[str, go.Figure]]:
    """Per campaign, its last seven days loaded as one funnel: contacts at each step over the week,
    each with its step-to-step conversion as the funnel_step_conversion metric counts it."""
    rows = _query(
        con,
        """
        with days as (
            select f.*, max(f.journey_date) over (partition by f.campaign_id) as last_day
            from marts.fact_funnel_step_conversion f
        )
        select c.campaign_name, days.campaign_id, days.step_sequence, min(days.step_name) as step_name,
               sum(days.contact_count) as contacts, sum(days.previous_step_contact_count) as previous_contacts,
               min(days.journey_date) as first_day, max(days.journey_date) as last_day
        from days join marts.dim_predictive_campaign c using (campaign_id)
        where days.journey_date > days.last_day - interval '7 days'
        group by c.campaign_name, days.campaign_id, days.step_sequence
        order by c.campaign_name, days.campaign_id, days.step_sequence""",
    )
    figures = []
    for campaign_id in dict.fromkeys(r["campaign_id"] for r in rows):
        steps = [r for r in rows if r["campaign_id"] == campaign_id]
        conversions = [r["contacts"] / r["previous_contacts"] if r["previous_contacts"] else None for r in steps]
        fig = go.Figure(
            go.Funnel(
                y=[f"{r['step_sequence']}. {r['step_name']}" for r in steps],
                x=[r["contacts"] for r in steps],
                text=[
                    f"{r['contacts']:,} contacts"
                    if n == 0 or c is None
                    else f"{r['contacts']:,}, {c:.1%} of the step before"
                    for n, (r, c) in enumerate(zip(steps, conversions))
                ],
                textinfo="text",
                textposition="auto",
            )
        )
        days = f"{min(r['first_day'] for r in steps)} .. {max(r['last_day'] for r in steps)}"
        title = f"{steps[0]['campaign_name']}, {days}"
        fig.update_layout(title=f"Step-to-step conversion: {title}", height=360)
        figures.append((title, fig))
    return figures


def source_table(con) -> str:
    """Which source (seed contract or Platform API) each stream's slices came from, as an HTML table."""
    rows = con.execute("""
        select stream, coalesce(source, ''),
               sum(case when status = 'landed' then 1 else 0 end), sum(case when status = 'skipped' then 1 else 0 end)
        from marts.load_audit group by 1, 2 order by 1, 2""").fetchall()
    cells = "".join(
        f"<tr><td>{html.escape(stream)}</td><td>{html.escape(source)}</td><td>{landed:,}</td><td>{skipped:,}</td></tr>"
        for stream, source, landed, skipped in rows
    )
    return (
        '<table id="sources"><thead><tr><th>stream</th><th>source</th><th>slices landed</th>'
        f"<th>slices skipped</th></tr></thead><tbody>{cells}</tbody></table>"
    )


def division_note(con) -> str:
    """The divisions the client can see, and a warning when conversations name others."""
    divisions = division_visibility(con)
    names = ", ".join(html.escape(name) for _, name in divisions.listed) or "none listed"
    warning = divisions.warning()
    return f'<p id="divisions">Divisions the client can see: {names}.</p>' + (
        f'<p class="warning" id="division-warning">Warning: {html.escape(warning)}.</p>' if warning else ""
    )


def scorecard_figures(con) -> list[tuple[str, go.Figure]]:
    """Per scorecard: precision, recall and F1 by day; a dashed line at each retraining, labelled
    with the model version it introduced; pending days drawn hollow."""
    rows = _query(
        con,
        """
        select scorecard_id, scorecard_name, metric_date, model_version, retraining_timestamp,
               precision, recall, f1_score, pending_backfill
        from marts.fact_scorecard_performance order by scorecard_name, scorecard_id, metric_date""",
    )
    figures = []
    for scorecard_id in dict.fromkeys(r["scorecard_id"] for r in rows):
        points = [r for r in rows if r["scorecard_id"] == scorecard_id]
        fig = go.Figure()
        for metric in ("precision", "recall", "f1_score"):
            fig.add_trace(
                go.Scatter(
                    x=[str(p["metric_date"]) for p in points],
                    y=[p[metric] for p in points],
                    mode="lines+markers",
                    name=metric,
                    text=[f"model {p['model_version']}" for p in points],
                    marker={"symbol": ["circle-open" if p["pending_backfill"] else "circle" for p in points]},
                )
            )
        # Mark the retrainings inside the plotted days (history before the range is not drawn).
        first_day = str(points[0]["metric_date"])
        retrainings = {p["model_version"]: p["retraining_timestamp"] for p in points if p["retraining_timestamp"]}
        for version, retrained in sorted(retrainings.items(), key=lambda item: item[1]):
            if str(retrained.date()) >= first_day:
                at = retrained.strftime("%Y-%m-%d %H:%M")
                fig.add_shape(
                    type="line", x0=at, x1=at, y0=0, y1=1, yref="paper", line={"dash": "dash", "color": "grey"}
                )
                fig.add_annotation(x=at, y=1.02, yref="paper", text=f"model {version}", showarrow=False)
        name = points[0]["scorecard_name"]
        fig.update_layout(
            title=f"Scorecard: {name}", xaxis_title="day", yaxis_title="metric", yaxis_range=[0, 1], height=380
        )
        figures.append((name, fig))
    return figures


def channel_mix_figure(con) -> go.Figure:
    rows = _query(
        con,
        """
        select cast(started_at as date) as day, channel, count(*) as conversations
        from marts.fact_conversation group by 1, 2 order by 1, 2""",
    )
    fig = go.Figure()
    for channel in sorted({r["channel"] for r in rows}):
        points = [r for r in rows if r["channel"] == channel]
        fig.add_trace(go.Bar(x=[p["day"] for p in points], y=[p["conversations"] for p in points], name=channel))
    fig.update_layout(
        title="Conversations by channel", barmode="stack", xaxis_title="day", yaxis_title="conversations", height=420
    )
    return fig


def timeline_rows(con) -> list[list]:
    rows = con.execute(f"""
        select customer_key, occurred_at, channel, event_type,
               coalesce(conversation_id, session_id, source_id), coalesce(queue_id, ''), coalesce(agent_id, ''),
               coalesce(wrap_up_code, ''), coalesce(handoff_type, '')
        from marts.customer_timeline order by customer_key, timeline_position limit {TIMELINE_ROWS}""").fetchall()
    return [
        [key, f"{occurred:%Y-%m-%d %H:%M:%S}", *(str(v) if v is not None else "" for v in rest)]
        for key, occurred, *rest in rows
    ]


def withdrawn_metrics_note(con) -> str:
    """The journey metrics the org refused by name in the latest funnel slices (journey outcomes are
    deprecated): their steps are missing from the funnels, on purpose."""
    found = con.execute("""
        select withdrawn_metrics from marts.load_audit
        where stream = 'campaign_journey' and withdrawn_metrics is not null
        order by slice_date desc, extracted_at desc limit 1""").fetchone()
    if not found:
        return ""
    names = ", ".join(html.escape(name) for name in found[0].split(","))
    return (
        f'<p class="note" id="withdrawn-metrics">The org no longer offers {names}: '
        "the funnels show the steps it still serves.</p>"
    )


def scorecard_skip_note(con) -> str:
    """Why there are no scorecard charts, when the extractor recorded why (a real org's API has
    no model performance metrics)."""
    found = con.execute("""
        select reason from marts.load_audit where stream = 'scorecards' and status = 'skipped'
        order by slice_date desc limit 1""").fetchone()
    return f'<p class="note">No scorecard metrics: {html.escape(found[0])}.</p>' if found else ""


def identity_summary(con) -> str:
    """Customers, the identifiers the limits demoted (by reason) and the keys retired or split: a
    data steward's starting point, as an HTML paragraph."""
    customers = con.execute("select count(*) from marts.dim_customer").fetchone()[0]
    demoted = con.execute(
        "select demoted_because, count(*) from marts.identity_conflicts group by 1 order by 1"
    ).fetchall()
    changes = dict(con.execute("select change, count(*) from marts.customer_key_history group by 1").fetchall())
    reasons = ", ".join(f"{count:,} {reason.replace('_', ' ')}" for reason, count in demoted) or "none"
    return (
        f'<p id="identity-summary">{customers:,} customers. '
        f'<span id="identity-conflicts">{sum(c for _, c in demoted):,}</span> shared phones or emails '
        f"join no one ({html.escape(reasons)}): see <code>marts.identity_conflicts</code>. "
        f"Keys retired by a merge: {changes.get('merge', 0):,}; customers split: {changes.get('split', 0):,} "
        f"(<code>marts.customer_key_history</code>).</p>"
    )


def write_report(warehouse: WarehouseSettings, out: Path) -> Path:
    with open_warehouse(warehouse) as con:
        funnels, conversions, scorecards = funnel_figures(con), conversion_figures(con), scorecard_figures(con)
        channels, timeline = channel_mix_figure(con), timeline_rows(con)
        scorecard_note = "" if scorecards else scorecard_skip_note(con)
        funnel_note = withdrawn_metrics_note(con)
        identity, sources = identity_summary(con), source_table(con) + division_note(con)
        loaded = con.execute("select min(slice_date), max(slice_date) from marts.load_audit").fetchone()
    charts = (
        [("funnel", fig) for _, fig in funnels]
        + [("conversion", fig) for _, fig in conversions]
        + [("scorecard", fig) for _, fig in scorecards]
        + [("channels", channels)]
    )
    blocks = []
    for number, (kind, fig) in enumerate(charts):
        # Numbered, not random, div ids: the same warehouse writes the same page.
        blocks.append(
            f'<div class="chart" data-kind="{kind}">'
            + fig.to_html(
                full_html=False,
                include_plotlyjs="inline" if number == 0 else False,
                default_width="100%",
                config={"responsive": True},
                div_id=f"chart-{number}",
            )
            + "</div>"
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        _PAGE.format(
            generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            loaded=html.escape(f"{loaded[0]} .. {loaded[1]}"),
            funnels=funnel_note + "\n".join(b for b, (kind, _) in zip(blocks, charts) if kind == "funnel"),
            conversions="\n".join(b for b, (kind, _) in zip(blocks, charts) if kind == "conversion"),
            scorecards="\n".join(b for b, (kind, _) in zip(blocks, charts) if kind == "scorecard") or scorecard_note,
            channels="\n".join(b for b, (kind, _) in zip(blocks, charts) if kind == "channels"),
            identity=identity,
            sources=sources,
            rows=json.dumps(timeline).replace("</", "<\\/"),
            cap=TIMELINE_ROWS,
        ),
        encoding="utf-8",
    )
    return out


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Genesys journeys: warehouse report</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem; color: #222; }}
h2 {{ margin-top: 2.5rem; border-bottom: 1px solid #ddd; }}
.grid {{ max-width: 1100px; }}
table {{ border-collapse: collapse; font-size: 0.85rem; width: 100%; }}
th, td {{ text-align: left; padding: 0.2rem 0.5rem; border-bottom: 1px solid #eee; }}
#search {{ padding: 0.4rem; width: 28rem; margin: 0.5rem 0; }}
</style></head>
<body>
<h1>Genesys journeys</h1>
<p>Slices {loaded}; generated {generated}.</p>
<h2>Campaign funnels</h2><div class="grid" id="funnels">{funnels}</div>
<h2>Step-to-step conversion, last seven days</h2><div class="grid" id="conversions">{conversions}</div>
<h2>Scorecard models</h2><div class="grid" id="scorecards">{scorecards}</div>
<h2>Channel mix</h2><div id="channels">{channels}</div>
<h2>Identity</h2>{identity}
<h2>Sources</h2>{sources}
<h2>Customer timeline</h2>
<input id="search" type="search" placeholder="customer key, conversation or session id, channel">
<p id="shown"></p>
<table id="timeline"><thead><tr><th>customer</th><th>when (UTC)</th><th>channel</th><th>event</th>
<th>conversation / session</th><th>queue</th><th>agent</th><th>wrap-up</th><th>handoff</th></tr></thead>
<tbody></tbody></table>
<script>
const rows = {rows};
const body = document.querySelector("#timeline tbody");
function show(term) {{
  const t = term.trim().toLowerCase();
  const hits = t ? rows.filter(r => r.some(v => v.toLowerCase().includes(t))) : rows;
  body.replaceChildren(...hits.slice(0, 200).map(r => {{
    const tr = document.createElement("tr");
    r.forEach(v => {{ const td = document.createElement("td"); td.textContent = v; tr.appendChild(td); }});
    return tr;
  }}));
  document.querySelector("#shown").textContent =
    `${{hits.length}} of ${{rows.length}} touchpoints match; showing ${{Math.min(hits.length, 200)}} (view capped at {cap}).`;
}}
document.querySelector("#search").addEventListener("input", e => show(e.target.value));
show(new URLSearchParams(location.search).get("q") || "");
</script>
</body></html>
"""
