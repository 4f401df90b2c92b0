"""Action maps: what the real Platform API shows of Predictive Engagement. Each campaign of the org
has an action map (the same name, active while the campaign is active) whose web actions form a
daily funnel, served by the journey aggregates query grouped by action map and version.

Derived from the campaigns with a random generator of their own, so adding them changed nothing
else the org generates. As the platform does (GENESYS_BEHAVIOUR.md, Journey):

- a map gains a version on every edit: one map, at version 9 when the range starts, is edited
  twice on one day (versions 10 and 11), and the aggregates split that day's counts by version;
- a deleted map leaves the listing and its GET answers 404; its analytics stay, up to the deletion;
- the archived campaign's map is deactivated and ends;
- a day's figures are processed after the fact: they fill in over ``settle`` after the day ends
  (the documentation gives no figure; 24 hours by default);
- outcomes and outcome scoring are deprecated (announced for 2026-05-25): no outcome is achieved
  after that day, and the server can withdraw the outcome metrics, a query naming them then refused."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from .identities import new_id
from .predictive import Campaign
from .timefmt import day_end, day_start, iso

# The funnel's metrics in order, and the rest of what a day's web actions report.
FUNNEL_METRICS = (
    "nWebActionsQualified",
    "nWebActionsOffered",
    "nWebActionsStarted",
    "nWebActionsEngaged",
    "nWebActionsAccepted",
    "nJourneyOutcomesAchieved",
)
OTHER_METRICS = (
    "nWebActionsFrequencyCapReached",
    "nWebActionsIgnored",
    "nWebActionsAbandoned",
    "nWebActionsErrored",
    "nWebActionsRejected",
    "nJourneyOutcomesAttributed",
)
METRICS = FUNNEL_METRICS + OTHER_METRICS
OUTCOME_METRICS = ("nJourneyOutcomesAchieved", "nJourneyOutcomesAttributed")
REVISED_CAMPAIGN = "Broadband Cross-sell"  # its action map is edited twice on one day, part-way
REVISED_FROM = 9  # its version when the range starts: edited eight times before ("9" sorts after "10")
EDIT_HOURS = (10, 15)  # the edits of that day, in hours after midnight UTC
DELETED_AT_HOUR = 14  # the deleted map goes at this hour, three quarters of the way through
DEFAULT_SETTLE = timedelta(hours=24)
# Predictive Engagement outcomes are no longer achieved from this day (community.genesys.com,
# deprecation of journey outcomes and outcome scoring): the outcome metrics count nothing after it.
OUTCOMES_WITHDRAWN = date(2026, 5, 25)


@dataclass
class ActionMap:
    id: str
    campaign: Campaign
    created: datetime
    versions: list[tuple[datetime, int]]  # (since, version), ordered
    weight: int
    funnel: dict[date, dict[str, int]] = field(default_factory=dict)  # the day's final counts, all versions
    deleted_at: datetime | None = None

    def version_at(self, at: datetime) -> int:
        return max((v for since, v in self.versions if since <= at), default=self.versions[0][1])

    def is_active(self, at: datetime) -> bool:
        return self.campaign.status_at(at) == "active"

    def is_listed(self, at: datetime) -> bool:
        return self.created <= at and (self.deleted_at is None or at < self.deleted_at)

    def end_date(self, at: datetime) -> datetime | None:
        """When the map stopped for good: the campaign's archiving, once it has happened."""
        archived = [since for since, status in self.campaign.statuses if status == "archived" and since <= at]
        return archived[0] if archived else None

    def funnel_by_version(self, day: date) -> dict[int, dict[str, int]]:
        """The day's final counts split between the versions live that day, by the share of the day
        each was live (the last takes what rounding leaves, so the versions add up to the day)."""
        counts = self.funnel.get(day)
        if not counts:
            return {}
        start, end = day_start(day), day_end(day)
        spans = [
            (version, max(since, start), min(until, end))
            for (since, version), until in zip(self.versions, [s for s, _ in self.versions[1:]] + [end])
            if since < end and until > start
        ]
        shares = [(version, (to - frm) / (end - start)) for version, frm, to in spans]
        split: dict[int, dict[str, int]] = {}
        for version, share in shares[:-1]:
            split[version] = {m: int(n * share) for m, n in counts.items()}
        last = shares[-1][0]
        split[last] = {m: n - sum(part[m] for part in split.values()) for m, n in counts.items()}
        return split


def make_action_maps(seed: int, campaigns: list[Campaign], first_day: date, last_day: date) -> list[ActionMap]:
    maps = []
    span = (last_day - first_day).days + 1
    for campaign in campaigns:
        rng = random.Random(hashlib.sha256(f"{seed}:action-map:{campaign.id}".encode()).digest())
        versions = [(campaign.created, 1)]
        if campaign.name == REVISED_CAMPAIGN:
            edited = day_start(first_day + timedelta(days=span // 2))
            versions = [(campaign.created, REVISED_FROM)] + [
                (edited + timedelta(hours=hour), REVISED_FROM + n) for n, hour in enumerate(EDIT_HOURS, start=1)
            ]
        action_map = ActionMap(new_id(rng), campaign, campaign.created, versions, rng.randrange(1, 10))
        for day, steps in sorted(campaign.funnel.items()):
            if steps[0]["contactCount"]:
                action_map.funnel[day] = _day_metrics(rng, steps, outcomes=day < OUTCOMES_WITHDRAWN)
        maps.append(action_map)
    _delete_one(maps, first_day + timedelta(days=span * 3 // 4))
    return maps


def _delete_one(maps: list[ActionMap], day: date) -> None:
    """Deletes the first map that is neither edited nor archived, at DELETED_AT_HOUR on ``day``: its
    later days have no activity, and the deletion day's counts stop at the deletion."""
    never_archived = [
        m
        for m in maps
        if m.campaign.name != REVISED_CAMPAIGN and all(status != "archived" for _, status in m.campaign.statuses)
    ]
    if not never_archived:
        return
    doomed = never_archived[0]
    doomed.deleted_at = day_start(day) + timedelta(hours=DELETED_AT_HOUR)
    doomed.funnel = {d: counts for d, counts in doomed.funnel.items() if d <= day}
    if day in doomed.funnel:
        share = DELETED_AT_HOUR / 24
        doomed.funnel[day] = {m: int(n * share) for m, n in doomed.funnel[day].items()}


def _day_metrics(rng: random.Random, steps: list[dict], *, outcomes: bool) -> dict[str, int]:
    """A day's web action counts, consistent with themselves: each funnel step holds at most the
    one before it, and what leaves between two steps is counted by the metric that says why. After
    outcomes were withdrawn, no outcome is achieved (the generator draws the same all the same)."""
    qualified = steps[0]["contactCount"]
    offered = int(qualified * rng.uniform(0.75, 0.95))
    started = int(offered * rng.uniform(0.5, 0.8))
    engaged = int(started * rng.uniform(0.4, 0.7))
    accepted = int(engaged * rng.uniform(0.5, 0.8))
    achieved = min(accepted, steps[-1]["contactCount"])
    errored = int((started - engaged) * rng.uniform(0.0, 0.05))
    attributed = int(achieved * rng.uniform(0.6, 1.0))
    return {
        "nWebActionsQualified": qualified,
        "nWebActionsOffered": offered,
        "nWebActionsStarted": started,
        "nWebActionsEngaged": engaged,
        "nWebActionsAccepted": accepted,
        "nJourneyOutcomesAchieved": achieved if outcomes else 0,
        "nWebActionsFrequencyCapReached": qualified - offered,
        "nWebActionsIgnored": offered - started,
        "nWebActionsAbandoned": started - engaged - errored,
        "nWebActionsErrored": errored,
        "nWebActionsRejected": engaged - accepted,
        "nJourneyOutcomesAttributed": attributed if outcomes else 0,
    }


def action_map_body(action_map: ActionMap, now: datetime) -> dict:
    """An ``ActionMap`` of the official SDK, as the map stood at ``now``."""
    body = {
        "id": action_map.id,
        "version": action_map.version_at(now),
        "isActive": action_map.is_active(now),
        "displayName": action_map.campaign.name,
        "weight": action_map.weight,
        "ignoreFrequencyCap": False,
        "triggerWithSegments": [],
        "createdDate": iso(action_map.created),
        "modifiedDate": iso(
            max([action_map.campaign.modified_at(now)] + [since for since, _ in action_map.versions if since <= now])
        ),
        "startDate": iso(action_map.created),
        "selfUri": f"/api/v2/journey/actionmaps/{action_map.id}",
    }
    ended = action_map.end_date(now)
    if ended:
        body["endDate"] = iso(ended)
    return body


def day_metrics_visible(
    action_map: ActionMap, day: date, now: datetime, settle: timedelta = DEFAULT_SETTLE
) -> dict[int, dict[str, int]]:
    """What the aggregates report for a day at ``now``, by version: nothing for a day that has not
    ended, then counts that fill in (from 40 % of the final ones) until ``settle`` has passed."""
    if day_end(day) > now:
        return {}
    split = action_map.funnel_by_version(day)
    elapsed = now - day_end(day)
    if elapsed >= settle:
        return split
    processed = 0.4 + 0.6 * (elapsed / settle)
    return {version: {m: int(n * processed) for m, n in counts.items()} for version, counts in split.items()}


def truth(action_maps: list[ActionMap]) -> dict:
    return {
        m.id: {
            "name": m.campaign.name,
            "campaignId": m.campaign.id,
            "versions": [{"version": v, "since": iso(since)} for since, v in m.versions],
            "activity": [
                {"since": iso(since), "isActive": status == "active"} for since, status in m.campaign.statuses
            ],
            "endedAt": next((iso(since) for since, status in m.campaign.statuses if status == "archived"), None),
            "deletedAt": iso(m.deleted_at) if m.deleted_at else None,
            "funnel": {d.isoformat(): metrics for d, metrics in sorted(m.funnel.items())},
            # the days whose counts are split between several versions
            "funnelByVersion": {
                d.isoformat(): {str(v): counts for v, counts in split.items()}
                for d in sorted(m.funnel)
                if len(split := m.funnel_by_version(d)) > 1
            },
        }
        for m in action_maps
    }
