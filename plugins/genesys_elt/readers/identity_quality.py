"""Pairwise precision and recall of identity resolution against a known truth.

Precision asks: of the record pairs the warehouse put under one customer, how many belong to one
person? Recall asks: of the record pairs that deterministic links can join, how many did it join?
Counted from contingency tables, so no pair is ever enumerated."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


@dataclass(frozen=True)
class PairwiseScore:
    records: int
    predicted_pairs: int
    precision: float
    recall: float
    false_pairs: int
    missed_pairs: int


def pairwise_score(assigned: dict[str, str], person: dict[str, object], reachable: dict[str, str]) -> PairwiseScore:
    """``assigned`` maps record keys (``conversation:<id>``...) to a customer key; ``person`` maps
    them to the true person and ``reachable`` to the group that verified links can reach. Only
    records present in all three are scored."""
    records = [r for r in assigned if r in person and r in reachable]
    predicted = sum(_pairs(n) for n in Counter(assigned[r] for r in records).values())
    same_person = sum(_pairs(n) for n in Counter((assigned[r], person[r]) for r in records).values())
    linkable = sum(_pairs(n) for n in Counter(reachable[r] for r in records).values())
    linked = sum(_pairs(n) for n in Counter((assigned[r], reachable[r]) for r in records).values())
    return PairwiseScore(
        records=len(records),
        predicted_pairs=predicted,
        precision=same_person / predicted if predicted else 1.0,
        recall=linked / linkable if linkable else 1.0,
        false_pairs=predicted - same_person,
        missed_pairs=linkable - linked,
    )


def reachable_groups(edges: list[tuple[str, str]], held: set[str]) -> dict[str, str]:
    """Connected components over the truth's verified edges, keeping only edges whose record ends
    (``contact:``, ``conversation:``, ``session:``, ``event:``) the warehouse holds: what the landed
    data lets a deterministic resolver reach. Identifier ends (phone, email, CRM id) are kept."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def visible(node: str) -> bool:
        return node.split(":", 1)[0] not in RECORD_KINDS or node in held

    for a, b in edges:
        if visible(a) and visible(b):
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    return {record: find(record) for record in held}


RECORD_KINDS = {"contact", "conversation", "session", "event"}


def warehouse_assignments(con) -> dict[str, str]:
    """The customer key the warehouse gave each record, keyed as the truth keys them: contacts,
    conversations and sessions from the identity graph, web events from the timeline."""
    assigned = dict(con.execute("select node, customer_key from intermediate.int_customer_keys "
                                "where node_type in ('contact', 'conversation', 'session')").fetchall())
    assigned.update({f"event:{source}": key for source, key in con.execute(
        "select source_id, customer_key from marts.customer_timeline where source_type = 'web_event'").fetchall()})
    return assigned


def score_against_truth(con, truth: dict) -> tuple[PairwiseScore, PairwiseScore]:
    """Pairwise scores against what the landed records let a resolver reach, and against every
    link in the org (records outside the loaded range included)."""
    assigned = warehouse_assignments(con)
    reachable = reachable_groups([tuple(edge) for edge in truth["edges"]], set(assigned))
    return (pairwise_score(assigned, truth["owner"], reachable),
            pairwise_score(assigned, truth["owner"], truth["resolvable"]))
