"""The endpoints: each handler takes a parsed request and returns (status, body).

Real Genesys Cloud shapes where the endpoint is real; the seed contract's shapes for Predictive
Engagement analytics and the journey query. Paging styles: ``nextUri`` (page numbers), ``nextPageUri``
(opaque cursor in the link), ``cursor`` (+ ``hasMore``), ``cursors.after`` and ``after`` in ``nextUri``."""

from __future__ import annotations

import bisect
import hashlib
import re
import threading
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Callable
from urllib.parse import urlencode

from .action_maps import DEFAULT_SETTLE, action_map_body, day_metrics_visible
from .action_maps import METRICS as ACTION_MAP_METRICS
from .directory import (
    division_body,
    queue_body,
    user_body,
    wrap_up_code_body,
)
from .identities import new_id
from .jobs import JobBoard
from .org import Org
from .paging import BadToken, PageTokens
from .predictive import campaign_body, scorecard_body, scorecard_metrics, settled_share
from .render import canonical_id, contact_at, contact_expired, conversation_at, last_activity
from .timefmt import day_start, iso, parse_iso


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, retry_after: int | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.retry_after = retry_after


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    body: object
    client_id: str
    scopes: tuple[str, ...]
    params: dict[str, str] = field(default_factory=dict)
    divisions: frozenset[str] | None = None  # the division ids the client's role grants; None: all

    def sees(self, division_ids) -> bool:
        """Whether a record in these divisions reaches this client: the platform leaves the rest
        out without an error (GENESYS_BEHAVIOUR.md, Directory)."""
        return self.divisions is None or not self.divisions.isdisjoint(division_ids)


@dataclass
class Route:
    method: str
    pattern: re.Pattern
    name: str
    scope: str | None
    handler: Callable[["Api", Request], tuple[int, object]]
    origin: str = "real"  # "seed": only the seed contract has it; "platform": only the real API does


ROUTES: list[Route] = []
# What each --api-profile leaves out: a real org answers 404 on the seed contract's paths, a
# seed-era sandbox knows nothing of the Platform paths added for Predictive Engagement.
PROFILES = {"full": set(), "platform": {"seed"}, "seed": {"platform"}}
MERGED_CONTACT_ANSWERS = ("head", "record")
NUMBERED_PAGE_MAX = 100


def route(method: str, path: str, name: str, scope: str | None, origin: str = "real"):
    pattern = re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path) + "$")

    def register(fn):
        ROUTES.append(Route(method, pattern, name, scope, fn, origin))
        return fn

    return register


def scope_allows(granted: tuple[str, ...], required: str | None) -> bool:
    if required is None:
        return True
    write_form = required.rsplit(":", 1)[0] if required.endswith((":readonly", ":view")) else required
    return required in granted or write_form in granted


class Api:
    def __init__(
        self,
        org: Org,
        clock: Callable[[], datetime],
        jobs: JobBoard,
        tokens: PageTokens,
        availability_lag: timedelta,
        bad_record_rate: float = 0.0,
        overlapping_pages: bool = False,
        api_profile: str = "full",
        merged_contact_answer: str = "head",
        bulk_contact_ids: int = 100,
        journey_settle: timedelta = DEFAULT_SETTLE,
        withdrawn_metrics: tuple[str, ...] = (),
    ):
        if api_profile not in PROFILES:
            raise ValueError(f"api profile must be one of {', '.join(PROFILES)}, got {api_profile!r}")
        if merged_contact_answer not in MERGED_CONTACT_ANSWERS:
            raise ValueError(f"merged contact answer must be head or record, got {merged_contact_answer!r}")
        # What a GET or bulk fetch of a merged-away contact id answers. The platform's separate
        # "unresolved" endpoints imply the plain ones resolve to the head of the merge (the
        # default); "record" answers the old record itself, with mergedTo.
        self.merged_contact_answer = merged_contact_answer
        self.bulk_contact_ids = bulk_contact_ids
        self.journey_settle = journey_settle  # how long a day's action-map figures take to be final
        self.withdrawn_metrics = frozenset(withdrawn_metrics)  # refused by name (journey outcomes)
        self.org = org
        self.left_out = PROFILES[api_profile]
        self.overlapping_pages = overlapping_pages
        self.bad_record_rate = bad_record_rate
        self.damaged_ids: set[str] = set()  # every record id served broken at least once
        self.clock = clock
        self.jobs = jobs
        self.tokens = tokens
        self.availability_lag = availability_lag
        self._conv_starts = [c.body["conversationStart"] for c in org.conversations]
        # How far back a conversation with activity in an interval can have started.
        self._longest_conversation = max((c.end - c.start for c in org.conversations), default=timedelta(0))
        self._event_times = [e["createdDate"] for e in org.activity.events]
        self._id_lock = threading.Lock()
        self._id_rng_state = __import__("random").Random(f"jobs:{org.config.seed}")

    def resolve(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        for r in ROUTES:
            if r.method == method and r.origin not in self.left_out:
                m = r.pattern.match(path)
                if m:
                    return r, m.groupdict()
        return None

    def damaged(self, records: list[dict], id_key: str, time_key: str) -> list[dict]:
        """Bad input on purpose: a deterministic share of records (by seed and id) arrives broken the
        way a buggy upstream breaks them, a timestamp that is not one or a missing id."""
        if self.bad_record_rate <= 0:
            return records
        out = []
        for record in records:
            digest = hashlib.sha256(f"{self.org.config.seed}:bad:{record.get(id_key)}".encode()).digest()
            if int.from_bytes(digest[:8], "big") / 2**64 >= self.bad_record_rate:
                out.append(record)
            elif digest[8] % 2:
                out.append({**record, time_key: "2026-13-45T25:61:00Z"})
                self.damaged_ids.add(record.get(id_key))
            else:
                out.append({k: v for k, v in record.items() if k != id_key} | {"damagedId": record.get(id_key)})
                self.damaged_ids.add(record.get(id_key))
        return out

    def conversations_active(self, start: datetime, end: datetime, from_start_of_day: bool = False) -> list:
        """The conversations a details job over [start, end) returns: every one whose lifetime overlaps
        the interval, an open one's lasting until now (SDK ``AsyncConversationQuery.interval``: "all
        conversations that had activity during the interval"); with ``startOfDayIntervalMatching``,
        only those that started on or after the interval's first UTC midnight (the same model's
        docstring)."""
        now = self.clock()
        floor = day_start(start.date()) if from_start_of_day else start - self._longest_conversation
        lo = bisect.bisect_left(self._conv_starts, iso(floor))
        hi = bisect.bisect_left(self._conv_starts, iso(min(end, now + timedelta(milliseconds=1))))
        return [c for c in self.org.conversations[lo:hi] if last_activity(c, now) >= start]

    def data_availability(self) -> datetime:
        """``dataAvailabilityDate``: the platform guarantees data before it, and it lags by hours,
        unevenly (GENESYS_BEHAVIOUR.md, Conversations). Here it advances in steps of 20 minutes to 3
        hours (drawn by seed and day), at least ``availability_lag`` behind the clock; never backwards."""
        lagged = self.clock() - self.availability_lag
        point = day_start(lagged.date())
        step = 0
        while True:
            digest = hashlib.sha256(f"{self.org.config.seed}:available:{point.date()}:{step}".encode()).digest()
            following = point + timedelta(minutes=20 + int.from_bytes(digest[:4], "big") % 161)
            if following > lagged:
                return point
            point, step = following, step + 1

    def result_page(self, records: list[dict], offset: int, size: int) -> list[dict]:
        """A page of async results; with overlapping pages (a quirk of some cursor APIs) each page
        after the first repeats the previous page's last record."""
        page = records[offset : offset + size]
        return [records[offset - 1], *page] if self.overlapping_pages and offset > 0 else page

    def submit_job(self, kind: str, req: Request, records: list[dict]):
        """Queues an analytics job, unless the client already has as many running or submitted
        within the minute as the org allows: then 429, as the platform refuses them."""
        refused = self.jobs.refusal(req.client_id)
        if refused:
            reason, wait = refused
            raise ApiError(429, "too.many.requests", f"{reason}. Retry the request in [{wait}] seconds", wait)
        return self.jobs.submit(self._new_job_id(), kind, req.client_id, records, self.clock())

    def _new_job_id(self) -> str:
        with self._id_lock:
            return new_id(self._id_rng_state)

    # ---------------------------------------------------------------- helpers
    @staticmethod
    def _int(query: dict[str, str], name: str, default: int, low: int, high: int) -> int:
        raw = query.get(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise ApiError(400, "bad.request", f"{name} must be an integer") from None
        if not low <= value <= high:
            raise ApiError(400, "bad.request", f"{name} must be between {low} and {high}")
        return value

    def _offset(self, scope: str, token: str | None) -> int:
        if not token:
            return 0
        try:
            return self.tokens.read(scope, token)
        except BadToken as exc:
            raise ApiError(400, "bad.request", str(exc)) from None

    @staticmethod
    def _day_range(query: dict[str, str]) -> tuple[date, date]:
        try:
            start, end = parse_iso(query["dateFrom"]), parse_iso(query["dateTo"])
        except KeyError as exc:
            raise ApiError(400, "bad.request", f"missing query parameter {exc.args[0]}") from None
        except ValueError as exc:
            raise ApiError(400, "bad.request", f"invalid date: {exc}") from None
        if start.time() != datetime.min.time() or end.time() != datetime.min.time():
            raise ApiError(400, "bad.request", "dateFrom and dateTo must be UTC midnights")
        if end <= start or (end - start).days > 31:
            raise ApiError(400, "bad.request", "dateTo must be after dateFrom and at most 31 days later")
        return start.date(), (end - timedelta(days=1)).date()

    @staticmethod
    def _interval(text: object) -> tuple[str, str]:
        if not isinstance(text, str) or "/" not in text:
            raise ApiError(400, "bad.request", "interval must be 'start/end' in ISO 8601")
        try:
            start, end = (parse_iso(part) for part in text.split("/", 1))
        except ValueError as exc:
            raise ApiError(400, "bad.request", f"invalid interval: {exc}") from None
        if end <= start:
            raise ApiError(400, "bad.request", "interval end must be after its start")
        return iso(start), iso(end)

    def _page_numbered(self, req: Request, items: list[dict], base: str, filters: dict | None = None) -> dict:
        """A page of a numbered listing; its links carry the listing's ``filters`` as the platform's do.
        An oversized pageSize is capped at 100, not refused (a Genesys staff answer on the developer
        forum; third-party connectors send 500 to /routing/queues and /users)."""
        size = min(self._int(req.query, "pageSize", 25, 1, 1_000_000), NUMBERED_PAGE_MAX)
        number = self._int(req.query, "pageNumber", 1, 1, 100000)
        chunk = items[(number - 1) * size : number * size]
        page_count = max(1, -(-len(items) // size))
        link = lambda n: f"{base}?{urlencode({'pageSize': size, 'pageNumber': n, **(filters or {})})}"  # noqa: E731
        body = {
            "entities": chunk,
            "pageSize": size,
            "pageNumber": number,
            "total": len(items),
            "pageCount": page_count,
            "selfUri": link(number),
            "firstUri": link(1),
            "lastUri": link(page_count),
        }
        if number < page_count:
            body["nextUri"] = link(number + 1)
        return body


# -------------------------------------------------------------------- predictive engagement
PE = "/api/v2/predictive-engagement"


@route("GET", PE + "/campaigns", "campaigns", "predictive-engagement:view", "seed")
def list_campaigns(api: Api, req: Request):
    now = api.clock()
    items = [campaign_body(c, now) for c in api.org.campaigns if c.created <= now]
    return 200, api._page_numbered(req, items, PE + "/campaigns")


def _campaign(api: Api, campaign_id: str):
    campaign = api.org.campaign_by_id.get(campaign_id)
    if campaign is None or campaign.created > api.clock():
        raise ApiError(404, "not.found", f"campaign {campaign_id} not found")
    return campaign


@route("GET", PE + "/campaigns/{id}", "campaign", "predictive-engagement:view", "seed")
def get_campaign(api: Api, req: Request):
    return 200, campaign_body(_campaign(api, req.params["id"]), api.clock())


@route("GET", PE + "/campaigns/{id}/analytics", "campaign_journey", "predictive-engagement:analytics:view", "seed")
def campaign_analytics(api: Api, req: Request):
    campaign = _campaign(api, req.params["id"])
    now = api.clock()
    if campaign.status_at(now) == "archived":
        raise ApiError(404, "not.found", f"campaign {campaign.id} is archived")
    if req.query.get("groupBy") != "step":
        raise ApiError(400, "bad.request", "groupBy=step is required")
    first, last = api._day_range(req.query)
    size = api._int(req.query, "pageSize", 1000, 1, 1000)
    totals: dict[str, dict] = {}
    day = first
    while day <= last:
        if day_start(day) < now:
            for step in campaign.funnel.get(day, []):
                row = totals.setdefault(step["stepId"], {**step, "contactCount": 0, "_score": 0.0})
                row["contactCount"] += step["contactCount"]
                row["_score"] += (step["averageScore"] or 0.0) * step["contactCount"]
        day += timedelta(days=1)
    steps = list(totals.values())
    head = steps[0]["contactCount"] if steps else 0
    for row in steps:
        score = row.pop("_score")
        row["conversionRate"] = round(row["contactCount"] / head, 4) if head else 0.0
        row["averageScore"] = round(score / row["contactCount"], 2) if row["contactCount"] else None
    scope = f"campaign:{campaign.id}:{first}:{last}:{size}"
    offset = api._offset(scope, req.query.get("cursor"))
    body = {
        "campaignId": campaign.id,
        "scorecardId": campaign.scorecard_id,
        "dateFrom": req.query["dateFrom"],
        "dateTo": req.query["dateTo"],
        "metrics": {
            "totalContacts": head,
            "totalConverted": steps[-1]["contactCount"] if steps else 0,
            "overallConversionRate": round(steps[-1]["contactCount"] / head, 4) if head else 0.0,
            "averageScore": steps[0]["averageScore"] if steps else None,
        },
        "steps": steps[offset : offset + size],
        "nextPageUri": None,
    }
    if offset + size < len(steps):
        params = {k: req.query[k] for k in ("dateFrom", "dateTo", "groupBy")}
        params.update(pageSize=size, cursor=api.tokens.make(scope, offset + size))
        body["nextPageUri"] = f"{PE}/campaigns/{campaign.id}/analytics?{urlencode(params)}"
    return 200, body


@route("GET", PE + "/scorecards", "scorecards", "predictive-engagement:view", "seed")
def list_scorecards(api: Api, req: Request):
    now = api.clock()
    items = [scorecard_body(s, now) for s in api.org.scorecards if s.created <= now]
    return 200, api._page_numbered(req, items, PE + "/scorecards")


def _scorecard(api: Api, scorecard_id: str):
    scorecard = api.org.scorecard_by_id.get(scorecard_id)
    if scorecard is None or scorecard.created > api.clock():
        raise ApiError(404, "not.found", f"scorecard {scorecard_id} not found")
    return scorecard


@route("GET", PE + "/scorecards/{id}", "scorecard", "predictive-engagement:view", "seed")
def get_scorecard(api: Api, req: Request):
    return 200, scorecard_body(_scorecard(api, req.params["id"]), api.clock())


@route("GET", PE + "/scorecards/{id}/analytics", "scorecards_analytics", "predictive-engagement:analytics:view", "seed")
def scorecard_analytics(api: Api, req: Request):
    scorecard = _scorecard(api, req.params["id"])
    if req.query.get("metric", "performance") != "performance":
        raise ApiError(400, "bad.request", "metric must be performance")
    first, last = api._day_range(req.query)
    now = api.clock()
    version = scorecard.version_at(now)
    days, day = [], first
    while day <= last:
        if day_start(day) < now:
            days.append(
                scorecard_metrics(
                    api.org.config.seed, scorecard, version, day, api.org.campaign_by_id, settled_share(day, now)
                )
            )
        day += timedelta(days=1)
    body = {
        "scorecardId": scorecard.id,
        "scorecardName": scorecard.name,
        "dateFrom": req.query["dateFrom"],
        "dateTo": req.query["dateTo"],
        "modelVersion": version.version,
        "retrainedAt": iso(version.trained_at),
    }
    if len(days) == 1:
        body.update(performanceMetrics=days[0]["performanceMetrics"], scoreDistribution=days[0]["scoreDistribution"])
    else:
        body.update(_combine(days))
    return 200, body


def _combine(days: list[dict]) -> dict:
    """Several days' metrics weighted by the contacts each day scored."""
    total = sum(d["scoredContacts"] for d in days)
    metrics: dict[str, float | None] = {}
    for name in ("precision", "recall", "f1Score", "auc", "actualConversionRate", "predictedConversionRate"):
        pairs = [
            (d["performanceMetrics"][name], d["scoredContacts"])
            for d in days
            if d["performanceMetrics"][name] is not None
        ]
        weight = sum(w for _, w in pairs)
        metrics[name] = round(sum(v * w for v, w in pairs) / weight, 4) if weight else None
    distribution: dict[str, int] = {}
    for d in days:
        for bucket, n in d["scoreDistribution"].items():
            distribution[bucket] = distribution.get(bucket, 0) + n
    return {"performanceMetrics": metrics, "scoreDistribution": distribution if total else {}}


# -------------------------------------------------------------------- conversations (real API)
JOBS = "/api/v2/analytics/conversations/details/jobs"


@route("GET", JOBS + "/availability", "conversation_availability", "analytics:readonly")
def availability(api: Api, req: Request):
    return 200, {"dataAvailabilityDate": iso(api.data_availability())}


@route("POST", JOBS, "conversation_job_submit", "analytics:readonly")
def submit_conversation_job(api: Api, req: Request):
    if not isinstance(req.body, dict):
        raise ApiError(400, "bad.request", "body must be a JSON object with an interval")
    start, end = (parse_iso(t) for t in api._interval(req.body.get("interval")))
    from_start_of_day = req.body.get("startOfDayIntervalMatching", False)
    if not isinstance(from_start_of_day, bool):
        raise ApiError(400, "bad.request", "startOfDayIntervalMatching must be a boolean")
    records = [conversation_at(c, api.clock()) for c in api.conversations_active(start, end, from_start_of_day)]
    records = [body for body in records if body and req.sees(body["divisionIds"])]
    records = api.damaged(records, "conversationId", "conversationStart")
    job = api.submit_job("conversations", req, records)
    return 202, {"jobId": job.id}


def _job(api: Api, req: Request, kind: str):
    job = api.jobs.get(req.params["jobId"], kind)
    if job is None:
        raise ApiError(404, "not.found", f"job {req.params['jobId']} not found")
    return job


@route("GET", JOBS + "/{jobId}", "conversation_job_status", "analytics:readonly")
def conversation_job_status(api: Api, req: Request):
    return 200, api.jobs.status_body(_job(api, req, "conversations"))


@route("GET", JOBS + "/{jobId}/results", "conversation_job_results", "analytics:readonly")
def conversation_job_results(api: Api, req: Request):
    job = _job(api, req, "conversations")
    state = api.jobs.state(job)
    if state != "FULFILLED":
        raise ApiError(400, "job.not.fulfilled", f"job {job.id} is {state}, not FULFILLED")
    size = api._int(req.query, "pageSize", 100, 1, 1000)
    offset = api._offset(f"job:{job.id}", req.query.get("cursor"))
    body = {
        "conversations": api.result_page(job.records, offset, size),
        "dataAvailabilityDate": iso(api.data_availability()),
    }
    if offset + size < len(job.records):
        body["cursor"] = api.tokens.make(f"job:{job.id}", offset + size)
    return 200, body


# -------------------------------------------------------------------- external contacts (real API)
EC = "/api/v2/externalcontacts"


@route("GET", EC + "/contacts/{id}", "external_contact", "external-contacts:readonly")
def get_contact(api: Api, req: Request):
    return 200, _contact_or_404(api, req.params["id"], resolve=api.merged_contact_answer == "head")


@route("GET", EC + "/contacts/{id}/unresolved", "external_contact_unresolved", "external-contacts:readonly")
def get_unresolved_contact(api: Api, req: Request):
    return 200, _contact_or_404(api, req.params["id"], resolve=False)


def _contact_or_404(api: Api, contact_id: str, resolve: bool) -> dict:
    body = contact_at(api.org, contact_id, api.clock(), resolve=resolve)
    if body is None:
        raise ApiError(404, "not.found", f"external contact {contact_id} not found")
    return body


@route("POST", EC + "/bulk/contacts", "external_contacts_bulk", "external-contacts:readonly")
def bulk_contacts(api: Api, req: Request):
    entities = req.body.get("entities") if isinstance(req.body, dict) else None
    if (
        not isinstance(entities, list)
        or not entities
        or not all(isinstance(e, dict) and isinstance(e.get("id"), str) and e["id"] for e in entities)
    ):
        raise ApiError(400, "bad.request", 'entities must be a non-empty list of {"id": ...}')
    # The SDK gives no maximum; this one is --bulk-contact-ids, and a longer list is refused whole.
    if len(entities) > api.bulk_contact_ids:
        raise ApiError(400, "bad.request", f"at most {api.bulk_contact_ids} entities per request, got {len(entities)}")
    now = api.clock()
    results, failed = [], []
    resolve = api.merged_contact_answer == "head"
    for index, entity in enumerate(entities):
        body = contact_at(api.org, entity["id"], now, resolve=resolve)
        if body is None:
            failed.append(index)
            results.append(
                {
                    "id": entity["id"],
                    "success": False,
                    "status": 404,
                    "error": {
                        "code": "not.found",
                        "message": f"external contact {entity['id']} not found",
                        "status": 404,
                        "retryable": False,
                        "entity": {"id": entity["id"]},
                    },
                }
            )
        else:
            results.append({"id": entity["id"], "success": True, "status": 200, "entity": body})
    return 200, {"results": results, "errorCount": len(failed), "errorIndexes": failed}


@route("POST", EC + "/identifierlookup/contacts", "external_contact_lookup", "external-contacts:readonly")
def identifier_lookup(api: Api, req: Request):
    body = req.body if isinstance(req.body, dict) else {}
    kind, value = body.get("type"), body.get("value")
    if kind not in ("ExternalId", "Phone", "Email") or not isinstance(value, str) or not value.strip():
        raise ApiError(400, "bad.request", "type must be ExternalId, Phone or Email, with a value")
    now = api.clock()
    digits = re.sub(r"\D", "", value)
    for contact_id in api.org.contact_order:
        contact = api.org.contacts[contact_id]
        if contact.created > now:
            continue
        if (
            (kind == "ExternalId" and contact.external_id == value)
            or (
                kind == "Phone"
                and contact.phone
                and digits
                and digits in (contact.phone.e164[1:], contact.phone.national)
            )
            or (
                kind == "Email"
                and contact.email_written
                and contact.email_written.strip().lower() == value.strip().lower()
            )
        ):
            found = contact_at(api.org, canonical_id(api.org, contact_id, now), now)
            if found:
                return 200, found
    raise ApiError(404, "not.found", "no external contact has that identifier")


@route("GET", EC + "/scan/contacts", "external_contacts_scan", "external-contacts:readonly")
def scan_contacts(api: Api, req: Request):
    limit = api._int(req.query, "limit", 100, 1, 200)
    offset = api._offset("scan", req.query.get("cursor"))
    now = api.clock()
    ids = [
        c for c in api.org.contact_order if api.org.contacts[c].created <= now and not contact_expired(api.org, c, now)
    ]
    body: dict = {
        "entities": [contact_at(api.org, c, now) for c in ids[offset : offset + limit]],
        "selfUri": f"{EC}/scan/contacts?limit={limit}",
    }
    if offset + limit < len(ids):
        after = api.tokens.make("scan", offset + limit)
        body["cursors"] = {"after": after}
        body["nextUri"] = f"{EC}/scan/contacts?{urlencode({'limit': limit, 'cursor': after})}"
    return 200, body


# -------------------------------------------------------------------- journey (real API)
def _after_page(api: Api, req: Request, scope: str, items: list[dict], base: str, extra: dict) -> dict:
    size = api._int(req.query, "pageSize", 200, 1, 200)
    offset = api._offset(scope, req.query.get("after"))
    body: dict = {
        "entities": items[offset : offset + size],
        "selfUri": f"{base}?{urlencode({'pageSize': size, **extra})}",
    }
    if offset + size < len(items):
        body["nextUri"] = (
            f"{base}?{urlencode({'pageSize': size, **extra, 'after': api.tokens.make(scope, offset + size)})}"
        )
    return body


@route("GET", EC + "/contacts/{id}/journey/sessions", "journey_sessions", "journey:readonly")
def contact_sessions(api: Api, req: Request):
    now = api.clock()
    contact_id = req.params["id"]
    if contact_at(api.org, contact_id, now) is None:
        raise ApiError(404, "not.found", f"external contact {contact_id} not found")
    include_merged = req.query.get("includeMerged", "false").lower() == "true"
    ids = [contact_id] + (
        [m for m in api.org.merged_from.get(contact_id, []) if api.org.contacts[m].merged_at <= now]
        if include_merged
        else []
    )
    sessions = sorted(
        (s for cid in ids for s in api.org.sessions_by_contact.get(cid, []) if parse_iso(s["createdDate"]) <= now),
        key=lambda s: (s["createdDate"], s["id"]),
    )
    extra = {"includeMerged": "true"} if include_merged else {}
    return 200, _after_page(
        api,
        req,
        f"sessions:{contact_id}:{include_merged}",
        sessions,
        f"{EC}/contacts/{contact_id}/journey/sessions",
        extra,
    )


@route("GET", "/api/v2/journey/sessions/{id}", "journey_session", "journey:readonly")
def journey_session(api: Api, req: Request):
    session = api.org.session_by_id.get(req.params["id"])
    if session is None or parse_iso(session["createdDate"]) > api.clock():
        raise ApiError(404, "not.found", f"journey session {req.params['id']} not found")
    return 200, session


@route("GET", "/api/v2/journey/sessions/{id}/events", "journey_session_events", "journey:readonly")
def session_events(api: Api, req: Request):
    sid = req.params["id"]
    session = api.org.session_by_id.get(sid)
    if session is None or parse_iso(session["createdDate"]) > api.clock():
        raise ApiError(404, "not.found", f"journey session {sid} not found")
    cutoff = iso(api.clock())
    events = [platform_event(e) for e in api.org.activity.session_events[sid] if e["createdDate"] <= cutoff]
    return 200, _after_page(api, req, f"events:{sid}", events, f"/api/v2/journey/sessions/{sid}/events", {})


# The SDK's event type for each kind of web event the org generates (the journey query of the seed
# contract keeps its own types: web.pageview, voice.call, ...).
PLATFORM_EVENT_TYPES = {
    "web.pageview": "com.genesys.journey.WebEvent",
    "web.click": "com.genesys.journey.WebEvent",
    "web.login": "com.genesys.journey.WebEvent",
    "web.form": "com.genesys.journey.WebEvent",
}


def platform_event(event: dict) -> dict:
    """A session event as the Platform API serves it (SDK ``Event``): its ``eventType`` is the SDK's,
    and its ``correlationId`` is the id of the request that caused it, so it differs from event to
    event (a signed-in session's token is no part of it)."""
    digest = hashlib.sha256(f"correlation:{event['id']}".encode()).hexdigest()
    return {
        **event,
        "eventType": PLATFORM_EVENT_TYPES.get(event["eventType"], event["eventType"]),
        "correlationId": str(uuid.UUID(digest[:32])),
    }


# -------------------------------------------------------------------- action maps (Platform API)
AM = "/api/v2/journey/actionmaps"
AGGREGATES = "/api/v2/analytics/journeys/aggregates/query"
ACTION_MAP_GROUPS = ("journeyActionMapId", "journeyActionMapVersion")


@route("GET", AM, "action_maps", "journey:readonly", "platform")
def list_action_maps(api: Api, req: Request):
    now = api.clock()
    items = [action_map_body(m, now) for m in api.org.action_maps if m.is_listed(now)]
    return 200, api._page_numbered(req, items, AM)


@route("GET", AM + "/{id}", "action_map", "journey:readonly", "platform")
def get_action_map(api: Api, req: Request):
    action_map = api.org.action_map_by_id.get(req.params["id"])
    if action_map is None or not action_map.is_listed(api.clock()):
        raise ApiError(404, "not.found", f"action map {req.params['id']} not found")
    return 200, action_map_body(action_map, api.clock())


@route("POST", AGGREGATES, "journey_aggregates", "analytics:readonly", "platform")
def journey_aggregates(api: Api, req: Request):
    """Web action metrics per UTC day, grouped by action map and version (a
    ``JourneyAggregateQueryResponse``); only the grouping and granularity the pipeline asks for."""
    body = req.body if isinstance(req.body, dict) else {}
    start, end = (parse_iso(t) for t in api._interval(body.get("interval")))
    if body.get("granularity") != "P1D" or start.time() != datetime.min.time() or end.time() != datetime.min.time():
        raise ApiError(400, "bad.request", "the sandbox serves granularity P1D over whole UTC days")
    if (end - start).days > 31:
        raise ApiError(400, "bad.request", "the interval spans at most 31 days")
    if not set(body.get("groupBy") or []) <= set(ACTION_MAP_GROUPS):
        raise ApiError(400, "bad.request", f"groupBy supports {', '.join(ACTION_MAP_GROUPS)}")
    offered = [m for m in ACTION_MAP_METRICS if m not in api.withdrawn_metrics]
    metrics = body.get("metrics") or offered
    withdrawn = [m for m in metrics if m in api.withdrawn_metrics]
    if withdrawn:
        raise ApiError(400, "bad.request", f"the metrics {withdrawn} are no longer available")
    unknown = [m for m in metrics if m not in ACTION_MAP_METRICS]
    if unknown:
        raise ApiError(400, "bad.request", f"unknown metrics {unknown}")
    wanted = _action_map_filter(body.get("filter"))
    now, results = api.clock(), []
    for action_map in api.org.action_maps:
        if wanted is not None and action_map.id not in wanted:
            continue
        by_version: dict[int, list[dict]] = {}
        day = start.date()
        while day < end.date():
            for version, counts in sorted(day_metrics_visible(action_map, day, now, api.journey_settle).items()):
                by_version.setdefault(version, []).append(
                    {
                        "interval": f"{iso(day_start(day))}/{iso(day_start(day + timedelta(days=1)))}",
                        "metrics": [{"metric": m, "stats": {"count": counts[m]}} for m in metrics],
                    }
                )
            day += timedelta(days=1)
        for version, data in sorted(by_version.items()):
            results.append(
                {"group": {"journeyActionMapId": action_map.id, "journeyActionMapVersion": str(version)}, "data": data}
            )
    return 200, {"results": results}


def _action_map_filter(query_filter: object) -> set[str] | None:
    """The action map ids a ``JourneyAggregateQueryFilter`` keeps (``journeyActionMapId`` matches
    one value, or any of several under ``or``); None keeps every map."""
    if query_filter is None:
        return None
    predicates = query_filter.get("predicates") if isinstance(query_filter, dict) else None
    if not isinstance(predicates, list) or not predicates or (len(predicates) > 1 and query_filter.get("type") != "or"):
        raise ApiError(400, "bad.request", "the sandbox filters on journeyActionMapId predicates (type or, or one)")
    wanted = set()
    for predicate in predicates:
        if (
            not isinstance(predicate, dict)
            or predicate.get("dimension") != "journeyActionMapId"
            or predicate.get("operator", "matches") != "matches"
            or not predicate.get("value")
        ):
            raise ApiError(400, "bad.request", "the sandbox filters on journeyActionMapId matches <id> only")
        wanted.add(predicate["value"])
    return wanted


# -------------------------------------------------------------------- journey query (seed contract)
JQ = "/api/v2/analytics/journeys/queries"
JOURNEY_STATES = {
    "QUEUED": "running",
    "PENDING": "running",
    "FULFILLED": "completed",
    "FAILED": "failed",
    "EXPIRED": "expired",
}


@route("POST", JQ, "journey_query_submit", "journey:readonly", "seed")
def submit_journey_query(api: Api, req: Request):
    body = req.body if isinstance(req.body, dict) else {}
    time_range = body.get("timeRange")
    if body.get("type") != "journey" or not isinstance(time_range, dict):
        raise ApiError(400, "bad.request", "type must be journey, with a timeRange")
    start, end = api._interval(f"{time_range.get('from')}/{time_range.get('to')}")
    cutoff = iso(api.clock())
    lo, hi = bisect.bisect_left(api._event_times, start), bisect.bisect_left(api._event_times, end)
    records = [
        {**e, "channel": "voice" if e["eventType"].startswith("voice.") else "web"}
        for e in api.org.activity.events[lo:hi]
        if e["createdDate"] <= cutoff
    ]
    records = api.damaged(records, "id", "createdDate")
    job = api.submit_job("journey", req, records)
    return 202, {"id": job.id, "state": JOURNEY_STATES[api.jobs.state(job)], "selfUri": f"{JQ}/{job.id}"}


@route("GET", JQ + "/{jobId}", "journey_query_status", "journey:readonly", "seed")
def journey_query_status(api: Api, req: Request):
    job = _job(api, req, "journey")
    status = api.jobs.status_body(job)
    body = {
        "id": job.id,
        "state": JOURNEY_STATES[status["state"]],
        "selfUri": f"{JQ}/{job.id}",
        "submittedDate": status["submissionDate"],
        "expirationDate": status["expirationDate"],
    }
    if "errorMessage" in status:
        body["errorMessage"] = status["errorMessage"]
    return 200, body


@route("GET", JQ + "/{jobId}/results", "journey_query_results", "journey:readonly", "seed")
def journey_query_results(api: Api, req: Request):
    job = _job(api, req, "journey")
    state = JOURNEY_STATES[api.jobs.state(job)]
    if state != "completed":
        raise ApiError(400, "query.not.completed", f"query {job.id} is {state}, not completed")
    size = api._int(req.query, "pageSize", 1000, 1, 10000)
    offset = api._offset(f"journey:{job.id}", req.query.get("cursor"))
    more = offset + size < len(job.records)
    body = {
        "id": job.id,
        "events": api.result_page(job.records, offset, size),
        "hasMore": more,
        "totalEvents": len(job.records),
    }
    if more:
        body["cursor"] = api.tokens.make(f"journey:{job.id}", offset + size)
    return 200, body


# -------------------------------------------------------------------- token introspection (real API)
# -------------------------------------------------------------------- the directory (Platform API)
@route("GET", "/api/v2/routing/queues", "routing_queues", "routing:readonly")
def list_queues(api: Api, req: Request):
    now, directory = api.clock(), api.org.directory
    queues = [queue_body(directory, q, now) for q in directory.queues if q.listed_at(now) and req.sees([q.division_id])]
    return 200, api._page_numbered(req, queues, "/api/v2/routing/queues")


@route("GET", "/api/v2/users", "users", "users:readonly")
def list_users(api: Api, req: Request):
    """Active users by default, as the platform lists them; ``state=any`` (or ``deleted``) adds those who left."""
    now, directory = api.clock(), api.org.directory
    state = req.query.get("state", "active")
    if state not in ("active", "inactive", "deleted", "any"):
        raise ApiError(400, "bad.request", "state must be active, inactive, deleted or any")
    users = [user_body(directory, a, now) for a in directory.agents if req.sees([a.division_id])]
    users = [u for u in users if state == "any" or u["state"] == state]
    return 200, api._page_numbered(req, users, "/api/v2/users", {"state": state})


@route("GET", "/api/v2/routing/wrapupcodes", "routing_wrapup_codes", "routing:readonly")
def list_wrap_up_codes(api: Api, req: Request):
    codes = [wrap_up_code_body(code_id, name) for code_id, name in api.org.directory.wrap_up_codes_at(api.clock())]
    return 200, api._page_numbered(req, codes, "/api/v2/routing/wrapupcodes")


@route("GET", "/api/v2/authorization/divisions", "authorization_divisions", "authorization:readonly")
def list_divisions(api: Api, req: Request):
    directory = api.org.directory
    divisions = [division_body(directory, d, name) for d, name in directory.divisions if req.sees([d])]
    return 200, api._page_numbered(req, divisions, "/api/v2/authorization/divisions")


@route("GET", "/api/v2/tokens/me", "token_info", None)
def token_info(api: Api, req: Request):
    return 200, {
        "organization": {"id": "00000000-0000-4000-8000-000000000042", "name": "Sandbox Org"},
        "OAuthClient": {"id": req.client_id, "name": req.client_id},
        "authorizedScope": list(req.scopes),
    }
