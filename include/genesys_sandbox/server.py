"""The HTTP server: OAuth, per-client rate limits, latency, injected faults, then the API routes.

Listens at once and answers ``/sandbox/health`` with 503 until the org is generated, so a
supervisor can wait for it. Admin routes under ``/sandbox/`` need no token."""

from __future__ import annotations

import json
import logging
import socket
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from .api import Api, ApiError, Request, scope_allows
from .auth import DEFAULT_CLIENT, OAuthClient, TokenStore
from .jobs import JobBoard
from .limits import FAULT_KINDS, FaultInjector, RateLimiter, Stats
from .org import OrgConfig, generate, ground_truth
from .paging import PageTokens
from .timefmt import iso, parse_iso

log = logging.getLogger("genesys_sandbox")
# The code of each status a path the org does not serve may answer with (--unserved-status).
UNSERVED_CODES = {404: "not.found", 400: "bad.request", 403: "not.authorized", 405: "method.not.allowed"}


@dataclass
class ServerConfig:
    org: OrgConfig = field(default_factory=OrgConfig)
    host: str = "127.0.0.1"
    port: int = 8765
    rate_limit_per_minute: int = 300
    rate_window_seconds: float = 60.0
    latency_ms: int = 0
    fault_rate: float = 0.0
    fault_kinds: tuple[str, ...] = FAULT_KINDS
    fault_burst: int = 1
    bad_record_rate: float = 0.0  # share of conversations and journey events that arrive broken
    overlapping_pages: bool = False  # async result pages repeat the previous page's last record
    token_ttl_seconds: int = 86400
    clients: list[OAuthClient] = field(default_factory=lambda: [DEFAULT_CLIENT])
    now: datetime | None = None  # frozen simulated clock; None follows the wall clock
    job_latency_seconds: float = 2.0
    job_ttl_seconds: float = 3600.0
    job_failure_rate: float = 0.0
    availability_lag_minutes: int = 90
    other_consumer_per_minute: int = 0  # another integration spending each client's budget
    api_profile: str = "full"  # full: seed contract and Platform paths; platform: a real org's; seed: no new paths
    merged_contact_answer: str = "head"  # what a GET of a merged-away contact answers: the head, or its record
    # client id -> the division names its role grants (a client not named sees every division)
    client_divisions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # What a path the org does not serve answers. The public documentation does not say: 404 is
    # the likeliest, but a gateway may answer 400, 403 or 405, and the pipeline must hold for each.
    unserved_status: int = 404
    token_scope: bool = True  # the token response names its scopes (the platform need not)
    bulk_contact_ids: int = 100  # the most ids one bulk contact fetch takes (the SDK gives no maximum)
    # Analytics jobs a client may have running at once, and submit per minute (0: no limit); a
    # submission beyond either is refused with 429, apart from the per-minute request budget.
    job_concurrency: int = 0
    job_submissions_per_minute: int = 0
    journey_settle_hours: float = 24.0  # a day's action-map figures fill in over this long after it ends
    withdrawn_metrics: tuple[str, ...] = ()  # journey aggregates metrics a query may no longer name


class Clock:
    """The org's idea of now: the wall clock, or a frozen instant that tests move explicitly."""

    def __init__(self, frozen: datetime | None):
        self._frozen = frozen
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self._frozen or datetime.now(timezone.utc)

    def set(self, value: datetime) -> None:
        with self._lock:
            self._frozen = value


class Sandbox:
    def __init__(self, config: ServerConfig):
        self.config = config
        self.clock = Clock(config.now)
        self.tokens = TokenStore(config.clients, config.token_ttl_seconds)
        self.limiter = RateLimiter(
            config.rate_limit_per_minute, config.rate_window_seconds, config.other_consumer_per_minute
        )
        self.faults = FaultInjector(config.org.seed, config.fault_rate, config.fault_kinds, config.fault_burst)
        self.token_outage = 0  # the next N token requests fail with 503 (set through /sandbox/control)
        self._outage_lock = threading.Lock()
        self.stats = Stats()
        self.jobs = JobBoard(
            config.org.seed,
            config.job_latency_seconds,
            config.job_ttl_seconds,
            config.job_failure_rate,
            config.job_concurrency,
            config.job_submissions_per_minute,
        )
        self.api: Api | None = None
        self._truth: bytes | None = None
        self._truth_lock = threading.Lock()
        self.httpd = _Server((config.host, config.port), _Handler)
        self.httpd.sandbox = self

    @property
    def address(self) -> tuple[str, int]:
        return self.httpd.server_address[:2]

    def load(self) -> None:
        started = time.monotonic()
        org = generate(self.config.org)
        self.api = Api(
            org,
            self.clock,
            self.jobs,
            PageTokens(f"pages:{self.config.org.seed}"),
            timedelta(minutes=self.config.availability_lag_minutes),
            self.config.bad_record_rate,
            self.config.overlapping_pages,
            self.config.api_profile,
            self.config.merged_contact_answer,
            self.config.bulk_contact_ids,
            timedelta(hours=self.config.journey_settle_hours),
            self.config.withdrawn_metrics,
        )
        log.info(
            "org generated in %.1fs: %d conversations, %d journey events",
            time.monotonic() - started,
            len(org.conversations),
            len(org.activity.events),
        )

    def divisions_of(self, client_id: str) -> frozenset[str] | None:
        """The division ids a client's role grants, or None for every division."""
        names = self.config.client_divisions.get(client_id)
        if names is None:
            return None
        return frozenset(self.api.org.directory.division_named(name) for name in names)

    def take_token_outage(self) -> bool:
        with self._outage_lock:
            if self.token_outage > 0:
                self.token_outage -= 1
                return True
            return False

    def truth_bytes(self) -> bytes:
        with self._truth_lock:
            if self._truth is None:
                self._truth = json.dumps(ground_truth(self.api.org), sort_keys=True).encode()
            return self._truth

    def serve_forever(self) -> None:
        loader = threading.Thread(target=self.load, name="org-generator", daemon=True)
        loader.start()
        self.httpd.serve_forever(poll_interval=0.2)

    def start_background(self) -> "Sandbox":
        """Generate, then serve on a daemon thread (for tests and embedding)."""
        self.load()
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
        return self

    def shutdown(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    allow_reuse_address = True
    sandbox: Sandbox

    def handle_error(self, request, client_address):
        # A client that hangs up mid-answer (killed, timed out) is normal here, not a server error.
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in separate writes; avoid 40 ms stalls
    server: _Server

    def log_message(self, fmt, *args):  # noqa: D401 - route access logs to logging, quietly
        log.debug("%s %s", self.address_string(), fmt % args)

    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")

    # ------------------------------------------------------------------ plumbing
    def _send(
        self,
        status: int,
        body: object,
        headers: dict[str, str] | None = None,
        truncate: bool = False,
        malformed: bool = False,
    ):
        payload = json.dumps(body, separators=(",", ":")).encode() if body is not None else b""
        if malformed:  # what a misbehaving proxy returns: a complete response that is not JSON
            payload = b"<html><body><h1>200 OK</h1>upstream sent an empty reply{" + payload[:16]
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if truncate:
            self.wfile.write(payload[: max(1, len(payload) // 2)])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.wfile.write(payload)

    def _error(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        self._send(
            status,
            # contextId names the request (what Genesys support asks for): unique per answer.
            {"message": message, "code": code, "status": status, "contextId": str(uuid.uuid4())},
            headers,
        )

    def _read_body(self) -> object:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        ctype = self.headers.get("Content-Type", "")
        if not raw:
            return None
        if ctype.startswith("application/x-www-form-urlencoded"):
            return dict(parse_qsl(raw.decode()))
        try:
            return json.loads(raw)
        except ValueError:
            raise ApiError(400, "bad.request", "body is not valid JSON") from None

    def _handle(self, method: str):
        sandbox = self.server.sandbox
        url = urlsplit(self.path)
        try:
            body = self._read_body()
        except ApiError as exc:
            return self._error(exc.status, exc.code, exc.message)
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        if url.path.startswith("/sandbox/"):
            return self._admin(method, url.path, body)
        if sandbox.api is None:
            return self._error(
                503, "service.unavailable", "the sandbox org is still being generated", {"Retry-After": "1"}
            )
        if method == "POST" and url.path == "/oauth/token":
            return self._token(body)

        client = sandbox.tokens.check_bearer(self.headers.get("Authorization"))
        if client is None:
            return self._error(401, "bad.credentials", "Invalid login credentials or the token has expired.")
        resolved = sandbox.api.resolve(method, url.path)
        endpoint = resolved[0].name if resolved else "unknown"
        admitted, used, wait = sandbox.limiter.admit(client.client_id)
        limit_headers = {
            "inin-ratelimit-allowed": str(sandbox.limiter.per_window),
            "inin-ratelimit-count": str(used),
            "inin-ratelimit-reset": str(wait),
        }
        if not admitted:
            sandbox.stats.record(client.client_id, endpoint, 429, limited=True)
            return self._error(
                429,
                "too.many.requests",
                f"Rate limit exceeded the maximum. Retry the request in [{wait}] seconds",
                {"Retry-After": str(wait), **limit_headers},
            )
        if sandbox.config.latency_ms:
            time.sleep(sandbox.config.latency_ms / 1000)
        fault = sandbox.faults.decide(client.client_id)
        if fault in ("429", "500", "502", "503", "drop"):
            sandbox.stats.record(client.client_id, endpoint, 0 if fault == "drop" else int(fault), fault=fault)
            if fault == "drop":
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            if fault == "429":
                return self._error(
                    429,
                    "too.many.requests",
                    "Rate limit exceeded the maximum. Retry the request in [1] seconds",
                    {"Retry-After": "1", **limit_headers},
                )
            return self._error(
                int(fault),
                "internal.server.error" if fault == "500" else "service.unavailable",
                f"injected fault {fault}",
            )
        if resolved is None:
            status = sandbox.config.unserved_status
            sandbox.stats.record(client.client_id, endpoint, status)
            return self._error(status, UNSERVED_CODES[status], f"no route for {method} {url.path}")
        route, params = resolved
        if not scope_allows(client.scopes, route.scope):
            sandbox.stats.record(client.client_id, endpoint, 403)
            return self._error(403, "missing.any.permissions", f"the token lacks the scope {route.scope}")
        request = Request(
            method,
            url.path,
            query,
            body,
            client.client_id,
            client.scopes,
            params,
            sandbox.divisions_of(client.client_id),
        )
        try:
            status, payload = route.handler(sandbox.api, request)
        except ApiError as exc:
            sandbox.stats.record(client.client_id, endpoint, exc.status, limited=exc.status == 429)
            retry = {"Retry-After": str(exc.retry_after)} if exc.retry_after is not None else {}
            return self._error(exc.status, exc.code, exc.message, {**limit_headers, **retry})
        sandbox.stats.record(client.client_id, endpoint, status, fault=fault)
        self._send(status, payload, limit_headers, truncate=fault == "truncate", malformed=fault == "malformed")

    def _token(self, body: object):
        sandbox = self.server.sandbox
        if sandbox.take_token_outage():
            sandbox.stats.record("login", "oauth_token", 503, fault="token_outage")
            return self._error(503, "service.unavailable", "the login service is unavailable")
        client = sandbox.tokens.authenticate_basic(self.headers.get("Authorization"))
        if client is None and isinstance(body, dict) and body.get("client_id"):
            client = sandbox.tokens.authenticate_basic(
                "Basic "
                + __import__("base64")
                .b64encode(f"{body['client_id']}:{body.get('client_secret', '')}".encode())
                .decode()
            )
        if not isinstance(body, dict) or body.get("grant_type") != "client_credentials":
            return self._error(400, "invalid_request", "grant_type must be client_credentials")
        if client is None:
            return self._error(401, "invalid_client", "client authentication failed")
        token = sandbox.tokens.issue(client)
        answer = {"access_token": token.value, "token_type": "bearer", "expires_in": sandbox.tokens.ttl}
        if sandbox.config.token_scope:
            answer["scope"] = " ".join(client.scopes)
        self._send(200, answer)

    def _admin(self, method: str, path: str, body: object):
        sandbox = self.server.sandbox
        if method == "GET" and path == "/sandbox/health":
            if sandbox.api is None:
                return self._error(503, "starting", "generating the org", {"Retry-After": "1"})
            cfg = sandbox.config.org
            return self._send(
                200,
                {
                    "status": "ok",
                    "seed": cfg.seed,
                    "customers": cfg.customers,
                    "days": cfg.days,
                    "firstDay": cfg.first_day.isoformat(),
                    "lastDay": cfg.last_day.isoformat(),
                    "now": iso(sandbox.clock()),
                },
            )
        if sandbox.api is None:
            return self._error(503, "starting", "generating the org", {"Retry-After": "1"})
        if method == "GET" and path == "/sandbox/stats":
            return self._send(200, sandbox.stats.snapshot())
        if method == "GET" and path == "/sandbox/truth":
            payload = sandbox.truth_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            return
        if method == "POST" and path == "/sandbox/control":
            return self._control(body if isinstance(body, dict) else {})
        return self._error(404, "not.found", f"no sandbox route {method} {path}")

    def _control(self, body: dict):
        """Test hooks: move the clock, decide the next async jobs' fate, revoke every token, make the
        token endpoint fail for its next N requests, withdraw journey aggregates metrics."""
        sandbox = self.server.sandbox
        try:
            if "now" in body:
                sandbox.clock.set(parse_iso(body["now"]))
            if "advanceSeconds" in body:
                sandbox.clock.set(sandbox.clock() + timedelta(seconds=float(body["advanceSeconds"])))
            if "nextJobs" in body:
                spec = body["nextJobs"]
                sandbox.jobs.force_next(spec["outcome"], int(spec.get("count", 1)))
            if "failTokenRequests" in body:
                sandbox.token_outage = int(body["failTokenRequests"])
            if "withdrawnMetrics" in body:  # the day the platform withdraws metrics (journey outcomes)
                sandbox.api.withdrawn_metrics = frozenset(str(m) for m in body["withdrawnMetrics"])
            revoked = sandbox.tokens.revoke_all() if body.get("revokeTokens") else 0
        except (KeyError, TypeError, ValueError) as exc:
            return self._error(400, "bad.request", f"bad control request: {exc}")
        return self._send(200, {"now": iso(sandbox.clock()), "revokedTokens": revoked})
