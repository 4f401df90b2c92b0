"""Pairwise precision and recall of identity resolution against a known truth.

Precision asks: of the record pairs the warehouse put under one customer, how many belong to one
person? Recall asks: of the record pairs that deterministic links can join, how many did it join?
Counted from contingency tables, so no pair is ever enumerated."""

from __future__ import annotations

from collections import Counter, defaultdict
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
    assigned = dict(
        con.execute(
            "select node, customer_key from intermediate.int_customer_keys "
            "where node_type in ('contact', 'conversation', 'session')"
        ).fetchall()
    )
    assigned.update(
        {
            f"event:{source}": key
            for source, key in con.execute(
                "select source_id, customer_key from marts.customer_timeline where source_type = 'web_event'"
            ).fetchall()
        }
    )
    return assigned


def score_against_truth(con, truth: dict) -> tuple[PairwiseScore, PairwiseScore]:
    """Pairwise scores against what the landed records let a resolver reach, and against every
    link in the org (records outside the loaded range included)."""
    assigned = warehouse_assignments(con)
    reachable = reachable_groups([tuple(edge) for edge in truth["edges"]], set(assigned))
    return (
        pairwise_score(assigned, truth["owner"], reachable),
        pairwise_score(assigned, truth["owner"], truth["resolvable"]),
    )


@dataclass(frozen=True)
class KeyStability:
    """How one build treated the customers of the build before it. A customer that gained no merge
    and lost no part must keep its key; every key that disappears must be in the key history."""

    customers: int
    kept: int
    renamed_without_merge: int  # must be 0
    merged: int  # its records now share a key with another earlier customer's
    split: int  # its records now carry more than one key
    retired: int
    retired_without_history: int  # must be 0


def key_stability(before: dict[str, str], after: dict[str, str], history_keys: set[str]) -> KeyStability:
    """``before`` and ``after`` map identity nodes to customer keys (``int_customer_keys``) around a
    build; ``history_keys`` are the previous keys ``customer_key_history`` lists after it."""
    nodes_of: dict[str, list[str]] = defaultdict(list)
    for node, key in before.items():
        nodes_of[key].append(node)
    earlier_keys_under: dict[str, set[str]] = defaultdict(set)
    for node, key in after.items():
        if node in before:
            earlier_keys_under[key].add(before[node])
    kept = renamed = merged = split = 0
    for key, nodes in nodes_of.items():
        now = {after[n] for n in nodes if n in after}
        if len(now) > 1:
            split += 1
        elif now and len(earlier_keys_under[next(iter(now))]) > 1:
            merged += 1
        elif now == {key}:
            kept += 1
        elif now:
            renamed += 1
    retired = set(before.values()) - set(after.values())
    return KeyStability(
        customers=len(nodes_of),
        kept=kept,
        renamed_without_merge=renamed,
        merged=merged,
        split=split,
        retired=len(retired),
        retired_without_history=len(retired - history_keys),
    )


def customer_keys(con) -> dict[str, str]:
    return dict(con.execute("select node, customer_key from intermediate.int_customer_keys").fetchall())


def key_history(con) -> set[str]:
    return {key for (key,) in con.execute("select previous_customer_key from marts.customer_key_history").fetchall()}
