"""Which divisions the OAuth client can see. A client credentials grant sees only the divisions
its role grants, and the platform leaves the rest out without an error: the divisions listing
shows the visible ones, and a conversation that also belongs to another division still names it.
Those names are the only sign that data is missing."""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class DivisionVisibility:
    listed: list[tuple[str, str]]  # (id, name) of every division the listings showed
    unlisted: dict[str, int]  # division id -> conversations naming it that no listing showed

    def warning(self) -> str | None:
        if not self.unlisted:
            return None
        named = ", ".join(f"{d} ({n:,} conversations)" for d, n in sorted(self.unlisted.items()))
        return (
            f"conversations name {len(self.unlisted)} division(s) the client cannot list: {named}. Its role "
            "does not grant them, so their queues, users and the conversations only in them are not in the "
            "warehouse; grant the role those divisions to load them"
        )


def division_visibility(con) -> DivisionVisibility:
    listed = con.execute(
        "select division_id, max(division_name) from marts.dim_division group by division_id order by 2, 1"
    ).fetchall()
    known = {division_id for division_id, _ in listed}
    unlisted: dict[str, int] = {}
    # division_ids is a JSON array; its distinct values are few, and parsed here alike for every engine
    for ids, conversations in con.execute(
        "select division_ids, count(*) from marts.fact_conversation where division_ids is not null group by 1"
    ).fetchall():
        for division_id in json.loads(ids):
            if division_id not in known:
                unlisted[division_id] = unlisted.get(division_id, 0) + conversations
    return DivisionVisibility([tuple(row) for row in listed], unlisted)
