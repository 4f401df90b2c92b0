"""Pydantic models of each stream's records. A record that fails its model is rejected with the
reason; unknown extra fields are allowed (the API grows), missing keys and wrong types are not.
Enum-like fields stay plain strings so a new value from the API is kept, not dropped."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator

# ISO 8601 as the API writes it: date, time, optional fraction, and an offset (Z or +hh:mm). Numbers
# (which pydantic would read as Unix time) and other spellings that the warehouse's SQL cast would
# not read the same way are refused here, not discovered by a failing dbt build.
ISO_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?")


def _iso_text(value: object) -> object:
    if not isinstance(value, str) or not ISO_TIMESTAMP.fullmatch(value):
        raise ValueError("timestamp must be ISO 8601 text such as 2026-11-20T10:00:00.000Z")
    return value


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("timestamp has no UTC offset")
    return value


Timestamp = Annotated[datetime, BeforeValidator(_iso_text), AfterValidator(_aware)]
NonEmpty = Annotated[str, Field(min_length=1)]


class Payload(BaseModel):
    model_config = ConfigDict(extra="allow", strict=False)


# ------------------------------------------------------------------ predictive engagement
class Campaign(Payload):
    id: NonEmpty
    name: str
    status: NonEmpty
    scorecardId: str | None = None
    createdDate: Timestamp | None = None
    modifiedDate: Timestamp | None = None


class CampaignStep(Payload):
    """One funnel step, as landed: the API's step plus its campaign and position."""

    campaignId: NonEmpty
    scorecardId: str | None = None
    dateFrom: Timestamp
    dateTo: Timestamp
    stepSequence: int = Field(ge=1)
    stepId: NonEmpty
    stepName: str | None = None
    contactCount: int = Field(ge=0)
    conversionRate: float | None = Field(default=None, ge=0)
    averageScore: float | None = Field(default=None, ge=0, le=1)
    exitReason: str | None = None


class PerformanceMetrics(Payload):
    precision: float | None = Field(default=None, ge=0, le=1)
    recall: float | None = Field(default=None, ge=0, le=1)
    f1Score: float | None = Field(default=None, ge=0, le=1)
    auc: float | None = Field(default=None, ge=0, le=1)
    actualConversionRate: float | None = Field(default=None, ge=0, le=1)
    predictedConversionRate: float | None = Field(default=None, ge=0, le=1)


class ScorecardPerformance(Payload):
    scorecardId: NonEmpty
    scorecardName: str | None = None
    dateFrom: Timestamp
    dateTo: Timestamp
    modelVersion: NonEmpty
    retrainedAt: Timestamp | None = None
    performanceMetrics: PerformanceMetrics
    scoreDistribution: dict[str, Annotated[int, Field(ge=0)]] = {}


# ------------------------------------------------------------------ predictive engagement, Platform API
class ActionMap(Payload):
    """An action map as ``GET /api/v2/journey/actionmaps`` lists it: the real API's campaign."""

    id: NonEmpty
    displayName: str
    isActive: bool
    version: int | None = None
    createdDate: Timestamp | None = None
    modifiedDate: Timestamp | None = None
    startDate: Timestamp | None = None
    endDate: Timestamp | None = None


class DivisionRef(Payload):
    id: NonEmpty
    name: str | None = None


class RoutingQueue(Payload):
    """A queue as ``GET /api/v2/routing/queues`` lists it."""

    id: NonEmpty
    name: NonEmpty
    division: DivisionRef | None = None
    dateModified: Timestamp | None = None


class Agent(Payload):
    """A user (agent) as ``GET /api/v2/users?state=any`` lists it; a user who left is ``deleted``."""

    id: NonEmpty
    name: str | None = None
    state: Literal["active", "inactive", "deleted"]
    division: DivisionRef | None = None


class WrapUpCode(Payload):
    """A wrap-up code as ``GET /api/v2/routing/wrapupcodes`` lists it: the id analytics names."""

    id: NonEmpty
    name: NonEmpty


class Division(Payload):
    """A division as ``GET /api/v2/authorization/divisions`` lists it."""

    id: NonEmpty
    name: NonEmpty
    homeDivision: bool | None = None


class MetricStats(Payload):
    count: int = Field(ge=0)


class MetricValue(Payload):
    metric: NonEmpty
    stats: MetricStats


class ActionMapDay(Payload):
    """One action map version's web action counts for a day, as landed: the journey aggregates'
    group with one of its data intervals."""

    journeyActionMapId: NonEmpty
    journeyActionMapVersion: NonEmpty
    interval: NonEmpty
    metrics: list[MetricValue] = Field(min_length=1)


# ------------------------------------------------------------------ conversations
class Segment(Payload):
    segmentStart: Timestamp
    segmentEnd: Timestamp | None = None
    segmentType: NonEmpty
    queueId: str | None = None
    wrapUpCode: str | None = None
    disconnectType: str | None = None


class MediaSession(Payload):
    mediaType: NonEmpty
    direction: str | None = None
    segments: list[Segment]


class Participant(Payload):
    purpose: NonEmpty
    participantId: str | None = None
    userId: str | None = None
    externalContactId: str | None = None
    attributes: dict[str, str] | None = None
    sessions: list[MediaSession] = []


class Conversation(Payload):
    conversationId: NonEmpty
    conversationStart: Timestamp
    conversationEnd: Timestamp | None = None
    originatingDirection: str | None = None
    divisionIds: list[str] = []
    participants: list[Participant] = Field(min_length=1)

    @field_validator("conversationEnd")
    @classmethod
    def _ends_after_start(cls, end, info):
        start = info.data.get("conversationStart")
        if end is not None and start is not None and end < start:
            raise ValueError("conversationEnd is before conversationStart")
        return end


# ------------------------------------------------------------------ external contacts
class EntityRef(Payload):
    id: NonEmpty


class ExternalContact(Payload):
    id: NonEmpty
    canonicalContact: EntityRef | None = None
    mergedTo: EntityRef | None = None
    mergedFrom: list[EntityRef] = []
    mergeSet: list[EntityRef] = []


# ------------------------------------------------------------------ journey
class EventSession(Payload):
    id: NonEmpty
    type: str | None = None


class JourneyEvent(Payload):
    id: NonEmpty
    eventType: NonEmpty
    createdDate: Timestamp
    session: EventSession
    correlationId: str | None = None
    customerId: str | None = None
    customerIdType: str | None = None


class JourneySession(Payload):
    id: NonEmpty
    type: NonEmpty
    createdDate: Timestamp
    endedDate: Timestamp | None = None
    authenticated: bool | None = None
    externalContact: EntityRef | None = None


def rejection_reason(model: type[Payload], record: object) -> str | None:
    """None when the record is valid; otherwise a one-line reason naming the fields at fault."""
    try:
        model.model_validate(record)
    except ValidationError as exc:
        problems = [f"{'.'.join(str(p) for p in e['loc']) or '<record>'}: {e['msg']}" for e in exc.errors()[:5]]
        return "; ".join(problems)
    return None
