"""Asynchronous queries: conversation detail jobs and journey queries.

A job moves QUEUED -> PENDING -> FULFILLED over real time; it can instead end FAILED, stay
PENDING (stalled), or be EXPIRED once its time to live has passed. Results are a snapshot taken
at submission, so paging through them is stable."""

from __future__ import annotations

import hashlib
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
    def __init__(self, seed: int, latency_seconds: float, ttl_seconds: float, failure_rate: float = 0.0):
        self.seed = seed
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
