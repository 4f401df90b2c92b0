"""Conversations that keep changing after the day they happened, as the platform documents them.

- Threads stay open for days. Email, messaging and callback conversations are not over when the
  customer stops typing: they stay open (no ``conversationEnd``) until an agent or the flow
  disconnects them, and so cross one or more UTC midnights (SDK ``AnalyticsConversation``:
  ``conversationEnd`` is absent while the conversation is active).
- Late corrections. A nightly batch reprocesses data at least 48 hours old, and a conversation's
  record can change three or more days after it happened (help.mypurecloud.com, FAQ "Why can my
  data change?"). Here a share of conversations is corrected three to five days after its end:
  another wrap-up code is written, or a hold segment that was missed is added.

Drawn from a random stream of their own, so the rest of the org is the same with or without them.
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from .timefmt import iso, parse_iso

# Channels whose conversations can stay open for days: email, the messaging channels, callbacks.
THREAD_CHANNELS = {"email", "sms", "whatsapp", "line", "twitter", "facebook", "webmessaging", "callback"}
LONG_THREAD_SHARE = 0.15
LONG_THREAD_HOURS = (20.0, 110.0)
LATE_CHANGE_SHARE = 0.06
LATE_CHANGE_DAYS = (3.0, 5.0)  # after the conversation's end


@dataclass(frozen=True)
class LateChange:
    kind: str  # "wrap_up_code" or "hold_segment"
    at: datetime
    before: dict  # the conversation's record as the API showed it until ``at``


class LateChanges:
    def __init__(self, rng: random.Random, wrap_up_codes: list[str]):
        self.rng = rng
        self.wrap_up_codes = wrap_up_codes

    def thread_duration(self, channel: str) -> timedelta | None:
        """A thread that stays open for days, or None for the channel's usual length."""
        if channel not in THREAD_CHANNELS or self.rng.random() >= LONG_THREAD_SHARE:
            return None
        return timedelta(hours=self.rng.uniform(*LONG_THREAD_HOURS))

    def maybe_correct(self, body: dict, end: datetime) -> LateChange | None:
        """Changes ``body`` (the final record) in place and returns what it was before, for a share
        of conversations."""
        if self.rng.random() >= LATE_CHANGE_SHARE:
            return None
        agent_sessions = [s for p in body["participants"] if p["purpose"] == "agent" for s in p["sessions"]]
        if not agent_sessions:
            return None
        before = copy.deepcopy(body)
        at = end + timedelta(days=self.rng.uniform(*LATE_CHANGE_DAYS))
        segments = agent_sessions[-1]["segments"]
        if self.rng.random() < 0.5:
            wrapup = next(s for s in reversed(segments) if s["segmentType"] == "wrapup")
            wrapup["wrapUpCode"] = self.rng.choice([c for c in self.wrap_up_codes if c != wrapup["wrapUpCode"]])
            return LateChange("wrap_up_code", at, before)
        # The talk is split around a hold the first pass did not record.
        index, talk = next((i, s) for i, s in enumerate(segments) if s["segmentType"] == "interact")
        start, stop = parse_iso(talk["segmentStart"]), parse_iso(talk["segmentEnd"])
        hold_start = start + (stop - start) / 3
        hold_end = start + (stop - start) * 2 / 3
        first = {**talk, "segmentEnd": iso(hold_start)}
        first.pop("disconnectType", None)
        hold = {
            "segmentStart": iso(hold_start),
            "segmentEnd": iso(hold_end),
            "segmentType": "hold",
            "queueId": talk.get("queueId"),
        }
        rest = {**talk, "segmentStart": iso(hold_end)}
        segments[index : index + 1] = [first, {k: v for k, v in hold.items() if v is not None}, rest]
        return LateChange("hold_segment", at, before)
