"""The org's directory: routing queues, users (the agents who handle conversations), wrap-up codes
and divisions, as the Platform API lists them at a moment. Two things a real directory does that a
warehouse must survive: a queue renamed partway through the history (its conversations keep its
id), and an agent who left (deleted: listed only when ``state=any`` is asked for, while the
conversations they handled still name them).

What the platform does that the listings never show (GENESYS_BEHAVIOUR.md, Directory):
- System wrap-up codes. Outbound dialing writes its own codes (help.mypurecloud.com, "Wrap-up
  codes assigned by outbound dialing"; "About wrap-up rules") and a wrap-up that times out is
  coded ININ-WRAP-UP-TIMEOUT. Analytics carries them; GET /api/v2/routing/wrapupcodes never lists them.
- Deletions. A queue and a wrap-up code are deleted part-way through the range: from then on they
  are missing from their listings (there is no include-deleted parameter), while the conversations
  before still name them.
- Divisions. A client credentials grant sees only its role's divisions: conversations, queues and
  users of the others are left out without an error. The "General Enquiries" queue belongs to the
  second division, so a conversation routed through it names that division too.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timezone

from .identities import FIRST_NAMES, LAST_NAMES
from .timefmt import iso

QUEUE_NAMES = ["Billing", "Sales", "Technical Support", "Retention", "Orders", "General Enquiries"]
RENAMED_QUEUE = ("Technical Support", "Product Support")
DIVISION_NAMES = ["Home", "Retail"]
# The wrap-up codes agents pick; analytics names a code by its id, the directory gives its name.
WRAP_UP_CODE_NAMES = [
    "Issue resolved",
    "Billing question",
    "Sale closed",
    "Callback scheduled",
    "Escalated",
    "Password reset",
    "No answer",
    "Order status",
    "Cancellation",
    "General enquiry",
]
CREATED = datetime(2024, 3, 1, 9, 0, tzinfo=timezone.utc)
TIMEOUT_WRAP_UP_CODE = "ININ-WRAP-UP-TIMEOUT"
OUTBOUND_WRAP_UP_CODES = [
    "ININ-OUTBOUND-PREVIEW-SKIPPED",
    "ININ-OUTBOUND-DNC-SKIPPED",
    "ININ-OUTBOUND-CAMPAIGN-FORCED-OFF",
    "ININ-OUTBOUND-STUCK-INTERACTION",
]
SYSTEM_WRAP_UP_SHARE = {"outbound": 0.2, "inbound": 0.02}
DELETED_QUEUE, DELETED_WRAP_UP_CODE = "Orders", "Cancellation"
SECOND_DIVISION_QUEUE = "General Enquiries"


def wrap_up_code_id(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"genesys-sandbox:wrapupcode:{name}"))


WRAP_UP_CODE_IDS = [wrap_up_code_id(name) for name in WRAP_UP_CODE_NAMES]


@dataclass
class Queue:
    id: str
    names: list[tuple[datetime, str]]  # (since, name), oldest first
    division_id: str
    deleted_at: datetime | None = None

    def listed_at(self, now: datetime) -> bool:
        return self.deleted_at is None or now < self.deleted_at

    def name_at(self, now: datetime) -> str:
        return [name for since, name in self.names if since <= now][-1]


@dataclass
class Agent:
    id: str
    name: str
    email: str
    phone: str  # E.164
    division_id: str
    deleted_at: datetime | None = None

    def state_at(self, now: datetime) -> str:
        return "deleted" if self.deleted_at and now >= self.deleted_at else "active"


@dataclass
class Directory:
    queues: list[Queue]
    agents: list[Agent]
    divisions: list[tuple[str, str]]  # (id, name); the first is the home division
    renamed_at: datetime
    agent_left_at: datetime
    deleted_at: datetime  # when DELETED_QUEUE and DELETED_WRAP_UP_CODE were deleted

    def wrap_up_codes_at(self, now: datetime) -> list[tuple[str, str]]:
        """(id, name) of the codes the listing shows at ``now``."""
        return [
            (code_id, name)
            for code_id, name in zip(WRAP_UP_CODE_IDS, WRAP_UP_CODE_NAMES)
            if name != DELETED_WRAP_UP_CODE or now < self.deleted_at
        ]

    def division_named(self, name: str) -> str:
        return next(division_id for division_id, n in self.divisions if n == name)

    def truth(self) -> dict:
        return {
            "queues": {q.id: [{"since": s.isoformat(), "name": n} for s, n in q.names] for q in self.queues},
            "queueDivisions": {q.id: q.division_id for q in self.queues},
            "deleted": {
                "at": self.deleted_at.isoformat(),
                "queue": next(q.id for q in self.queues if q.deleted_at),
                "wrapUpCode": wrap_up_code_id(DELETED_WRAP_UP_CODE),
            },
            "systemWrapUpCodes": [TIMEOUT_WRAP_UP_CODE, *OUTBOUND_WRAP_UP_CODES],
            "agents": {
                a.id: {"name": a.name, "deletedAt": a.deleted_at.isoformat() if a.deleted_at else None}
                for a in self.agents
            },
            "wrapUpCodes": dict(zip(WRAP_UP_CODE_IDS, WRAP_UP_CODE_NAMES)),
            "divisions": dict(self.divisions),
        }


def make_directory(
    seed: int, queue_ids: list[str], agent_ids: list[str], division_ids: list[str], first_day: date, last_day: date
) -> Directory:
    """Drawn from a random stream of its own, so the rest of the org stays as it was."""
    rng = random.Random(f"{seed}-directory")
    middle = first_day + (last_day - first_day) // 2
    renamed_at = datetime.combine(middle, time(12), timezone.utc)
    agent_left_at = datetime.combine(first_day + (last_day - first_day) * 2 // 3, time(18), timezone.utc)
    deleted_at = datetime.combine(first_day + (last_day - first_day) * 3 // 4, time(9), timezone.utc)
    divisions = list(zip(division_ids, DIVISION_NAMES))
    queues = []
    for queue_id, name in zip(queue_ids, QUEUE_NAMES):
        names = [(CREATED, name)] + ([(renamed_at, RENAMED_QUEUE[1])] if name == RENAMED_QUEUE[0] else [])
        division = division_ids[1] if name == SECOND_DIVISION_QUEUE else division_ids[0]
        queues.append(Queue(queue_id, names, division, deleted_at if name == DELETED_QUEUE else None))
    agents = []
    for n, agent_id in enumerate(agent_ids):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        agents.append(
            Agent(
                agent_id,
                f"{first} {last}",
                f"{first}.{last}.{n}@contact-centre.example".lower(),
                f"+1317555{1000 + n:04d}",
                division_ids[n % len(division_ids)],
            )
        )
    agents[rng.randrange(len(agents))].deleted_at = agent_left_at
    return Directory(queues, agents, divisions, renamed_at, agent_left_at, deleted_at)


def plant_directory_changes(seed: int, conversations: list, directory: Directory) -> list[dict]:
    """Makes the conversations agree with the directory: system wrap-up codes on a share of them, no
    deleted queue or code on one that started after the deletion, and each conversation naming the
    division of every queue it passed through. Returns the traps planted. Draws come from a random
    stream of their own, so the rest of the org is unchanged."""
    rng = random.Random(f"{seed}-system-wrap-ups")
    deleted_queue = next(q.id for q in directory.queues if q.deleted_at)
    deleted_code = wrap_up_code_id(DELETED_WRAP_UP_CODE)
    spare_queue, spare_code = directory.queues[0].id, WRAP_UP_CODE_IDS[-1]
    queue_division = {q.id: q.division_id for q in directory.queues}
    traps = []
    for conv in conversations:
        outbound = conv.body["originatingDirection"] == "outbound"
        system = None
        # A corrected conversation keeps the listed codes its correction is about.
        if conv.late_change is None and rng.random() < SYSTEM_WRAP_UP_SHARE["outbound" if outbound else "inbound"]:
            system = rng.choice(OUTBOUND_WRAP_UP_CODES) if outbound else TIMEOUT_WRAP_UP_CODE
        records = [(conv.body, conv.late_change.at if conv.late_change else conv.start)]
        if conv.late_change:
            records.append((conv.late_change.before, conv.start))
        for record, coded_at in records:
            segments = [s for p in record["participants"] for ss in p["sessions"] for s in ss["segments"]]
            for segment in segments:
                if conv.start >= directory.deleted_at and segment.get("queueId") == deleted_queue:
                    segment["queueId"] = spare_queue
                if coded_at >= directory.deleted_at and segment.get("wrapUpCode") == deleted_code:
                    segment["wrapUpCode"] = spare_code
            wrap_ups = [s for s in segments if s["segmentType"] == "wrapup"]
            if system and wrap_ups:
                wrap_ups[-1]["wrapUpCode"] = system
            for queue_id in dict.fromkeys(s["queueId"] for s in segments if s.get("queueId")):
                if queue_division[queue_id] not in record["divisionIds"]:
                    record["divisionIds"].append(queue_division[queue_id])
        if system:
            traps.append({"kind": "system_wrap_up_code", "conversation": conv.body["conversationId"], "code": system})
    return traps


# ------------------------------------------------------------------ the API's shapes (SDK models)
def _division_ref(directory: Directory, division_id: str) -> dict:
    return {
        "id": division_id,
        "name": dict(directory.divisions)[division_id],
        "selfUri": f"/api/v2/authorization/divisions/{division_id}",
    }


def queue_body(directory: Directory, queue: Queue, now: datetime) -> dict:
    modified = max(since for since, _ in queue.names if since <= now)
    return {
        "id": queue.id,
        "name": queue.name_at(now),
        "division": _division_ref(directory, queue.division_id),
        "dateCreated": iso(CREATED),
        "dateModified": iso(modified),
        "memberCount": 8,
        "joinedMemberCount": 6,
        "scoringMethod": "TimestampAndPriority",
        "selfUri": f"/api/v2/routing/queues/{queue.id}",
    }


def user_body(directory: Directory, agent: Agent, now: datetime) -> dict:
    return {
        "id": agent.id,
        "name": agent.name,
        "division": _division_ref(directory, agent.division_id),
        "email": agent.email,
        "username": agent.email,
        "state": agent.state_at(now),
        "title": "Agent",
        "department": "Customer Care",
        "version": 2 if agent.state_at(now) == "deleted" else 1,
        "primaryContactInfo": [
            {"address": agent.email, "mediaType": "EMAIL", "type": "PRIMARY"},
            {"address": agent.phone, "display": agent.phone, "mediaType": "PHONE", "type": "PRIMARY"},
        ],
        "addresses": [{"address": agent.phone, "display": agent.phone, "mediaType": "PHONE", "type": "WORK"}],
        "selfUri": f"/api/v2/users/{agent.id}",
    }


def wrap_up_code_body(code_id: str, name: str) -> dict:
    return {
        "id": code_id,
        "name": name,
        "dateCreated": iso(CREATED),
        "dateModified": iso(CREATED),
        "createdBy": "admin",
        "selfUri": f"/api/v2/routing/wrapupcodes/{code_id}",
    }


def division_body(directory: Directory, division_id: str, name: str) -> dict:
    return {
        "id": division_id,
        "name": name,
        "description": f"{name} division",
        "homeDivision": division_id == directory.divisions[0][0],
        "selfUri": f"/api/v2/authorization/divisions/{division_id}",
    }
