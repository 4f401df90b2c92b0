"""Pseudonymization before anything touches disk: emails, phones, cookies, IPs, device
fingerprints and free text become a keyed HMAC of their normalized value, so one identifier always
maps to one token and the clear value is never written. The key never reaches a log."""

from __future__ import annotations

import hashlib
import hmac

TOKEN_PREFIX = "pii_"


def normalize_email(raw: str) -> str:
    return raw.strip().lower()


def normalize_phone(raw: str, region: str = "US") -> str | None:
    """E.164 for anything phonenumbers can parse (``tel:`` URIs included); None otherwise."""
    # Imported on first use: the DAG files import the stream registry, which names these rules, at
    # parse time, and phonenumbers' metadata costs more than a whole DAG file should.
    import phonenumbers

    text = raw.strip()
    if text.lower().startswith("tel:"):
        text = text[4:]
    try:
        number = phonenumbers.parse(text, region or "US")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class Pseudonymizer:
    def __init__(self, key: bytes, default_region: str = "US"):
        if len(key) < 16:
            raise ValueError("the pseudonymization key must be at least 16 bytes")
        self._key = key
        self.default_region = default_region

    def __repr__(self) -> str:  # never show the key
        return "Pseudonymizer(key=***)"

    def token(self, kind: str, normalized: str) -> str:
        digest = hmac.new(self._key, f"{kind}:{normalized}".encode(), hashlib.sha256).hexdigest()
        return f"{TOKEN_PREFIX}{kind}_{digest[:32]}"

    def email(self, raw: str) -> str:
        return self.token("email", normalize_email(raw))

    def phone(self, raw: str, region: str | None = None) -> str:
        e164 = normalize_phone(raw, region or self.default_region)
        # An unparseable number still gets a stable token of its digits; it just joins nothing.
        return self.token("phone", e164) if e164 else self.token("phone_raw", "".join(c for c in raw if c.isalnum()))

    def address(self, raw: str) -> str:
        """A conversation address: an email, a phone or tel: URI, or a social handle."""
        if "@" in raw:
            return self.email(raw)
        if normalize_phone(raw, self.default_region):
            return self.phone(raw)
        return self.token("handle", raw.strip().lower())

    def cookie(self, raw: str) -> str:
        return self.token("cookie", raw.strip())

    def ip(self, raw: str) -> str:
        return self.token("ip", raw.strip())

    def device(self, raw: str) -> str:
        return self.token("device", raw.strip())

    def text(self, raw: str) -> str:
        return self.token("text", " ".join(raw.split()))
