"""A token bucket per OAuth client, shared by every thread of the process, that keeps requests
under a share of the org's limit and pauses everyone when the API answers 429. It also listens to
what every answer says of the client's budget (``inin-ratelimit-allowed``, ``-count``, ``-reset``):
a limit the org raised or lowered is followed, and when the requests in the org's window (ours,
our sibling task processes' and any other integration's on the same client) reach the ceiling
share of it, everyone here waits for the window to move."""

from __future__ import annotations

import threading
import time


class RateBudget:
    def __init__(
        self,
        per_minute: int,
        share: float = 0.85,
        burst: int = 3,
        clock=time.monotonic,
        sleep=time.sleep,
        ceiling: float = 0.85,
    ):
        if per_minute < 1:
            raise ValueError("the rate limit must be at least one request per minute")
        self.per_minute, self.share, self.ceiling = per_minute, share, ceiling
        self.rate = per_minute * share / 60.0  # requests per second
        self.capacity = float(max(1, burst))
        self._tokens = self.capacity
        self._last = clock()
        self._paused_until = 0.0
        self._clock, self._sleep = clock, sleep
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Blocks until a request may go out; returns the seconds waited."""
        waited = 0.0
        while True:
            with self._lock:
                now = self._clock()
                self._tokens = min(self.capacity, self._tokens + (now - self._last) * self.rate)
                self._last = now
                delay = max(0.0, self._paused_until - now)
                if delay == 0.0:
                    if self._tokens >= 1.0 - 1e-9:  # float slack: a computed wait must end the wait
                        self._tokens -= 1.0
                        return waited
                    delay = (1.0 - self._tokens) / self.rate
            self._sleep(delay)
            waited += delay

    def observe(self, allowed: int | None, used: int | None, reset: float | None) -> None:
        """What an answer's rate-limit headers say: ``allowed`` requests a minute for this client,
        ``used`` of them in the current window, the oldest leaving it in ``reset`` seconds."""
        if not allowed or allowed < 1:
            return
        with self._lock:
            if allowed != self.per_minute:  # support raised the limit, or another tier lowered it
                self.per_minute, self.rate = allowed, allowed * self.share / 60.0
            # Our own processes alone stay within the ceiling plus their bursts; past that, someone
            # else is spending the client's budget too.
            own_slack = self.capacity * self.ceiling / self.share
            if used is not None and used > self.ceiling * allowed + own_slack:
                self._paused_until = max(self._paused_until, self._clock() + max(1.0, reset or 1.0))
                self._tokens = 0.0

    def pause(self, seconds: float) -> None:
        """After a 429: nobody sends on this client until Retry-After has passed."""
        with self._lock:
            self._paused_until = max(self._paused_until, self._clock() + seconds)
            self._tokens = 0.0
