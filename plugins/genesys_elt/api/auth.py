"""OAuth client credentials against the login host: one cached token per client, refreshed
120 s before it expires and once after a 401; a token with write scopes is refused."""

from __future__ import annotations

import logging
import threading
import time

import requests

from ..errors import AuthError, TransientError, WriteScopeRefused
from ..settings import ClientCredentials

log = logging.getLogger(__name__)
REFRESH_MARGIN_SECONDS = 120
READ_ONLY_SUFFIXES = (":readonly", ":view")
NEUTRAL_SCOPES = {"offline_access", "openid"}


def write_scopes(scopes: list[str]) -> list[str]:
    return [s for s in scopes if s not in NEUTRAL_SCOPES and not s.endswith(READ_ONLY_SUFFIXES)]


class TokenProvider:
    def __init__(
        self,
        http: requests.Session,
        login_base: str,
        api_base: str,
        credentials: ClientCredentials,
        verify: bool = True,
        clock=time.monotonic,
    ):
        self._http = http
        self._token_url = f"{login_base}/oauth/token"
        self._scope_url = f"{api_base}/api/v2/tokens/me"
        self._credentials = credentials
        self._verify = verify
        self._clock = clock
        self._token: str | None = None
        self._refresh_at = 0.0
        self._lock = threading.Lock()
        self.fetches = 0

    @property
    def client_id(self) -> str:
        return self._credentials.client_id

    def token(self) -> str:
        with self._lock:
            if self._token is None or self._clock() >= self._refresh_at:
                self._fetch()
            return self._token

    def invalidate(self, token: str) -> None:
        """Called after a 401: the next caller fetches a new token (once, however many threads saw it)."""
        with self._lock:
            if self._token == token:
                self._token = None

    def _fetch(self) -> None:
        try:
            response = self._http.post(
                self._token_url,
                data={"grant_type": "client_credentials"},
                auth=(self._credentials.client_id, self._credentials.secret),
                timeout=30,
                verify=self._verify,
            )
        except requests.RequestException as exc:
            raise TransientError(f"token request failed: {type(exc).__name__}") from None
        if response.status_code in (400, 401, 403):
            raise AuthError(
                f"the login host refused client {self._credentials.client_id!r} "
                f"({response.status_code}): check the client id and secret"
            )
        if response.status_code != 200:
            raise TransientError(f"token request answered {response.status_code}")
        try:
            body = response.json()
            token, lifetime = body["access_token"], float(body.get("expires_in", 86400))
        except (ValueError, KeyError, TypeError):
            raise TransientError("token response was not valid JSON") from None
        scopes = body.get("scope")
        scopes = scopes.split() if isinstance(scopes, str) else self._introspect(token)
        refused = write_scopes(scopes)
        if refused:
            raise WriteScopeRefused(
                f"client {self._credentials.client_id!r} holds write scopes {refused}; "
                "give the extraction client read-only scopes"
            )
        # Refresh 120 s early; a very short-lived token (as some tests use) is refreshed at half-life.
        self._token = token
        self._refresh_at = self._clock() + lifetime - min(REFRESH_MARGIN_SECONDS, lifetime / 2)
        self.fetches += 1
        log.info("token obtained for client %s (expires in %ds)", self._credentials.client_id, lifetime)

    def _introspect(self, token: str) -> list[str]:
        try:
            response = self._http.get(
                self._scope_url, headers={"Authorization": f"Bearer {token}"}, timeout=30, verify=self._verify
            )
            return list(response.json().get("authorizedScope", []))
        except (requests.RequestException, ValueError, AttributeError):
            raise TransientError("could not read the token's scopes") from None
