"""Per-client rate limiting, deterministic fault injection, and the counters behind /sandbox/stats."""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections import Counter, defaultdict, deque

FAULT_KINDS = ("429", "500", "502", "503", "drop", "truncate", "malformed")
WINDOW_SECONDS = 60.0


class RateLimiter:
    """A sliding window per OAuth client (60 s unless shortened for tests): once the window holds
    the limit's worth of requests, the next one gets 429. ``other_consumer_per_minute`` plays
    another integration that spends each client's budget too, at that steady rate."""

    def __init__(self, per_minute: int, window_seconds: float = WINDOW_SECONDS, other_consumer_per_minute: int = 0):
        self.per_minute = per_minute
        self.window = window_seconds
        self.per_window = max(1, round(per_minute * window_seconds / WINDOW_SECONDS)) if per_minute > 0 else 0
        self.other_interval = WINDOW_SECONDS / other_consumer_per_minute if other_consumer_per_minute > 0 else 0.0
        self._accepted: dict[str, deque[float]] = defaultdict(deque)
        self._other_until: dict[str, float] = {}
        self.other_requests = 0
        self._lock = threading.Lock()

    def admit(self, client_id: str) -> tuple[bool, int, int]:
        """Returns (admitted, requests in window, seconds until the oldest of them leaves it)."""
        now = time.monotonic()
        with self._lock:
            window = self._accepted[client_id]
            self._spend_by_the_other_consumer(client_id, window, now)
            while window and window[0] <= now - self.window:
                window.popleft()
            if self.per_minute <= 0 or len(window) < self.per_window:
                window.append(now)
                return True, len(window), max(1, math.ceil(window[0] + self.window - now))
            wait = max(1, math.ceil(window[0] + self.window - now))
            return False, len(window), wait

    def _spend_by_the_other_consumer(self, client_id: str, window: deque, now: float) -> None:
        """The other integration's requests since the last look, at its steady rate, as far as the
        window still has room for them (its own 429s are its business)."""
        if not self.other_interval:
            return
        at = self._other_until.get(client_id, now - self.window)
        fresh = []
        while at + self.other_interval <= now:
            at += self.other_interval
            if at > now - self.window:
                fresh.append(at)
        self._other_until[client_id] = at
        for moment in fresh:
            live = sum(1 for t in window if t > moment - self.window)
            if live < self.per_window:
                window.append(moment)
                self.other_requests += 1
        if fresh:  # keep the window in time order: the other consumer's requests interleave with ours
            ordered = sorted(window)
            window.clear()
            window.extend(ordered)


class FaultInjector:
    """Decides, from the seed and each client's request number, whether a request faults and how.
    The same seed and the same sequence of requests give the same faults. With ``burst`` above 1 a
    fault is a storm: that client's next ``burst - 1`` requests fault the same way. Storms take the
    kinds in turn (from a seeded start), so a run with as many storms as kinds meets every kind
    however few requests it makes."""

    def __init__(self, seed: int, rate: float, kinds: tuple[str, ...] = FAULT_KINDS, burst: int = 1):
        if not 0.0 <= rate <= 1.0:
            raise ValueError("fault rate must be between 0 and 1")
        unknown = set(kinds) - set(FAULT_KINDS)
        if unknown or not kinds:
            raise ValueError(f"unknown fault kinds {sorted(unknown)}; choose from {', '.join(FAULT_KINDS)}")
        if burst < 1:
            raise ValueError("a fault burst is at least 1 request")
        self.seed, self.rate, self.kinds, self.burst = seed, rate, tuple(kinds), burst
        self._counter: Counter[str] = Counter()
        self._storms: dict[str, tuple[str, int]] = {}  # client -> (kind, requests left)
        self._next_kind = int(hashlib.sha256(str(seed).encode()).hexdigest(), 16) % len(self.kinds)
        self._lock = threading.Lock()

    def decide(self, client_id: str) -> str | None:
        if self.rate <= 0:
            return None
        with self._lock:
            kind, left = self._storms.get(client_id, (None, 0))
            if left:
                self._storms[client_id] = (kind, left - 1)
                return kind
            self._counter[client_id] += 1
            n = self._counter[client_id]
            digest = hashlib.sha256(f"{self.seed}:{client_id}:{n}".encode()).digest()
            roll = int.from_bytes(digest[:8], "big") / 2**64
            if roll >= self.rate:
                return None
            kind = self.kinds[self._next_kind % len(self.kinds)]
            self._next_kind += 1
            self._storms[client_id] = (kind, self.burst - 1)
            return kind


class Stats:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: Counter[str] = Counter()
        self.by_client: Counter[str] = Counter()
        self.by_endpoint: Counter[str] = Counter()
        self.rate_limited: Counter[str] = Counter()
        self.faults: Counter[str] = Counter()
        self.faults_by_client: Counter[str] = Counter()
        self.faults_by_endpoint: Counter[str] = Counter()
        self.statuses: Counter[str] = Counter()

    def record(self, client: str, endpoint: str, status: int, fault: str | None = None, limited: bool = False) -> None:
        with self._lock:
            self.requests["total"] += 1
            self.by_client[client] += 1
            self.by_endpoint[endpoint] += 1
            self.statuses[str(status)] += 1
            if limited:
                self.rate_limited[client] += 1
            if fault:
                self.faults[fault] += 1
                self.faults_by_client[client] += 1
                self.faults_by_endpoint[endpoint] += 1

    def snapshot(self) -> dict:
        with self._lock:
            return {
                "requests": {
                    "total": self.requests["total"],
                    "byClient": dict(self.by_client),
                    "byEndpoint": dict(self.by_endpoint),
                    "byStatus": dict(self.statuses),
                },
                "rateLimited": {"total": sum(self.rate_limited.values()), "byClient": dict(self.rate_limited)},
                "faults": {
                    "total": sum(self.faults.values()),
                    "byKind": dict(self.faults),
                    "byClient": dict(self.faults_by_client),
                    "byEndpoint": dict(self.faults_by_endpoint),
                },
            }
