"""The extractor: one object that lands any stream's slice for a day. Each stream family brings
its own methods; the stream registry says which method is a stream's source."""

from __future__ import annotations

from .conversations import ConversationStreams
from .directory import DirectoryStreams
from .journey import JourneyStreams
from .predictive_engagement import PredictiveEngagementStreams


class Extractor(PredictiveEngagementStreams, ConversationStreams, JourneyStreams, DirectoryStreams):
    """Use ``Extractor.from_settings(settings)``; ``run(stream, day)`` lands a stream's slices."""
