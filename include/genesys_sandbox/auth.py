"""OAuth client credentials: configured clients, issued bearer tokens with expiry and scopes."""

from __future__ import annotations

import base64
import secrets
import threading
import time
from dataclasses import dataclass

READ_SCOPES = (
    "analytics:readonly",
    "conversations:readonly",
    "external-contacts:readonly",
    "journey:readonly",
    "predictive-engagement:view",
    "predictive-engagement:analytics:view",
    "routing:readonly",
    "users:readonly",
    "authorization:readonly",
)


@dataclass(frozen=True)
class OAuthClient:
    client_id: str
    secret: str
    scopes: tuple[str, ...]

    @classmethod
    def parse(cls, text: str) -> "OAuthClient":
        """``ID:SECRET:SCOPES``; scopes contain colons, so only the first two separate fields.
        SCOPES is comma- or space-separated; empty means the default read-only set."""
        parts = text.split(":", 2)
        if len(parts) < 2 or not parts[0] or not parts[1]:
            raise ValueError(f"client must be ID:SECRET[:SCOPES], got {text!r}")
        scopes = tuple(s for s in (parts[2] if len(parts) == 3 else "").replace(",", " ").split() if s)
        return cls(parts[0], parts[1], scopes or READ_SCOPES)


DEFAULT_CLIENT = OAuthClient("sandbox", "sandbox-secret", READ_SCOPES)


@dataclass
class Token:
    value: str
    client: OAuthClient
    expires_at: float  # monotonic


class TokenStore:
    def __init__(self, clients: list[OAuthClient], ttl_seconds: int):
        self.clients = {c.client_id: c for c in clients}
        self.ttl = ttl_seconds
        self._tokens: dict[str, Token] = {}
        self._lock = threading.Lock()

    def authenticate_basic(self, header: str | None) -> OAuthClient | None:
        if not header or not header.startswith("Basic "):
            return None
        try:
            client_id, secret = base64.b64decode(header[6:]).decode().split(":", 1)
        except (ValueError, UnicodeDecodeError):
            return None
        client = self.clients.get(client_id)
        if client is None or not secrets.compare_digest(client.secret, secret):
            return None
        return client

    def issue(self, client: OAuthClient) -> Token:
        token = Token(secrets.token_urlsafe(32), client, time.monotonic() + self.ttl)
        with self._lock:
            self._tokens[token.value] = token
        return token

    def check_bearer(self, header: str | None) -> OAuthClient | None:
        if not header or not header.startswith("Bearer "):
            return None
        with self._lock:
            token = self._tokens.get(header[7:])
            if token is None:
                return None
            if token.expires_at <= time.monotonic():
                del self._tokens[token.value]
                return None
            return token.client

    def revoke_all(self) -> int:
        with self._lock:
            count = len(self._tokens)
            self._tokens.clear()
            return count
