"""Predictive Engagement: campaigns with daily step funnels, and scorecards (scoring models)
whose metrics settle over 48 hours and are recomputed when a model is retrained."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from .identities import new_id
from .timefmt import day_end, day_start, iso

STEP_LIBRARY = [
    ("initial_score", "Lead Scored", None),
    ("offer_shown", "Offer Shown", "dismissed"),
    ("engaged", "Engaged", "timeout"),
    ("outbound_call", "Outbound Attempt", "no_answer"),
    ("connected", "Agent Connected", "disconnected"),
    ("converted", "Sale Closed", None),
]
SETTLE = timedelta(hours=48)
BUCKETS = ["0.0-0.2", "0.2-0.4", "0.4-0.6", "0.6-0.8", "0.8-1.0"]


@dataclass
class Campaign:
    id: str
    name: str
    scorecard_id: str
    created: datetime
    steps: list[tuple[str, str, str | None]]
    base_volume: int
    statuses: list[tuple[datetime, str]]  # (since, status), ordered
    funnel: dict[date, list[dict]] = field(default_factory=dict)

    def status_at(self, at: datetime) -> str | None:
        current = None
        for since, status in self.statuses:
            if since <= at:
                current = status
        return current

    def modified_at(self, at: datetime) -> datetime:
        return max(since for since, _ in self.statuses if since <= at)


@dataclass
class ModelVersion:
    version: str
    trained_at: datetime
    quality: float  # share of actual converters the model ranks as likely


@dataclass
class Scorecard:
    id: str
    name: str
    created: datetime
    versions: list[ModelVersion]
    campaign_ids: list[str] = field(default_factory=list)

    def version_at(self, at: datetime) -> ModelVersion | None:
        live = [v for v in self.versions if v.trained_at <= at]
        return live[-1] if live else None


def make_predictive(rng: random.Random, first_day: date, last_day: date) -> tuple[list[Campaign], list[Scorecard]]:
    span = (last_day - first_day).days + 1
    start = day_start(first_day)

    def at_fraction(fraction: float, hour: int) -> datetime:
        return start + timedelta(days=int(span * fraction), hours=hour)

    scorecards = []
    for i, (name, retrains) in enumerate(
        [("Lead Propensity", [0.4]), ("Churn Save", [0.3, 0.75]), ("Upsell Intent", [])]
    ):
        created = start - timedelta(days=120 + 10 * i)
        versions = [ModelVersion("v1", created, rng.uniform(0.62, 0.72))]
        for n, fraction in enumerate(retrains, start=2):
            versions.append(ModelVersion(f"v{n}", at_fraction(fraction, 3), rng.uniform(0.7, 0.88)))
        scorecards.append(Scorecard(new_id(rng), f"{name} Model", created, versions))

    plans = [
        ("Spring Upgrade", 0, [("active", None)]),
        ("Win-back Outbound", 0, [("active", None)]),
        ("Retention Save Desk", 1, [("active", None), ("paused", 0.25), ("active", 0.45)]),
        ("Broadband Cross-sell", 1, [("active", None)]),
        ("Holiday Offer", 2, [("active", None), ("archived", 0.6)]),
        ("New Plan Launch", 2, [("active", 0.35)]),
    ]
    campaigns = []
    for name, sc_index, history in plans:
        created = (
            start - timedelta(days=rng.randrange(20, 90)) if history[0][1] is None else at_fraction(history[0][1], 9)
        )
        statuses = [
            (created if fraction is None else at_fraction(fraction, 13), status) for status, fraction in history
        ]
        steps = (
            [STEP_LIBRARY[0]]
            + sorted(rng.sample(STEP_LIBRARY[1:-1], rng.randrange(2, 5)), key=STEP_LIBRARY.index)
            + [STEP_LIBRARY[-1]]
        )
        campaign = Campaign(
            new_id(rng), name, scorecards[sc_index].id, created, steps, rng.randrange(300, 3000), statuses
        )
        scorecards[sc_index].campaign_ids.append(campaign.id)
        campaigns.append(campaign)

    day = first_day
    while day <= last_day:
        for campaign in campaigns:
            funnel = _day_funnel(rng, campaign, day)
            if funnel is not None:
                campaign.funnel[day] = funnel
        day += timedelta(days=1)
    return campaigns, scorecards


def _day_funnel(rng: random.Random, campaign: Campaign, day: date) -> list[dict] | None:
    """Step rows for one campaign-day, or None when the campaign did not exist or was archived."""
    opened, closed = day_start(day), day_end(day)
    if campaign.created >= closed:
        return None
    status_start = campaign.status_at(opened) or "active"
    status_end = campaign.status_at(closed - timedelta(microseconds=1))
    if status_start == "archived":
        return None
    share = 1.0
    if status_start == "paused" and status_end == "paused":
        share = 0.0
    elif status_start != status_end or campaign.created > opened:
        share = 0.5  # a status change or launch during the day
    weekday = 0.6 if day.weekday() >= 5 else 1.0
    count = int(campaign.base_volume * weekday * share * rng.uniform(0.8, 1.2))
    rows, first = [], count
    score = rng.uniform(0.55, 0.7)
    for index, (step_id, step_name, exit_reason) in enumerate(campaign.steps):
        if index:
            count = int(count * rng.uniform(0.45, 0.9))
            score = min(0.99, score + rng.uniform(0.03, 0.08))
        rows.append(
            {
                "stepId": step_id,
                "stepName": step_name,
                "contactCount": count,
                "conversionRate": round(count / first, 4) if first else 0.0,
                "averageScore": round(score, 2) if count else None,
                "exitReason": exit_reason,
            }
        )
    return rows


def scorecard_metrics(
    seed: int,
    scorecard: Scorecard,
    version: ModelVersion,
    day: date,
    campaigns: dict[str, Campaign],
    settled: float = 1.0,
) -> dict:
    """Performance of one model version on one day. ``settled`` in [0, 1] is the share of the 48 h
    outcome backfill that has arrived; late outcomes lower the observed conversions."""
    total = converted = 0
    for cid in scorecard.campaign_ids:
        steps = campaigns[cid].funnel.get(day)
        if steps:
            total += steps[0]["contactCount"]
            converted += steps[-1]["contactCount"]
    digest = hashlib.sha256(f"{seed}:{scorecard.id}:{version.version}:{day}".encode()).digest()
    vrng = random.Random(digest)
    quality = min(0.97, max(0.3, version.quality + vrng.uniform(-0.05, 0.05)))
    predicted = int(round(converted * vrng.uniform(0.95, 1.3)))
    true_pos = min(predicted, int(round(converted * quality)))
    arrived = 0.55 + 0.45 * max(0.0, min(1.0, settled))
    observed_conv = int(round(converted * arrived))
    observed_tp = min(observed_conv, int(round(true_pos * arrived)))
    precision = observed_tp / predicted if predicted else None
    recall = observed_tp / observed_conv if observed_conv else None
    f1 = (2 * precision * recall / (precision + recall)) if precision and recall else None
    weights = [vrng.uniform(0.5, 1.5) * (1 + i * (quality - 0.5)) for i in range(len(BUCKETS))]
    remaining, distribution = total, {}
    for i, bucket in enumerate(BUCKETS):
        n = remaining if i == len(BUCKETS) - 1 else int(total * weights[i] / sum(weights))
        distribution[bucket] = n
        remaining -= n
    return {
        "performanceMetrics": {
            "precision": _r(precision),
            "recall": _r(recall),
            "f1Score": _r(f1),
            "auc": round(0.75 + 0.2 * quality + vrng.uniform(-0.02, 0.02), 4) if total else None,
            "actualConversionRate": _r(observed_conv / total if total else None),
            "predictedConversionRate": _r(predicted / total if total else None),
        },
        "scoreDistribution": distribution,
        "scoredContacts": total,
    }


def settled_share(day: date, now: datetime) -> float:
    return max(0.0, min(1.0, (now - day_end(day)) / SETTLE))


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def campaign_body(campaign: Campaign, now: datetime) -> dict:
    return {
        "id": campaign.id,
        "name": campaign.name,
        "status": campaign.status_at(now),
        "scorecardId": campaign.scorecard_id,
        "createdDate": iso(campaign.created),
        "modifiedDate": iso(campaign.modified_at(now)),
        "selfUri": f"/api/v2/predictive-engagement/campaigns/{campaign.id}",
    }


def scorecard_body(scorecard: Scorecard, now: datetime) -> dict:
    version = scorecard.version_at(now)
    return {
        "id": scorecard.id,
        "name": scorecard.name,
        "modelVersion": version.version,
        "retrainedAt": iso(version.trained_at),
        "createdDate": iso(scorecard.created),
        "campaignIds": list(scorecard.campaign_ids),
        "selfUri": f"/api/v2/predictive-engagement/scorecards/{scorecard.id}",
    }
