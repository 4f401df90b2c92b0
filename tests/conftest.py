"""Shared fixtures: sandboxes on free local ports, spoken to over real HTTP."""

from __future__ import annotations

import base64
import os
import tempfile
from contextlib import contextmanager
from datetime import date, datetime, timezone

import pytest
import requests

from genesys_sandbox.auth import DEFAULT_CLIENT, OAuthClient
from genesys_sandbox.org import OrgConfig
from genesys_sandbox.server import Sandbox, ServerConfig

# Airflow reads its home on first import: keep tests away from any real ~/airflow.
os.environ.setdefault("AIRFLOW_HOME", tempfile.mkdtemp(prefix="airflow_home_"))
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")

END_DATE = date(2026, 11, 21)
# The org's clock two days after the last day: every day has settled except the last two.
NOW = datetime(2026, 11, 23, 6, 0, tzinfo=timezone.utc)


class SandboxSession:
    """Plain HTTP to a running sandbox as one OAuth client (the tests' own, not the pipeline's)."""

    def __init__(self, base_url: str, client: OAuthClient = DEFAULT_CLIENT):
        self.base_url = base_url
        self.client = client
        self.http = requests.Session()
        self.token: str | None = None

    def login(self) -> dict:
        basic = base64.b64encode(f"{self.client.client_id}:{self.client.secret}".encode()).decode()
        response = self.http.post(
            f"{self.base_url}/oauth/token",
            data={"grant_type": "client_credentials"},
            headers={"Authorization": f"Basic {basic}"},
            timeout=10,
        )
        response.raise_for_status()
        body = response.json()
        self.token = body["access_token"]
        return body

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        if self.token is None:
            self.login()
        url = path if path.startswith("http") else f"{self.base_url}{path}"
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        return self.http.request(method, url, headers=headers, timeout=30, **kwargs)

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def ok(self, method: str, path: str, **kwargs) -> dict:
        response = self.request(method, path, **kwargs)
        assert response.status_code in (200, 202), f"{method} {path}: {response.status_code} {response.text[:300]}"
        return response.json()

    def control(self, **body) -> dict:
        response = self.http.post(f"{self.base_url}/sandbox/control", json=body, timeout=10)
        response.raise_for_status()
        return response.json()

    def stats(self) -> dict:
        return self.http.get(f"{self.base_url}/sandbox/stats", timeout=10).json()


def pytest_addoption(parser):
    parser.addoption(
        "--baseline-rev",
        default=None,
        help="the git revision whose marts -m baseline compares with (make compare-marts)",
    )


def start_sandbox(**overrides) -> Sandbox:
    org = OrgConfig(
        seed=overrides.pop("seed", 42),
        customers=overrides.pop("customers", 300),
        days=overrides.pop("days", 7),
        end_date=overrides.pop("end_date", END_DATE),
    )
    settings = {"now": NOW, "job_latency_seconds": 0.6, "rate_limit_per_minute": 100000, **overrides}
    config = ServerConfig(org=org, port=0, **settings)
    return Sandbox(config).start_background()


def url_of(sandbox: Sandbox) -> str:
    host, port = sandbox.address
    return f"http://{host}:{port}"


@pytest.fixture(scope="session")
def shared_sandbox():
    """One read-only sandbox for the tests that only read: do not move its clock."""
    sandbox = start_sandbox()
    yield sandbox
    sandbox.shutdown()


@pytest.fixture
def api(shared_sandbox) -> SandboxSession:
    return SandboxSession(url_of(shared_sandbox))


@pytest.fixture
def sandbox_factory():
    """Private sandboxes with their own settings (clock, limits, faults); shut down after the test."""
    started: list[Sandbox] = []

    def make(**overrides) -> tuple[Sandbox, SandboxSession]:
        clients = overrides.get("clients")
        sandbox = start_sandbox(**overrides)
        started.append(sandbox)
        return sandbox, SandboxSession(url_of(sandbox), clients[0] if clients else DEFAULT_CLIENT)

    yield make
    for sandbox in started:
        sandbox.shutdown()


@contextmanager
def pipeline_environment(data_dir, pii_key: str):
    """The environment the pipeline reads in this process (data directory, pseudonymization key,
    the warehouse beside the data), restored afterwards."""
    saved = dict(os.environ)
    os.environ.update({"GENESYS_ELT_DATA_DIR": str(data_dir), "GENESYS_ELT_PII_KEY": pii_key})
    os.environ.pop("GENESYS_ELT_WAREHOUSE", None)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
