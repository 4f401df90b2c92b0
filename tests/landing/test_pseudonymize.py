"""Normalization and pseudonymization of phones, emails and other identifiers, on fixed and on random input."""

from __future__ import annotations

import re
import string

import phonenumbers
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from genesys_elt.landing.pseudonymize import Pseudonymizer, normalize_email, normalize_phone

KEY = b"unit-test-key-0123456789"
PSEUDONYMIZER = Pseudonymizer(b"property-test-key-0123456789")


@pytest.mark.parametrize(
    "raw,region,expected",
    [
        ("4155550199", "US", "+14155550199"),
        ("+1 415-555-0199", "US", "+14155550199"),
        ("tel:+14155550199", "US", "+14155550199"),
        ("(415) 555-0199", "US", "+14155550199"),
        ("07700 900123", "GB", "+447700900123"),
        ("+44 (0)7700 900123", "US", "+447700900123"),
        ("not a phone", "US", None),
        ("", "US", None),
    ],
)
def test_phones_normalize_to_e164(raw, region, expected):
    assert normalize_phone(raw, region) == expected


def test_pseudonyms_are_keyed_stable_and_follow_normalization():
    p = Pseudonymizer(KEY)
    assert p.phone("4155550199") == p.phone("+1 415-555-0199") == p.phone("tel:+14155550199")
    assert p.email(" Elena.Vargas@Example.com ") == p.email("elena.vargas@example.com")
    assert normalize_email(" A@B.COM ") == "a@b.com"
    assert Pseudonymizer(b"another-key-0123456789").email("a@b.com") != p.email("a@b.com")
    assert "unit-test-key" not in repr(p)
    with pytest.raises(ValueError):
        Pseudonymizer(b"short")


regions = st.sampled_from(["US", "GB", "DE", "FR", "BR", "IN", "AU", "JP", "ZA", "MX"])

formats = st.sampled_from(
    [
        phonenumbers.PhoneNumberFormat.E164,
        phonenumbers.PhoneNumberFormat.INTERNATIONAL,
        phonenumbers.PhoneNumberFormat.NATIONAL,
        phonenumbers.PhoneNumberFormat.RFC3966,
    ]
)


@given(
    region=regions,
    style=formats,
    kind=st.sampled_from([phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE]),
)
def test_a_number_written_any_way_normalizes_to_one_e164(region, style, kind):
    number = phonenumbers.example_number_for_type(region, kind)
    assume(number is not None)
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    written = phonenumbers.format_number(number, style)
    assert normalize_phone(written, region) == e164
    assert PSEUDONYMIZER.phone(written, region) == PSEUDONYMIZER.phone(e164, "US")


@given(st.text(max_size=40))
def test_normalizing_hostile_text_never_raises(text):
    result = normalize_phone(text)
    assert result is None or (result.startswith("+") and result[1:].isdigit())
    for token in (PSEUDONYMIZER.phone(text), PSEUDONYMIZER.email(text), PSEUDONYMIZER.address(text)):
        # A kind and 32 hex digits: nothing of the clear text survives (a digit-only text may still
        # match a run of the digest by chance, which is why the shape is checked, not a substring).
        assert re.fullmatch(r"pii_(phone|phone_raw|email|handle)_[0-9a-f]{32}", token), token


@given(
    local=st.text(string.ascii_letters + string.digits + "._+-", min_size=1, max_size=20),
    domain=st.text(string.ascii_letters, min_size=1, max_size=12),
    pad=st.text(" \t", max_size=3),
)
def test_emails_match_whatever_their_case_and_padding(local, domain, pad):
    email = f"{local}@{domain}.com"
    assert (
        normalize_email(pad + email.upper() + pad) == normalize_email(email) == normalize_email(normalize_email(email))
    )
    assert PSEUDONYMIZER.email(pad + email.swapcase()) == PSEUDONYMIZER.email(email)
