"""Small walkers used by several sandbox tests."""

from __future__ import annotations

import time

PE = "/api/v2/predictive-engagement"
JOBS = "/api/v2/analytics/conversations/details/jobs"
JQ = "/api/v2/analytics/journeys/queries"
EC = "/api/v2/externalcontacts"


def day_params(day: str, next_day: str) -> dict:
    return {"dateFrom": f"{day}T00:00:00Z", "dateTo": f"{next_day}T00:00:00Z"}


def wait_for_job(api, path: str, done: set[str], timeout: float = 15.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        status = api.ok("GET", path)
        if status["state"] in done or time.monotonic() > deadline:
            return status
        time.sleep(0.2)


def conversations_job(api, interval: str, page_size: int = 1000, **query) -> list[dict]:
    job_id = api.ok("POST", JOBS, json={"interval": interval, **query})["jobId"]
    assert wait_for_job(api, f"{JOBS}/{job_id}", {"FULFILLED", "FAILED", "EXPIRED"})["state"] == "FULFILLED"
    records, cursor = [], None
    while True:
        params = {"pageSize": page_size, **({"cursor": cursor} if cursor else {})}
        page = api.ok("GET", f"{JOBS}/{job_id}/results", params=params)
        records.extend(page["conversations"])
        cursor = page.get("cursor")
        if not cursor:
            return records


def journey_query(api, start: str, end: str, page_size: int = 1000) -> list[dict]:
    submitted = api.ok(
        "POST", JQ, json={"type": "journey", "timeRange": {"type": "absolute", "from": start, "to": end}}
    )
    assert wait_for_job(api, f"{JQ}/{submitted['id']}", {"completed", "failed", "expired"})["state"] == "completed"
    events, cursor = [], None
    while True:
        params = {"pageSize": page_size, **({"cursor": cursor} if cursor else {})}
        page = api.ok("GET", f"{JQ}/{submitted['id']}/results", params=params)
        events.extend(page["events"])
        if not page["hasMore"]:
            assert "cursor" not in page
            return events
        cursor = page["cursor"]


def follow_next_uri(api, first_path: str, key: str, link: str = "nextUri", params: dict | None = None) -> list[dict]:
    records, path, pages = [], first_path, 0
    page = api.ok("GET", path, params=params)
    while True:
        pages += 1
        records.extend(page[key])
        nxt = page.get(link)
        if not nxt:
            return records
        page = api.ok("GET", nxt)


def wrap_up_codes(record: dict) -> list[str | None]:
    """The wrap-up codes of a conversation record's agent segments, in order (None where not yet coded)."""
    return [
        s.get("wrapUpCode")
        for p in record["participants"]
        if p["purpose"] == "agent"
        for sess in p["sessions"]
        for s in sess["segments"]
        if s["segmentType"] == "wrapup"
    ]
