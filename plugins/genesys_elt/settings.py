"""The one settings path: every command, DAG task and reader builds its typed settings here.

- ``Settings``: where the org is and how to log in, from the Airflow connection ``genesys_cloud``
  (its JSON form in ``AIRFLOW_CONN_GENESYS_CLOUD``) or ``GENESYS_CLIENT_ID``/``_SECRET``/``REGION``.
- ``Privacy``: the pseudonymization key and the default phone region, from
  ``GENESYS_ELT_PII_KEY`` or the connection's ``pii_key`` and ``default_region``.
- ``WarehouseSettings``: the dbt target, the DuckDB file and the PostgreSQL coordinates.

Credentials never come from code."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .errors import ConfigError
from .landing.store import landing_root
from .streams import STREAMS

CONN_ENV = "AIRFLOW_CONN_GENESYS_CLOUD"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass(frozen=True)
class ClientCredentials:
    client_id: str
    secret: str = field(repr=False)


RATE_SHARE = 0.85  # of the org's limit, for all the extracting processes together


def _processes_sharing(env, extra) -> int:
    """How many task processes may call the API with one client at once: the Airflow pool's slots
    (GENESYS_ELT_API_POOL_SLOTS, which the pool is created from). Each takes an equal share of the
    budget, so together they stay under the limit."""
    raw = env.get("GENESYS_ELT_API_POOL_SLOTS") or extra.get("api_pool_slots") or 1
    try:
        slots = int(raw)
    except (TypeError, ValueError):
        raise ConfigError(f"GENESYS_ELT_API_POOL_SLOTS must be a whole number, got {raw!r}") from None
    if slots < 1:
        raise ConfigError(f"GENESYS_ELT_API_POOL_SLOTS must be at least 1, got {slots}")
    return slots


@dataclass(frozen=True)
class Privacy:
    key: bytes = field(repr=False)
    default_region: str = "US"  # for phone numbers written without a country


def _privacy(env, extra: dict) -> Privacy:
    key = env.get("GENESYS_ELT_PII_KEY") or extra.get("pii_key")
    if not key or len(key) < 16:
        raise ConfigError("set GENESYS_ELT_PII_KEY (at least 16 characters): the key that pseudonymizes PII")
    return Privacy(key.encode(), extra.get("default_region", "US"))


@dataclass(frozen=True)
class Settings:
    api_base: str
    login_base: str
    clients: tuple[ClientCredentials, ...]
    privacy: Privacy
    data_dir: Path
    rate_limit_per_minute: int = 300
    rate_share: float = RATE_SHARE  # this process's share of the limit
    verify_tls: bool = True
    endpoint_overrides: dict = field(default_factory=dict)
    poll_budget_seconds: float = 900.0
    archived_retry_delay_seconds: float = 60.0
    sources: dict = field(default_factory=dict)  # stream -> "seed" or "platform": forced, not probed
    follow_rate_limit_headers: bool = True  # the org's inin-ratelimit-* headers adjust the budget
    trailing_days: dict = field(default_factory=dict)  # stream -> days re-pulled before D (registry default)
    landing_url: str | None = None  # an object store's URL (s3://bucket/prefix); None: under data_dir
    landing_conn_id: str | None = None  # the Airflow connection that holds the store's credentials

    @property
    def landing(self):
        """Where slices land: the data directory, or the object store at ``landing_url``."""
        return landing_root(self.landing_url or self.data_dir, self.landing_conn_id)

    @property
    def is_sandbox(self) -> bool:
        return urlsplit(self.api_base).hostname in LOOPBACK


def data_dir_from_env(env=os.environ) -> Path:
    return Path(env.get("GENESYS_ELT_DATA_DIR") or "./data").resolve()


def landing_from_env(env=os.environ) -> dict[str, str | None]:
    """``GENESYS_ELT_LANDING_URL`` puts the landing area on an object store (``s3://``, ``gs://``,
    ``az://``), its credentials in the Airflow connection ``GENESYS_ELT_LANDING_CONN_ID`` names."""
    url = env.get("GENESYS_ELT_LANDING_URL") or None
    if url and "://" not in url:
        raise ConfigError(f"GENESYS_ELT_LANDING_URL must be a URL such as s3://bucket/prefix, got {url!r}")
    return {"landing_url": url, "landing_conn_id": env.get("GENESYS_ELT_LANDING_CONN_ID") or None}


def from_connection(
    host: str, login: str | None, password: str | None, extra: dict | None, env=os.environ, port: int | None = None
) -> Settings:
    """Builds settings from the parts of an Airflow connection."""
    extra = dict(extra or {})
    if not host:
        raise ConfigError("the genesys_cloud connection has no host (the API base URL)")
    if not login or not password:
        raise ConfigError("the genesys_cloud connection needs a login (client id) and password (client secret)")
    api_base = host if "://" in host else f"https://{host}"
    if port and urlsplit(api_base).port is None:
        api_base = f"{api_base.rstrip('/')}:{port}"
    api_base = api_base.rstrip("/")
    if not urlsplit(api_base).hostname:
        raise ConfigError(f"cannot read a host name from {api_base!r}")
    login_base = (extra.get("login_host") or api_base.replace("://api.", "://login.", 1)).rstrip("/")
    if "://" not in login_base:
        login_base = f"https://{login_base}"
    allow_http = str(extra.get("allow_http", "false")).lower() == "true"
    for url in (api_base, login_base):
        scheme, hostname = urlsplit(url).scheme, urlsplit(url).hostname
        if scheme not in ("https", "http"):
            raise ConfigError(f"unsupported URL scheme in {url!r}")
        if scheme == "http" and hostname not in LOOPBACK and not allow_http:
            raise ConfigError(f"refusing plain HTTP to {hostname}: use https, or set extra allow_http=true")
    clients = [ClientCredentials(login, password)]
    for more in extra.get("extra_clients", []):
        if not more.get("login") or not more.get("password"):
            raise ConfigError("each entry of extra_clients needs login and password")
        clients.append(ClientCredentials(more["login"], more["password"]))
    return Settings(
        api_base=api_base,
        login_base=login_base,
        clients=tuple(clients),
        privacy=_privacy(env, extra),
        data_dir=data_dir_from_env(env),
        rate_limit_per_minute=int(extra.get("rate_limit_per_minute", 300)),
        rate_share=RATE_SHARE / _processes_sharing(env, extra),
        verify_tls=str(extra.get("verify_tls", "true")).lower() != "false",
        endpoint_overrides=dict(extra.get("endpoints", {})),
        poll_budget_seconds=float(extra.get("poll_budget_seconds", 900)),
        archived_retry_delay_seconds=float(extra.get("archived_retry_delay_seconds", 60)),
        sources=_forced_sources(extra.get("sources") or {}),
        follow_rate_limit_headers=str(extra.get("follow_rate_limit_headers", "true")).lower() != "false",
        trailing_days=_trailing_days(extra.get("trailing_days") or {}),
        **landing_from_env(env),
    )


def _trailing_days(windows: object) -> dict[str, int]:
    """The connection's ``trailing_days`` extra: how many days before D a stream with a trailing
    window pulls again, e.g. {"conversations": 7, "external_contacts": 7}."""
    if not isinstance(windows, dict):
        raise ConfigError('the connection\'s "trailing_days" extra must map stream names to whole numbers of days')
    for name, days in windows.items():
        if name not in STREAMS or not STREAMS[name].trailing_days:
            choices = ", ".join(s.name for s in STREAMS.values() if s.trailing_days)
            raise ConfigError(
                f'the connection\'s "trailing_days" names {name!r}; only {choices} have a trailing window'
            )
        if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 31:
            raise ConfigError(
                f'the connection\'s "trailing_days" for {name} must be a whole number from 0 to 31, got {days!r}'
            )
    return dict(windows)


def _forced_sources(sources: object) -> dict[str, str]:
    """The connection's ``sources`` extra: which source a stream must use instead of the probe's."""
    if not isinstance(sources, dict):
        raise ConfigError('the connection\'s "sources" extra must map stream names to "seed" or "platform"')
    for name, kind in sources.items():
        if name not in STREAMS:
            raise ConfigError(
                f'the connection\'s "sources" names {name!r}, which is no stream; choose from {", ".join(STREAMS)}'
            )
        if kind not in STREAMS[name].kinds:
            raise ConfigError(
                f'the connection\'s "sources" sets {name} to {kind!r}; it can be {" or ".join(STREAMS[name].kinds)}'
            )
    return dict(sources)


def _connection_from_env(env) -> dict | None:
    raw = env.get(CONN_ENV)
    if not raw:
        return None
    try:
        conn = json.loads(raw)
    except ValueError:
        raise ConfigError(f"{CONN_ENV} must be the JSON form of an Airflow connection") from None
    extra = conn.get("extra") or {}
    if isinstance(extra, str):
        extra = json.loads(extra or "{}")
    return {**conn, "extra": extra}


def real_org_configured(env=os.environ) -> bool:
    return bool(env.get(CONN_ENV)) or all(
        env.get(k) for k in ("GENESYS_CLIENT_ID", "GENESYS_CLIENT_SECRET", "GENESYS_REGION")
    )


def privacy_from_env(env=os.environ) -> Privacy:
    """The pseudonymization settings alone (the timeline lookup needs no API credentials): the
    same key and region the extraction used, from the environment or the connection's extra."""
    conn = _connection_from_env(env)
    return _privacy(env, conn["extra"] if conn else {})


def from_env(env=os.environ) -> Settings:
    """The connection variable wins; otherwise the GENESYS_* variables name a real region."""
    conn = _connection_from_env(env)
    if conn:
        extra = conn["extra"]
        return from_connection(
            conn.get("host", ""), conn.get("login"), conn.get("password"), extra, env, conn.get("port")
        )
    client_id, secret, region = (env.get(k) for k in ("GENESYS_CLIENT_ID", "GENESYS_CLIENT_SECRET", "GENESYS_REGION"))
    if client_id and secret and region:
        return from_connection(f"https://api.{region}", client_id, secret, {}, env)
    raise ConfigError(
        f"no Genesys Cloud connection: set {CONN_ENV}, or GENESYS_CLIENT_ID, GENESYS_CLIENT_SECRET and GENESYS_REGION"
    )


@dataclass(frozen=True)
class WarehouseSettings:
    """Where dbt builds: DuckDB (a file, the default) or PostgreSQL (``GENESYS_ELT_DBT_TARGET=postgres``
    and the ``GENESYS_ELT_PG_*`` coordinates, which the dbt profile's postgres target reads too)."""

    target: str
    data_dir: Path
    duckdb_path: Path
    postgres: dict[str, str] = field(repr=False)
    landing_url: str | None = None
    landing_conn_id: str | None = None
    queue: str | None = None  # the Celery queue of the warehouse DAG's tasks (GENESYS_ELT_WAREHOUSE_QUEUE)

    @property
    def landing(self):
        """Where the extract tasks land slices (see Settings.landing)."""
        return landing_root(self.landing_url or self.data_dir, self.landing_conn_id)

    @property
    def mirrors_landing(self) -> bool:
        """The slices sit on an object store: a build first mirrors them into the data directory."""
        return self.landing_url is not None

    @property
    def location(self) -> str:
        return f"postgres database {self.postgres['dbname']}" if self.target == "postgres" else str(self.duckdb_path)

    def dbt_env(self, env=os.environ) -> dict[str, str]:
        """The variables the dbt profile and sources read, with paths made absolute: dbt may run
        from any working directory."""
        return {
            **env,
            "GENESYS_ELT_DATA_DIR": str(self.data_dir),
            "GENESYS_ELT_WAREHOUSE": str(self.duckdb_path),
            "GENESYS_ELT_DBT_TARGET": self.target,
            **{f"GENESYS_ELT_PG_{key.upper()}": value for key, value in self.postgres.items() if key != "dbname"},
            "GENESYS_ELT_PG_DATABASE": self.postgres["dbname"],
        }


def warehouse_from_env(env=os.environ) -> WarehouseSettings:
    data_dir = data_dir_from_env(env)
    explicit = env.get("GENESYS_ELT_WAREHOUSE")
    target = env.get("GENESYS_ELT_DBT_TARGET", "duckdb")
    if target not in ("duckdb", "postgres"):
        raise ConfigError(f"GENESYS_ELT_DBT_TARGET must be duckdb or postgres, got {target!r}")
    return WarehouseSettings(
        target=target,
        data_dir=data_dir,
        duckdb_path=Path(explicit).resolve() if explicit else data_dir / "warehouse.duckdb",
        postgres={
            "host": env.get("GENESYS_ELT_PG_HOST", "127.0.0.1"),
            "port": env.get("GENESYS_ELT_PG_PORT", "5432"),
            "user": env.get("GENESYS_ELT_PG_USER", "postgres"),
            "password": env.get("GENESYS_ELT_PG_PASSWORD", ""),
            "dbname": env.get("GENESYS_ELT_PG_DATABASE", "genesys_warehouse"),
        },
        queue=env.get("GENESYS_ELT_WAREHOUSE_QUEUE") or None,
        **landing_from_env(env),
    )
