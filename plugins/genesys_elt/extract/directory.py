"""The directory streams: the org's queues, agents (users, those who left included), wrap-up codes
and divisions, each listed whole as the day's run sees them. Conversations carry their ids; these
slices give the warehouse their names, and their history one day at a time."""

from __future__ import annotations

from datetime import date

from ..streams import PLATFORM
from ..streams import stream as registered
from .base import ExtractorBase


class DirectoryStreams(ExtractorBase):
    def queues(self, day: date, requests_before: int) -> dict:
        return self._listing("queues", day, requests_before)

    def agents(self, day: date, requests_before: int) -> dict:
        return self._listing("agents", day, requests_before)

    def wrap_up_codes(self, day: date, requests_before: int) -> dict:
        return self._listing("wrap_up_codes", day, requests_before)

    def divisions(self, day: date, requests_before: int) -> dict:
        return self._listing("divisions", day, requests_before)

    def _listing(self, stream: str, day: date, requests_before: int) -> dict:
        endpoint = registered(stream).source(PLATFORM).endpoints[0]
        return self._simple_slice(stream, day, PLATFORM, self._pages(endpoint), requests_before)
