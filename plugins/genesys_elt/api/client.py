"""HTTP to Genesys Cloud: pooled connections, one rate budget and one token per OAuth client,
retries with backoff and jitter for 5xx, dropped connections and truncated bodies, ``Retry-After``
honoured on 429. Nothing here logs a header, a token or a secret."""

from __future__ import annotations

import itertools
import logging
import threading

import requests
from requests.adapters import HTTPAdapter
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential_jitter

from ..errors import ApiError, AuthError, NotFound, RateLimited, TransientError
from ..settings import ClientCredentials, Settings
from .auth import TokenProvider
from .rate_budget import RateBudget

log = logging.getLogger(__name__)


def new_http_session(pool_size: int = 16) -> requests.Session:
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=pool_size, pool_maxsize=pool_size, max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


class ApiClient:
    """Everything one OAuth client sends goes through here."""

    def __init__(
        self,
        settings: Settings,
        credentials: ClientCredentials,
        *,
        max_attempts: int = 8,
        backoff_initial: float = 1.0,
        backoff_max: float = 30.0,
    ):
        self.settings = settings
        self.http = new_http_session()
        self.tokens = TokenProvider(self.http, settings.login_base, settings.api_base, credentials, settings.verify_tls)
        self.budget = RateBudget(settings.rate_limit_per_minute, settings.rate_share)
        self.max_attempts = max_attempts
        self._backoff = wait_exponential_jitter(multiplier=backoff_initial, jitter=backoff_initial, max=backoff_max)
        self._lock = threading.Lock()
        self.sent = 0  # requests that reached the wire, retries included
        self.retried = 0

    @property
    def client_id(self) -> str:
        return self.tokens.client_id

    def call(
        self, method: str, path: str, *, params: dict | None = None, json: object = None, own_limit: bool = False
    ) -> dict:
        """One request with retries. ``own_limit``: a 429 here may be a limit of this endpoint alone
        (analytics job submissions are limited apart from the per-minute budget), so it holds back
        only this call for Retry-After, not every request of the client."""
        for attempt in self._retrying():
            with attempt:
                return self._send(method, path, params, json, own_limit)
        raise AssertionError("unreachable")

    def authenticate(self) -> None:
        """Obtains a token now (retrying a login host that fails for a while), so that a wrong
        secret or a write scope stops a task before it writes anything."""
        for attempt in self._retrying():
            with attempt:
                self.tokens.token()
                return

    def _retrying(self) -> Retrying:
        return Retrying(
            stop=stop_after_attempt(self.max_attempts),
            retry=retry_if_exception_type(TransientError),
            wait=self._wait,
            reraise=True,
            before_sleep=self._note_retry,
        )

    def _wait(self, state) -> float:
        exc = state.outcome.exception()
        if isinstance(exc, RateLimited):
            # After a budget 429 the shared budget already holds everyone back for Retry-After.
            return 0.0 if exc.shared else exc.retry_after
        return self._backoff(state)

    def _note_retry(self, state) -> None:
        with self._lock:
            self.retried += 1
        log.warning(
            "retrying after %s (attempt %d of %d)", state.outcome.exception(), state.attempt_number, self.max_attempts
        )

    def _send(self, method: str, path: str, params: dict | None, body: object, own_limit: bool = False) -> dict:
        url = path if path.startswith("http") else f"{self.settings.api_base}{path}"
        shown = path.split("?", 1)[0]
        for refreshed in (False, True):
            self.budget.acquire()
            token = self.tokens.token()
            try:
                response = self.http.request(
                    method,
                    url,
                    params=params,
                    json=body,
                    timeout=60,
                    headers={"Authorization": f"Bearer {token}"},
                    verify=self.settings.verify_tls,
                )
            except requests.RequestException as exc:
                self._count()
                raise TransientError(f"{method} {shown}: {type(exc).__name__}") from None
            self._count()
            if response.status_code == 401:
                self.tokens.invalidate(token)
                if refreshed:
                    raise AuthError(f"{method} {shown}: a fresh token was refused (401)")
                continue
            return self._read(method, shown, response, own_limit)
        raise AssertionError("unreachable")

    def _read(self, method: str, shown: str, response: requests.Response, own_limit: bool = False) -> dict:
        status = response.status_code
        if self.settings.follow_rate_limit_headers:
            self.budget.observe(
                *(_number(response.headers.get(f"inin-ratelimit-{name}")) for name in ("allowed", "count", "reset"))
            )
        if status == 429:
            retry_after = _seconds(response.headers.get("Retry-After"))
            if not own_limit:
                self.budget.pause(retry_after)
            raise RateLimited(retry_after, f"{method} {shown}: 429 {_message(response)}".rstrip(), not own_limit)
        if status >= 500:
            raise TransientError(f"{method} {shown}: {status}")
        message = _message(response)
        if status == 404:
            raise NotFound(status, method, shown, message)
        if status >= 400:
            raise ApiError(status, method, shown, message)
        try:
            return response.json()
        except ValueError:
            raise TransientError(f"{method} {shown}: malformed or truncated JSON body") from None

    def _count(self) -> None:
        with self._lock:
            self.sent += 1


def _seconds(value: str | None) -> float:
    try:
        return max(0.0, float(value)) if value else 1.0
    except ValueError:
        return 1.0


def _number(value: str | None) -> int | None:
    try:
        return int(float(value)) if value else None
    except ValueError:
        return None


def _message(response: requests.Response) -> str:
    try:
        return str(response.json().get("message", ""))[:200]
    except (ValueError, AttributeError):
        return response.text[:200]


class ClientPool:
    """Several OAuth clients with the same read scopes: each has its own budget, and work is dealt
    round-robin, so throughput grows with the number of clients."""

    def __init__(self, settings: Settings, **client_options):
        if not settings.clients:
            raise AuthError("no OAuth client configured")
        self.clients = [ApiClient(settings, c, **client_options) for c in settings.clients]
        self._next = itertools.cycle(range(len(self.clients)))
        self._lock = threading.Lock()

    def pick(self) -> ApiClient:
        with self._lock:
            return self.clients[next(self._next)]

    def call(self, method: str, path: str, **kwargs) -> dict:
        return self.pick().call(method, path, **kwargs)

    def authenticate(self) -> None:
        for client in self.clients:
            client.authenticate()

    @property
    def sent(self) -> int:
        return sum(c.sent for c in self.clients)
