"""The org's directory: routing queues, users (the agents who handle conversations), wrap-up codes
and divisions, as the Platform API lists them at a moment. Two things a real directory does that a
warehouse must survive: a queue renamed partway through the history (its conversations keep its
id), and an agent who left (deleted: listed only when ``state=any`` is asked for, while the
conversations they handled still name them)."""

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


def wrap_up_code_id(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"genesys-sandbox:wrapupcode:{name}"))


WRAP_UP_CODE_IDS = [wrap_up_code_id(name) for name in WRAP_UP_CODE_NAMES]


@dataclass
class Queue:
    id: str
    names: list[tuple[datetime, str]]  # (since, name), oldest first
    division_id: str

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

    def truth(self) -> dict:
        return {
            "queues": {q.id: [{"since": s.isoformat(), "name": n} for s, n in q.names] for q in self.queues},
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
    divisions = list(zip(division_ids, DIVISION_NAMES))
    queues = []
    for queue_id, name in zip(queue_ids, QUEUE_NAMES):
        names = [(CREATED, name)] + ([(renamed_at, RENAMED_QUEUE[1])] if name == RENAMED_QUEUE[0] else [])
        queues.append(Queue(queue_id, names, division_ids[0]))
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
    return Directory(queues, agents, divisions, renamed_at, agent_left_at)


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
