"""A token bucket per OAuth client, shared by every thread of the process, that keeps requests
under a share of the org's limit and pauses everyone when the API answers 429."""

from __future__ import annotations

import threading
import time


class RateBudget:
    def __init__(self, per_minute: int, share: float = 0.85, burst: int = 3,
                 clock=time.monotonic, sleep=time.sleep):
        if per_minute < 1:
            raise ValueError("the rate limit must be at least one request per minute")
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

    def pause(self, seconds: float) -> None:
        """After a 429: nobody sends on this client until Retry-After has passed."""
        with self._lock:
            self._paused_until = max(self._paused_until, self._clock() + seconds)
            self._tokens = 0.0
