"""The generated org: everything the API serves, plus the ground truth it was generated from."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from .action_maps import ActionMap, make_action_maps
from .action_maps import truth as action_map_truth
from .activity import Activity, ActivityGenerator, Conversation
from .directory import Directory, make_directory, plant_directory_changes
from .ephemeral import plant_ephemeral_contacts
from .identities import Contact, Household, Person, SharedLine, make_people, plant_shared_lines
from .predictive import Campaign, Scorecard, make_predictive, scorecard_metrics
from .timefmt import days_between, iso, parse_iso
from .web_actions import plant_web_actions


@dataclass(frozen=True)
class OrgConfig:
    seed: int = 42
    customers: int = 2000
    days: int = 30
    end_date: date | None = None  # default: yesterday in UTC
    activity_scale: float = 1.0  # multiplies web visits and conversations per person-day

    @property
    def last_day(self) -> date:
        return self.end_date or (datetime.now(timezone.utc).date() - timedelta(days=1))

    @property
    def first_day(self) -> date:
        return self.last_day - timedelta(days=self.days - 1)


@dataclass
class Org:
    config: OrgConfig
    people: list[Person]
    households: list[Household]
    contacts: dict[str, Contact]
    activity: Activity
    campaigns: list[Campaign]
    scorecards: list[Scorecard]
    action_maps: list[ActionMap] = field(default_factory=list)
    shared_lines: list[SharedLine] = field(default_factory=list)
    directory: Directory | None = None

    def __post_init__(self) -> None:
        self.campaign_by_id = {c.id: c for c in self.campaigns}
        self.action_map_by_id = {m.id: m for m in self.action_maps}
        self.scorecard_by_id = {s.id: s for s in self.scorecards}
        self.person_by_id = {p.pid: p for p in self.people}
        self.session_by_id = {s["id"]: s for s in self.activity.sessions}
        self.merged_from: dict[str, list[str]] = defaultdict(list)
        for contact in self.contacts.values():
            if contact.merged_into:
                self.merged_from[contact.merged_into].append(contact.id)
        self.sessions_by_contact: dict[str, list[dict]] = defaultdict(list)
        for session in self.activity.sessions:
            if "externalContact" in session:
                self.sessions_by_contact[session["externalContact"]["id"]].append(session)
        self.contact_order = sorted(self.contacts)
        # When each contact was last named by a conversation or a web session (else its creation):
        # Identified contacts expire 60 days after it (render.CONTACT_EXPIRY).
        self.last_interaction = {cid: c.created for cid, c in self.contacts.items()}
        named = [(p.get("externalContactId"), c.start) for c in self.conversations for p in c.body["participants"]] + [
            (cid, parse_iso(s["createdDate"])) for cid, ss in self.sessions_by_contact.items() for s in ss
        ]
        for cid, at in named:
            if cid in self.last_interaction and at > self.last_interaction[cid]:
                self.last_interaction[cid] = at

    @property
    def conversations(self) -> list[Conversation]:
        return self.activity.conversations


def generate(config: OrgConfig) -> Org:
    if config.customers < 1 or config.days < 1:
        raise ValueError("customers and days must be at least 1")
    rng = random.Random(config.seed)
    people, households = make_people(rng, config.customers)
    shared_lines = plant_shared_lines(random.Random(f"{config.seed}-shared-lines"), people, households)
    campaigns, scorecards = make_predictive(rng, config.first_day, config.last_day)
    activity_gen = ActivityGenerator(
        rng,
        people,
        households,
        config.first_day,
        config.last_day,
        config.activity_scale,
        line_rng=random.Random(f"{config.seed}-line-calls"),
        late_rng=random.Random(f"{config.seed}-late-changes"),
    )
    contacts = activity_gen.make_contacts()
    activity = activity_gen.run()
    action_maps = make_action_maps(config.seed, campaigns, config.first_day, config.last_day)
    directory = make_directory(
        config.seed, activity_gen.queues, activity_gen.agents, activity_gen.divisions, config.first_day, config.last_day
    )
    activity.traps.extend(plant_directory_changes(config.seed, activity.conversations, directory))
    activity.traps.extend(plant_ephemeral_contacts(config.seed, activity, contacts))
    activity.journey_actions.update(plant_web_actions(config.seed, activity, action_maps))
    return Org(
        config, people, households, contacts, activity, campaigns, scorecards, action_maps, shared_lines, directory
    )


def ground_truth(org: Org) -> dict:
    """Which person every API id and identifier belongs to, what verified links can reach, the
    planted traps, and the true funnel and scorecard values."""
    owner: dict[str, object] = {}
    for person in org.people:
        for phone in person.phones:
            owner[f"phone:{phone.e164}"] = person.pid
        owner[f"email:{person.email}"] = person.pid
        if person.crm_id:
            owner[f"crm:{person.crm_id}"] = person.pid
    owner.update(org.activity.owner)

    # Connected components over the verified edges: what a perfect deterministic resolver reaches.
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in org.activity.edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, str] = {}
    resolvable: dict[str, str] = {}
    for key in sorted(k for k in owner if not k.startswith("cookie:")):
        root = find(key)
        resolvable[key] = groups.setdefault(root, f"G{len(groups) + 1:06d}")

    traps = list(org.activity.traps)
    # Shared lines are held by different people: not one of their links is allowed, so none is in
    # ``edges``; the trap lists who must stay apart.
    for line in org.shared_lines:
        traps.append({"kind": line.kind, "value": line.value, "persons": line.persons})
    for household in org.households:
        if len(household.members) > 1:
            traps.append({"kind": "nat_household", "ip": household.nat_ip, "persons": household.members})
    shared = {d.cookie: d.shared_by for p in org.people for d in p.devices if d.shared_by}
    for cookie, persons in sorted(shared.items()):
        traps.append({"kind": "shared_computer", "cookie": cookie, "persons": persons})
    for campaign in org.campaigns:
        for since, status in campaign.statuses[1:]:
            traps.append({"kind": f"campaign_{status}", "campaign": campaign.id, "at": iso(since)})
    for handoff in org.activity.handoffs:
        traps.append({"kind": "handoff", **handoff})
    for conv in org.conversations:
        cid = conv.body["conversationId"]
        if conv.late_wrapup:
            traps.append({"kind": "late_wrapup", "conversation": cid})
        if conv.late_change:
            traps.append(
                {
                    "kind": "late_change",
                    "conversation": cid,
                    "change": conv.late_change.kind,
                    "at": iso(conv.late_change.at),
                }
            )
        if conv.end.date() > conv.day:
            traps.append(
                {
                    "kind": "crosses_midnight",
                    "conversation": cid,
                    "start": iso(conv.start),
                    "end": iso(conv.end),
                    "days": (conv.end.date() - conv.day).days + 1,
                }
            )

    days = days_between(org.config.first_day, org.config.last_day)
    counts: dict[str, dict[str, int]] = {
        name: {d.isoformat(): 0 for d in days} for name in ("conversations", "journey_events", "journey_sessions")
    }
    # A details job returns a conversation on every day of its lifetime: "conversations_active".
    counts["conversations_active"] = {d.isoformat(): 0 for d in days}
    for conv in org.conversations:
        _bump(counts["conversations"], conv.body["conversationStart"][:10])
        for day in days_between(conv.day, conv.end.date()):
            _bump(counts["conversations_active"], day.isoformat())
    for event in org.activity.events:
        _bump(counts["journey_events"], event["createdDate"][:10])
    for session in org.activity.sessions:
        _bump(counts["journey_sessions"], session["createdDate"][:10])

    return {
        "config": {
            "seed": org.config.seed,
            "customers": org.config.customers,
            "days": org.config.days,
            "firstDay": org.config.first_day.isoformat(),
            "lastDay": org.config.last_day.isoformat(),
        },
        "owner": owner,
        "resolvable": resolvable,
        "edges": [list(edge) for edge in org.activity.edges],  # the verified links themselves
        "traps": traps,
        "counts": counts,
        "externalContacts": len(org.contacts),
        "handoffs": org.activity.handoffs,
        # the conversations an accepted web messaging offer started: the action, its map and version
        "journeyActions": org.activity.journey_actions,
        "campaigns": {
            c.id: {
                "name": c.name,
                "scorecardId": c.scorecard_id,
                "statuses": [{"since": iso(s), "status": st} for s, st in c.statuses],
                "funnel": {d.isoformat(): steps for d, steps in sorted(c.funnel.items())},
            }
            for c in org.campaigns
        },
        "actionMaps": action_map_truth(org.action_maps),
        "directory": org.directory.truth(),
        "scorecards": {
            s.id: {
                "name": s.name,
                "campaignIds": s.campaign_ids,
                "versions": [{"modelVersion": v.version, "retrainedAt": iso(v.trained_at)} for v in s.versions],
                "metrics": {
                    v.version: {
                        d.isoformat(): scorecard_metrics(org.config.seed, s, v, d, org.campaign_by_id) for d in days
                    }
                    for v in s.versions
                },
            }
            for s in org.scorecards
        },
    }


def _bump(bucket: dict[str, int], day: str) -> None:
    if day in bucket:
        bucket[day] += 1
