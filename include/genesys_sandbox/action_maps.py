"""Action maps: what the real Platform API shows of Predictive Engagement. Each campaign of the org
has an action map (the same name, active while the campaign is active) whose web actions form a
daily funnel, served by the journey aggregates query grouped by action map and version.

Derived from the campaigns with a random generator of their own, so adding them changed nothing
else the org generates. One action map gets a second version part-way (at the start of a day: a
day has one version); the archived campaign's map is deactivated and ends."""

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
REVISED_CAMPAIGN = "Broadband Cross-sell"  # its action map is edited part-way: version 2


@dataclass
class ActionMap:
    id: str
    campaign: Campaign
    created: datetime
    versions: list[tuple[datetime, int]]  # (since, version), ordered
    weight: int
    funnel: dict[date, dict[str, int]] = field(default_factory=dict)

    def version_at(self, at: datetime) -> int:
        return max((v for since, v in self.versions if since <= at), default=self.versions[0][1])

    def is_active(self, at: datetime) -> bool:
        return self.campaign.status_at(at) == "active"

    def end_date(self, at: datetime) -> datetime | None:
        """When the map stopped for good: the campaign's archiving, once it has happened."""
        archived = [since for since, status in self.campaign.statuses if status == "archived" and since <= at]
        return archived[0] if archived else None


def make_action_maps(seed: int, campaigns: list[Campaign], first_day: date, last_day: date) -> list[ActionMap]:
    maps = []
    span = (last_day - first_day).days + 1
    for campaign in campaigns:
        rng = random.Random(hashlib.sha256(f"{seed}:action-map:{campaign.id}".encode()).digest())
        versions = [(campaign.created, 1)]
        if campaign.name == REVISED_CAMPAIGN:
            versions.append((day_start(first_day + timedelta(days=span // 2)), 2))
        action_map = ActionMap(new_id(rng), campaign, campaign.created, versions, rng.randrange(1, 10))
        for day, steps in sorted(campaign.funnel.items()):
            if steps[0]["contactCount"]:
                action_map.funnel[day] = _day_metrics(rng, steps)
        maps.append(action_map)
    return maps


def _day_metrics(rng: random.Random, steps: list[dict]) -> dict[str, int]:
    """A day's web action counts, consistent with themselves: each funnel step holds at most the
    one before it, and what leaves between two steps is counted by the metric that says why."""
    qualified = steps[0]["contactCount"]
    offered = int(qualified * rng.uniform(0.75, 0.95))
    started = int(offered * rng.uniform(0.5, 0.8))
    engaged = int(started * rng.uniform(0.4, 0.7))
    accepted = int(engaged * rng.uniform(0.5, 0.8))
    achieved = min(accepted, steps[-1]["contactCount"])
    errored = int((started - engaged) * rng.uniform(0.0, 0.05))
    return {
        "nWebActionsQualified": qualified,
        "nWebActionsOffered": offered,
        "nWebActionsStarted": started,
        "nWebActionsEngaged": engaged,
        "nWebActionsAccepted": accepted,
        "nJourneyOutcomesAchieved": achieved,
        "nWebActionsFrequencyCapReached": qualified - offered,
        "nWebActionsIgnored": offered - started,
        "nWebActionsAbandoned": started - engaged - errored,
        "nWebActionsErrored": errored,
        "nWebActionsRejected": engaged - accepted,
        "nJourneyOutcomesAttributed": int(achieved * rng.uniform(0.6, 1.0)),
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


def day_metrics_visible(action_map: ActionMap, day: date, now: datetime) -> dict[str, int] | None:
    """What the aggregates report for a day at ``now``: nothing for a day that has not ended."""
    if day_end(day) > now:
        return None
    return action_map.funnel.get(day)


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
            "funnel": {d.isoformat(): metrics for d, metrics in sorted(m.funnel.items())},
        }
        for m in action_maps
    }
