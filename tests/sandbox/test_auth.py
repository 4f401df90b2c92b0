"""OAuth client credentials, token expiry and the scopes a token carries."""

from __future__ import annotations

import time

import pytest

from genesys_sandbox.auth import OAuthClient

from .helpers import PE

pytestmark = pytest.mark.integration


def test_wrong_secret_missing_and_unknown_tokens_get_401(api):
    response = api.http.post(
        f"{api.base_url}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=("sandbox", "not-the-secret"),
        timeout=10,
    )
    assert response.status_code == 401
    assert api.http.get(f"{api.base_url}{PE}/campaigns", timeout=10).status_code == 401
    response = api.http.get(f"{api.base_url}{PE}/campaigns", headers={"Authorization": "Bearer forged"}, timeout=10)
    assert response.status_code == 401 and response.json()["code"] == "bad.credentials"


def test_a_token_expires_after_its_ttl(sandbox_factory):
    _, api = sandbox_factory(token_ttl_seconds=1)
    assert api.login()["expires_in"] == 1
    assert api.get(f"{PE}/campaigns").status_code == 200
    time.sleep(1.3)
    assert api.get(f"{PE}/campaigns").status_code == 401
    api.login()
    assert api.get(f"{PE}/campaigns").status_code == 200


def test_tokens_carry_the_scopes_their_client_was_configured_with(sandbox_factory):
    writer = OAuthClient.parse("admin:admin-secret:journey,predictive-engagement:edit,external-contacts:readonly")
    reader = OAuthClient.parse("reader:reader-secret:journey:readonly")
    sandbox, api = sandbox_factory(clients=[writer, reader])
    token = api.login()
    assert token["scope"].split() == ["journey", "predictive-engagement:edit", "external-contacts:readonly"]
    assert api.ok("GET", "/api/v2/tokens/me")["authorizedScope"] == token["scope"].split()

    from tests.conftest import SandboxSession, url_of

    limited = SandboxSession(url_of(sandbox), reader)
    assert limited.login()["scope"] == "journey:readonly"
    denied = limited.get(f"{PE}/campaigns")
    assert denied.status_code == 403 and denied.json()["code"] == "missing.any.permissions"


def test_client_spec_parsing():
    client = OAuthClient.parse("id:secret:analytics:readonly journey:readonly")
    assert (client.client_id, client.secret, client.scopes) == (
        "id",
        "secret",
        ("analytics:readonly", "journey:readonly"),
    )
    assert "journey:readonly" in OAuthClient.parse("id:secret").scopes
    with pytest.raises(ValueError):
        OAuthClient.parse("no-secret")
