"""Every endpoint the pipeline reads, declared as data: method, path, paging style, where the
records sit in a page, and the query parameters a slice fills in. A site can remap a path through
the connection's ``endpoints`` extra without touching code."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..errors import ConfigError
from .paging import PAGINATORS

PE = "/api/v2/predictive-engagement"
CONV_JOBS = "/api/v2/analytics/conversations/details/jobs"
JOURNEY_QUERIES = "/api/v2/analytics/journeys/queries"
EC = "/api/v2/externalcontacts"
# The web action metrics an action map's day is asked for (the journey aggregates query).
ACTION_MAP_METRICS = [
    "nWebActionsQualified",
    "nWebActionsOffered",
    "nWebActionsStarted",
    "nWebActionsEngaged",
    "nWebActionsAccepted",
    "nJourneyOutcomesAchieved",
    "nWebActionsFrequencyCapReached",
    "nWebActionsIgnored",
    "nWebActionsAbandoned",
    "nWebActionsErrored",
    "nWebActionsRejected",
    "nJourneyOutcomesAttributed",
]

# The most contact ids one bulk fetch sends to begin with. The SDK gives no maximum: a batch the org
# refuses with 400 is halved for the rest of the run.
BULK_CONTACT_IDS = 100


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    paging: str = "single"
    records: str | None = None  # key of the record list in a page; None: the page is the record
    params: dict = field(default_factory=dict)
    body: dict | None = None

    @property
    def paginator(self):
        return PAGINATORS[self.paging]

    def render(self, **values) -> tuple[str, dict, dict | None]:
        """Path, query parameters and body with the slice's values filled in."""
        return self.path.format(**values), _fill(self.params, values), _fill(self.body, values)


@dataclass(frozen=True)
class AsyncQuery:
    submit: Endpoint
    status: Endpoint
    results: Endpoint
    id_key: str
    done: str
    failed: frozenset[str]


CATALOGUE: dict[str, Endpoint | AsyncQuery] = {
    "campaigns": Endpoint("GET", f"{PE}/campaigns", "next_uri", "entities", {"pageSize": 100}),
    "campaign": Endpoint("GET", f"{PE}/campaigns/{{campaign_id}}"),
    "campaign_journey": Endpoint(
        "GET",
        f"{PE}/campaigns/{{campaign_id}}/analytics",
        "next_page_uri",
        "steps",
        {"dateFrom": "{day_start}", "dateTo": "{day_end}", "groupBy": "step", "pageSize": 1000},
    ),
    "scorecards": Endpoint("GET", f"{PE}/scorecards", "next_uri", "entities", {"pageSize": 100}),
    "scorecard_analytics": Endpoint(
        "GET",
        f"{PE}/scorecards/{{scorecard_id}}/analytics",
        "single",
        None,
        {"dateFrom": "{day_start}", "dateTo": "{day_end}", "metric": "performance"},
    ),
    "action_maps": Endpoint("GET", "/api/v2/journey/actionmaps", "next_uri", "entities", {"pageSize": 100}),
    "journey_aggregates": Endpoint(
        "POST",
        "/api/v2/analytics/journeys/aggregates/query",
        body={
            "interval": "{day_start}/{day_end}",
            "granularity": "P1D",
            "groupBy": ["journeyActionMapId", "journeyActionMapVersion"],
            "metrics": "{metrics}",
            "filter": {
                "type": "and",
                "predicates": [
                    {
                        "type": "dimension",
                        "dimension": "journeyActionMapId",
                        "operator": "matches",
                        "value": "{action_map_id}",
                    }
                ],
            },
        },
    ),
    "conversation_availability": Endpoint("GET", f"{CONV_JOBS}/availability"),
    "conversations": AsyncQuery(
        submit=Endpoint("POST", CONV_JOBS, body={"interval": "{day_start}/{day_end}"}),
        status=Endpoint("GET", f"{CONV_JOBS}/{{job_id}}"),
        results=Endpoint("GET", f"{CONV_JOBS}/{{job_id}}/results", "cursor", "conversations", {"pageSize": 1000}),
        id_key="jobId",
        done="FULFILLED",
        failed=frozenset({"FAILED", "CANCELLED", "EXPIRED"}),
    ),
    "external_contact": Endpoint("GET", f"{EC}/contacts/{{contact_id}}"),
    # Many contacts by id in one request; a missing one is a failed result.
    "external_contacts_bulk": Endpoint(
        "POST", f"{EC}/bulk/contacts", records="results", body={"entities": "{entities}"}
    ),
    "external_contact_lookup": Endpoint(
        "POST", f"{EC}/identifierlookup/contacts", body={"type": "{identifier_type}", "value": "{identifier}"}
    ),
    "external_contacts_scan": Endpoint("GET", f"{EC}/scan/contacts", "next_uri", "entities", {"limit": 200}),
    "journey_sessions": Endpoint(
        "GET",
        f"{EC}/contacts/{{contact_id}}/journey/sessions",
        "next_uri",
        "entities",
        {"pageSize": 200, "includeMerged": "true"},
    ),
    "journey_session": Endpoint("GET", "/api/v2/journey/sessions/{session_id}"),
    "journey_session_events": Endpoint(
        "GET", "/api/v2/journey/sessions/{session_id}/events", "next_uri", "entities", {"pageSize": 200}
    ),
    # The directory: the names behind the ids conversations carry. Users who left are asked for too.
    "routing_queues": Endpoint("GET", "/api/v2/routing/queues", "next_uri", "entities", {"pageSize": 100}),
    "users": Endpoint("GET", "/api/v2/users", "next_uri", "entities", {"pageSize": 100, "state": "any"}),
    "routing_wrapup_codes": Endpoint("GET", "/api/v2/routing/wrapupcodes", "next_uri", "entities", {"pageSize": 100}),
    "authorization_divisions": Endpoint(
        "GET", "/api/v2/authorization/divisions", "next_uri", "entities", {"pageSize": 100}
    ),
    "journey_events": AsyncQuery(
        submit=Endpoint(
            "POST",
            JOURNEY_QUERIES,
            body={"type": "journey", "timeRange": {"type": "absolute", "from": "{day_start}", "to": "{day_end}"}},
        ),
        status=Endpoint("GET", f"{JOURNEY_QUERIES}/{{job_id}}"),
        results=Endpoint(
            "GET", f"{JOURNEY_QUERIES}/{{job_id}}/results", "cursor_has_more", "events", {"pageSize": 1000}
        ),
        id_key="id",
        done="completed",
        failed=frozenset({"failed", "cancelled", "expired"}),
    ),
}


def catalogue(overrides: dict[str, str] | None = None) -> dict[str, Endpoint | AsyncQuery]:
    """The catalogue with a site's path overrides (``{"campaign_journey": "/api/v2/..."}``)."""
    entries = dict(CATALOGUE)
    for name, path in (overrides or {}).items():
        entry = entries.get(name)
        if isinstance(entry, AsyncQuery):
            raise ConfigError(
                f"the connection's endpoints override names {name!r}, an asynchronous query of "
                "several paths; override one of its plain endpoints instead, or none"
            )
        if entry is None:
            plain = ", ".join(sorted(k for k, v in CATALOGUE.items() if isinstance(v, Endpoint)))
            raise ConfigError(
                f"the connection's endpoints override names {name!r}, which is no endpoint; choose from {plain}"
            )
        if not isinstance(path, str) or not path.startswith("/"):
            raise ConfigError(f"the endpoints override for {name!r} must be a path starting with /, got {path!r}")
        entries[name] = replace(entry, path=path)
    return entries


def _fill(template, values: dict):
    if isinstance(template, str):
        name = template[1:-1]
        if template == f"{{{name}}}" and name in values:  # a whole placeholder keeps its value's type
            return values[name]
        return template.format(**values)
    if isinstance(template, dict):
        return {k: _fill(v, values) for k, v in template.items()}
    if isinstance(template, list):
        return [_fill(v, values) for v in template]
    return template
