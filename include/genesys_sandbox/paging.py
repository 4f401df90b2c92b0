"""Opaque page tokens. A client must follow the token the API gives; it cannot compute one."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json


class BadToken(ValueError):
    pass


class PageTokens:
    def __init__(self, secret: str):
        self._key = hashlib.sha256(secret.encode()).digest()

    def make(self, scope: str, offset: int) -> str:
        payload = json.dumps({"s": scope, "o": offset}, separators=(",", ":")).encode()
        sig = hmac.new(self._key, payload, hashlib.sha256).digest()[:8]
        return base64.urlsafe_b64encode(sig + payload).decode().rstrip("=")

    def read(self, scope: str, token: str) -> int:
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            sig, payload = raw[:8], raw[8:]
            if not hmac.compare_digest(sig, hmac.new(self._key, payload, hashlib.sha256).digest()[:8]):
                raise BadToken("signature")
            data = json.loads(payload)
        except (ValueError, TypeError) as exc:
            raise BadToken(f"invalid page token: {token[:20]!r}") from exc
        if data.get("s") != scope or not isinstance(data.get("o"), int) or data["o"] < 0:
            raise BadToken("page token belongs to another query")
        return data["o"]
