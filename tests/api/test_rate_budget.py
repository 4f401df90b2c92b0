"""The shared rate budget: the share of the limit, and a 429 pausing everyone."""

from __future__ import annotations

import pytest

from genesys_elt.api.rate_budget import RateBudget


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_rate_budget_holds_the_share_of_the_limit():
    clock = FakeClock()
    budget = RateBudget(per_minute=300, share=0.85, burst=3, clock=clock, sleep=clock.sleep)
    for _ in range(1000):
        budget.acquire()
    # 1000 requests at 4.25/s after a burst of 3: about 234.6 s; never faster than the share.
    assert clock.now == pytest.approx((1000 - 3) / 4.25, rel=1e-6)
    assert 1000 / clock.now * 60 <= 300 * 0.85 * 1.01


def test_a_429_pauses_every_caller_of_the_budget():
    clock = FakeClock()
    budget = RateBudget(per_minute=6000, burst=1, clock=clock, sleep=clock.sleep)
    budget.acquire()
    budget.pause(7)
    budget.acquire()
    assert clock.now >= 7


def test_the_orgs_headers_move_the_limit_and_a_full_window_pauses_everyone():
    clock = FakeClock()
    budget = RateBudget(per_minute=300, share=0.85, burst=1, clock=clock, sleep=clock.sleep)
    budget.observe(allowed=600, used=10, reset=55)  # support raised the limit: follow it
    assert budget.rate == pytest.approx(600 * 0.85 / 60)
    budget.observe(allowed=None, used=None, reset=None)  # an answer without the headers changes nothing
    assert budget.rate == pytest.approx(600 * 0.85 / 60)
    budget.acquire()
    budget.observe(allowed=600, used=520, reset=7)  # others filled the window past 85 %: wait for it
    started = clock.now
    budget.acquire()
    assert clock.now - started >= 7
    budget.observe(allowed=600, used=100, reset=3)  # room again: no pause
    started = clock.now
    budget.acquire()
    assert clock.now - started < 1
