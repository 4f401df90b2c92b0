"""Lands large raw datasets quickly: the real extractor (paginators, validation, pseudonymization,
atomic slices) talks to a sandbox org in this process through a ``requests`` transport adapter
instead of a socket. Only the benchmarks' data preparation uses it; what they measure goes over
HTTP or reads the files it lands."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from genesys_elt.extract.extractor import Extractor
from genesys_elt.streams import STREAM_NAMES as STREAMS
from genesys_sandbox.api import ApiError, Request
from genesys_sandbox.org import OrgConfig
from genesys_sandbox.server import Sandbox, ServerConfig

from .common import NOW, settings_for

BASE = "http://localhost:9"  # never opened: the adapter answers for it


class SandboxAdapter(BaseAdapter):
    def __init__(self, sandbox: Sandbox):
        super().__init__()
        self.sandbox = sandbox

    def send(self, request, **kwargs) -> requests.Response:
        url = urlsplit(request.url)
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        if url.path == "/oauth/token":
            client = self.sandbox.tokens.authenticate_basic(request.headers.get("Authorization"))
            if client is None:
                return self._answer(request, 401, {"message": "client authentication failed"})
            token = self.sandbox.tokens.issue(client)
            return self._answer(
                request,
                200,
                {
                    "access_token": token.value,
                    "token_type": "bearer",
                    "expires_in": self.sandbox.tokens.ttl,
                    "scope": " ".join(client.scopes),
                },
            )
        client = self.sandbox.tokens.check_bearer(request.headers.get("Authorization"))
        resolved = self.sandbox.api.resolve(request.method, url.path)
        if client is None or resolved is None:
            return self._answer(request, 401 if client is None else 404, {"message": "refused"})
        route, params = resolved
        body = json.loads(request.body) if request.body else None
        try:
            status, payload = route.handler(
                self.sandbox.api,
                Request(request.method, url.path, query, body, client.client_id, client.scopes, params),
            )
        except ApiError as exc:
            status, payload = exc.status, {"message": exc.message, "code": exc.code, "status": exc.status}
        return self._answer(request, status, payload)

    @staticmethod
    def _answer(request, status: int, payload: object) -> requests.Response:
        response = requests.Response()
        response.status_code = status
        response._content = json.dumps(payload).encode()
        response.headers = CaseInsensitiveDict({"Content-Type": "application/json"})
        response.encoding = "utf-8"
        response.url = request.url
        response.request = request
        return response

    def close(self) -> None:
        pass


def in_process_sandbox(org: OrgConfig, **server_options) -> Sandbox:
    options = {"now": NOW, "job_latency_seconds": 0.0, "rate_limit_per_minute": 0, **server_options}
    sandbox = Sandbox(ServerConfig(org=org, port=0, **options))
    sandbox.httpd.server_close()  # never served: the adapter calls the API directly
    sandbox.load()
    return sandbox


def extractor_for(sandbox: Sandbox, data_dir: Path) -> Extractor:
    settings = settings_for(BASE, data_dir, rate_limit=10_000_000, poll_budget=60)
    extractor = Extractor.from_settings(settings, clock=sandbox.clock, sleep=lambda seconds: None)
    adapter = SandboxAdapter(sandbox)
    for client in extractor.pool.clients:
        client.http.mount(BASE, adapter)
    return extractor


def land_days(sandbox: Sandbox, data_dir: Path, first: date, last: date, progress=None) -> dict[str, int]:
    """Every stream's slices for each day from ``first`` to ``last``; returns records per stream."""
    extractor = extractor_for(sandbox, data_dir)
    landed = dict.fromkeys(STREAMS, 0)
    day = first
    while day <= last:
        for stream in STREAMS:
            landed[stream] += sum(m["records"] for m in extractor.run(stream, day))
        if progress:
            progress(day, landed)
        day += timedelta(days=1)
    return landed
