"""Asynchronous queries: conversation detail jobs and journey queries.

A job moves QUEUED -> PENDING -> FULFILLED over real time; it can instead end FAILED, stay
PENDING (stalled), or be EXPIRED once its time to live has passed. Results are a snapshot taken
at submission, so paging through them is stable."""

from __future__ import annotations

import hashlib
import math
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .timefmt import iso


@dataclass
class Job:
    id: str
    kind: str
    client_id: str
    records: list[dict]
    submitted_wall: datetime
    submitted: float  # monotonic
    outcome: str = "FULFILLED"  # FULFILLED, FAILED, STALLED, EXPIRED
    extra: dict = field(default_factory=dict)


class JobBoard:
    def __init__(
        self,
        seed: int,
        latency_seconds: float,
        ttl_seconds: float,
        failure_rate: float = 0.0,
        concurrency: int = 0,
        submissions_per_minute: int = 0,
    ):
        self.seed = seed
        self.concurrency = concurrency
        self.submissions_per_minute = submissions_per_minute
        self._submitted: dict[str, list[float]] = {}  # client -> monotonic submission times
        self.latency = latency_seconds
        self.ttl = ttl_seconds
        self.failure_rate = failure_rate
        self._jobs: dict[str, Job] = {}
        self._forced: list[str] = []  # outcomes for the next jobs, set through /sandbox/control
        self._lock = threading.Lock()
        self._count = 0

    def force_next(self, outcome: str, count: int) -> None:
        if outcome not in ("FAILED", "STALLED", "EXPIRED", "FULFILLED"):
            raise ValueError(f"unknown job outcome {outcome!r}")
        with self._lock:
            self._forced.extend([outcome] * count)

    def refusal(self, client_id: str) -> tuple[str, int] | None:
        """Why a client's next submission is refused, and in how many seconds to try again: too
        many of its jobs still running, or too many submitted within the last minute."""
        now = time.monotonic()
        with self._lock:
            mine = [j for j in self._jobs.values() if j.client_id == client_id]
            running = [j for j in mine if self._running(j, now)]
            if self.concurrency and len(running) >= self.concurrency:
                soonest = min(j.submitted + self.latency for j in running)
                return f"{len(running)} analytics jobs running; at most {self.concurrency}", _seconds(soonest - now)
            recent = [t for t in self._submitted.get(client_id, []) if t > now - 60.0]
            self._submitted[client_id] = recent
            if self.submissions_per_minute and len(recent) >= self.submissions_per_minute:
                return (
                    f"{len(recent)} analytics jobs submitted in the last minute; at most {self.submissions_per_minute}",
                    _seconds(recent[0] + 60.0 - now),
                )
            return None

    def _running(self, job: Job, now: float) -> bool:
        """Queued or pending: a stalled job holds its place until it expires."""
        age = now - job.submitted
        return age < self.ttl and (age < self.latency or job.outcome == "STALLED")

    def submit(self, job_id: str, kind: str, client_id: str, records: list[dict], now: datetime) -> Job:
        with self._lock:
            self._count += 1
            if self._forced:
                outcome = self._forced.pop(0)
            else:
                digest = hashlib.sha256(f"{self.seed}:job:{self._count}".encode()).digest()
                roll = int.from_bytes(digest[:8], "big") / 2**64
                outcome = "FAILED" if roll < self.failure_rate else "FULFILLED"
            job = Job(job_id, kind, client_id, records, now, time.monotonic(), outcome)
            self._jobs[job_id] = job
            self._submitted.setdefault(client_id, []).append(job.submitted)
            return job

    def get(self, job_id: str, kind: str) -> Job | None:
        with self._lock:
            job = self._jobs.get(job_id)
        return job if job is not None and job.kind == kind else None

    def state(self, job: Job) -> str:
        age = time.monotonic() - job.submitted
        if job.outcome == "EXPIRED" and age >= self.latency:
            return "EXPIRED"
        if age >= self.ttl:
            return "EXPIRED"
        if age < self.latency * 0.3:
            return "QUEUED"
        if age < self.latency or job.outcome == "STALLED":
            return "PENDING"
        return "FAILED" if job.outcome == "FAILED" else "FULFILLED"

    def status_body(self, job: Job) -> dict:
        state = self.state(job)
        body = {
            "state": state,
            "submissionDate": iso(job.submitted_wall),
            "expirationDate": iso(job.submitted_wall + timedelta(seconds=self.ttl)),
        }
        if state in ("FULFILLED", "FAILED"):
            body["completionDate"] = iso(job.submitted_wall + timedelta(seconds=self.latency))
        if state == "FAILED":
            body["errorMessage"] = "The query failed to complete: internal analytics error"
        return body


def _seconds(delay: float) -> int:
    return max(1, math.ceil(delay))
