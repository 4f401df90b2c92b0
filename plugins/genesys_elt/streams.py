"""The stream registry: every stream the pipeline lands, declared once. Each entry says which DAG
extracts it, which slice days a daily run covers, how its records are validated and pseudonymized,
and where its records come from (its sources). Every other list of streams (the CLI's choices, the
warehouse DAG's assets, the raw tables, ``make run``'s progress lines, the tests) derives from here.

A stream may have several sources: one per API an org can serve it from. A source names the
catalogue endpoints it reads (``genesys_elt.api.catalogue``) and the extractor method that turns
them into a slice (``genesys_elt.extract``)."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable

from .errors import ConfigError

SEED = "seed"  # the Predictive Engagement and journey analytics contracts of the source documents
PLATFORM = "platform"  # the Genesys Cloud Platform API v2


@dataclass(frozen=True)
class Source:
    kind: str  # SEED or PLATFORM
    endpoints: tuple[str, ...]  # catalogue entries it calls; the first is its first call (the probe)
    extract: str  # the extractor method that lands one slice (or, for a parted stream, one part)
    list_parts: str | None = None  # for a parted stream: the extractor method that lists its parts
    payload: str | None = None  # its records' model, when not the stream's


@dataclass(frozen=True)
class Stream:
    name: str
    dag_id: str
    payload: str  # its pydantic model in genesys_elt.landing.payloads
    pii_rule: str  # where PII sits in its records: a function in genesys_elt.landing.pii_rules
    sources: tuple[Source, ...]
    lag_days: int = 0  # day D's run lands day D - lag_days ...
    trailing_days: int = 0  # ... and re-lands this many days before it (records change after the fact)
    settle_hours: int | None = None  # a slice taken sooner after its day's end is pending_backfill
    parts: str | None = None  # what a slice is split by (one part per campaign), if anything
    needs: tuple[str, ...] = ()  # streams whose slice of the same day it reads

    # Resolved on use: the DAG files import this registry at parse time, where building every payload
    # model would cost more than the DAG itself.
    @property
    def model(self) -> type:
        return self.model_for(None)

    def model_for(self, kind: str | None) -> type:
        """The payload model of the records the ``kind`` source lands (the stream's by default)."""
        own = next((s.payload for s in self.sources if s.kind == kind and s.payload), None)
        return getattr(importlib.import_module("genesys_elt.landing.payloads"), own or self.payload)

    @property
    def scrub(self) -> Callable:
        return getattr(importlib.import_module("genesys_elt.landing.pii_rules"), self.pii_rule)

    @property
    def asset_name(self) -> str:
        """The Airflow Asset a landed slice of this stream emits."""
        return f"genesys_raw_{self.name}"

    def slice_days(self, run_day: date, trailing_days: dict[str, int] | None = None) -> list[date]:
        """The slice days the daily run for ``run_day`` lands, oldest first; ``trailing_days`` is the
        connection's window per stream, where it sets one (``Settings.trailing_days``)."""
        last = run_day - timedelta(days=self.lag_days)
        trailing = (trailing_days or {}).get(self.name, self.trailing_days)
        return [last - timedelta(days=n) for n in range(trailing, -1, -1)]

    def rejection_reason(self, record: object) -> str | None:
        """None when the record passes the stream's payload model; else the reason it is refused."""
        return importlib.import_module("genesys_elt.landing.payloads").rejection_reason(self.model, record)

    def source(self, kind: str | None = None) -> Source:
        if kind is None:
            return self.sources[0]
        for source in self.sources:
            if source.kind == kind:
                return source
        raise ConfigError(f"stream {self.name} has no {kind} source (it has {', '.join(self.kinds)})")

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(source.kind for source in self.sources)


PREDICTIVE_ENGAGEMENT_DAG = "genesys_predictive_engagement"
CONVERSATIONS_DAG = "genesys_conversations"
JOURNEY_DAG = "genesys_journey"
WAREHOUSE_DAG = "genesys_warehouse"

CONVERSATION_TRAILING_DAYS = 5
JOURNEY_TRAILING_DAYS = 2

REGISTRY: tuple[Stream, ...] = (
    # A real org has no campaigns: its action maps are what Predictive Engagement engages with.
    Stream(
        "campaigns",
        PREDICTIVE_ENGAGEMENT_DAG,
        "Campaign",
        "nothing",
        (
            Source(SEED, ("campaigns",), "campaigns"),
            Source(PLATFORM, ("action_maps",), "action_maps", payload="ActionMap"),
        ),
    ),
    Stream(
        "campaign_journey",
        PREDICTIVE_ENGAGEMENT_DAG,
        "CampaignStep",
        "nothing",
        (
            Source(SEED, ("campaigns", "campaign", "campaign_journey"), "campaign_journey", "campaign_ids"),
            Source(
                PLATFORM,
                ("action_maps", "journey_aggregates"),
                "action_map_funnel",
                "action_map_ids",
                payload="ActionMapDay",
            ),
        ),
        parts="campaign",
        # Predictive Engagement analytics are processed after the fact: a day's figures fill in
        # after it ends (GENESYS_BEHAVIOUR.md, Journey; the documentation gives no figure). A slice
        # taken within a day of its end is pending_backfill, and the two days before D are re-landed.
        trailing_days=JOURNEY_TRAILING_DAYS,
        settle_hours=24,
    ),
    # Outcomes keep arriving for 48 h after the day, so day D's run pulls D-2. The real API has no
    # model performance metrics: a real org's scorecards slices are skipped with that reason.
    Stream(
        "scorecards",
        PREDICTIVE_ENGAGEMENT_DAG,
        "ScorecardPerformance",
        "nothing",
        (Source(SEED, ("scorecards", "scorecard_analytics"), "scorecards"),),
        lag_days=2,
        settle_hours=48,
    ),
    # Records change after the fact: the platform reprocesses data at least 48 h old every night, and
    # a conversation can change three or more days after it happened (GENESYS_BEHAVIOUR.md). The
    # days before D are pulled again, five by default (the connection's "trailing_days" sets it).
    Stream(
        "conversations",
        CONVERSATIONS_DAG,
        "Conversation",
        "conversation",
        (Source(PLATFORM, ("conversation_availability", "conversations"), "conversations"),),
        trailing_days=CONVERSATION_TRAILING_DAYS,
    ),
    Stream(
        "external_contacts",
        CONVERSATIONS_DAG,
        "ExternalContact",
        "external_contact",
        (Source(PLATFORM, ("external_contacts_bulk", "external_contact"), "external_contacts"),),
        trailing_days=CONVERSATION_TRAILING_DAYS,
        needs=("conversations",),
    ),
    # A real org has no journey query: the events of the day's known sessions (those of the day's
    # contacts, and the web sessions its chats started from) are read session by session.
    Stream(
        "journey_events",
        JOURNEY_DAG,
        "JourneyEvent",
        "journey_event",
        (
            Source(SEED, ("journey_events",), "journey_events"),
            Source(PLATFORM, ("journey_sessions", "journey_session_events"), "session_events"),
        ),
    ),
    # Only signed-in web sessions name a contact, and the day's conversations already tie many of
    # them: the rest are fetched by id, one request each, instead of listing every contact's history.
    Stream(
        "journey_sessions",
        JOURNEY_DAG,
        "JourneySession",
        "journey_session",
        (Source(PLATFORM, ("journey_session",), "journey_sessions"),),
        needs=("conversations", "journey_events"),
    ),
)

# The directory, as each day's run sees it: the names of the queues, agents, wrap-up codes and
# divisions that conversations carry as ids. Landed beside the day's conversations.
DIRECTORY: tuple[Stream, ...] = tuple(
    Stream(name, CONVERSATIONS_DAG, payload, pii_rule, (Source(PLATFORM, (endpoint,), name),))
    for name, payload, pii_rule, endpoint in (
        ("queues", "RoutingQueue", "nothing", "routing_queues"),
        ("agents", "Agent", "agent", "users"),
        ("wrap_up_codes", "WrapUpCode", "nothing", "routing_wrapup_codes"),
        ("divisions", "Division", "nothing", "authorization_divisions"),
    )
)
REGISTRY += DIRECTORY

STREAMS: dict[str, Stream] = {stream.name: stream for stream in REGISTRY}
STREAM_NAMES: tuple[str, ...] = tuple(STREAMS)


def stream(name: str) -> Stream:
    try:
        return STREAMS[name]
    except KeyError:
        raise ConfigError(f"unknown stream {name!r}; choose one of {', '.join(STREAM_NAMES)}") from None


def extract_dags() -> dict[str, tuple[str, ...]]:
    """Each extract DAG with the streams it lands, in registry order."""
    dags: dict[str, tuple[str, ...]] = {}
    for entry in REGISTRY:
        dags[entry.dag_id] = dags.get(entry.dag_id, ()) + (entry.name,)
    return dags


def daily_slices(run_day: date, trailing_days: dict[str, int] | None = None) -> list[tuple[str, date]]:
    """Every (stream, slice day) the daily runs for ``run_day`` land, in the order the DAGs reach them."""
    return [(entry.name, day) for entry in REGISTRY for day in entry.slice_days(run_day, trailing_days)]
