"""The one settings path: connection, privacy and warehouse settings from the environment."""

from __future__ import annotations

import pytest

from genesys_elt.errors import ConfigError
from genesys_elt.settings import from_connection, from_env

KEY = b"unit-test-key-0123456789"
ENV = {"GENESYS_ELT_PII_KEY": KEY.decode(), "GENESYS_ELT_DATA_DIR": "/tmp/x"}


def test_settings_refuse_plain_http_to_a_real_org_and_need_a_key():
    assert from_connection("http://127.0.0.1:8765", "id", "secret", {}, ENV).is_sandbox
    with pytest.raises(ConfigError, match="plain HTTP"):
        from_connection("http://api.mypurecloud.com", "id", "secret", {}, ENV)
    assert (
        from_connection("http://api.example.com", "id", "s", {"allow_http": "true"}, ENV).api_base
        == "http://api.example.com"
    )
    with pytest.raises(ConfigError, match="GENESYS_ELT_PII_KEY"):
        from_connection("https://api.mypurecloud.ie", "id", "secret", {}, {})
    real = from_env(
        {"GENESYS_CLIENT_ID": "id", "GENESYS_CLIENT_SECRET": "s", "GENESYS_REGION": "mypurecloud.de", **ENV}
    )
    assert (real.api_base, real.login_base) == ("https://api.mypurecloud.de", "https://login.mypurecloud.de")
    assert real.verify_tls  # certificates are checked unless the connection says verify_tls: false
    assert not from_connection("https://api.mypurecloud.ie", "id", "s", {"verify_tls": "false"}, ENV).verify_tls
    assert "s" != repr(real.clients[0]) and "secret" not in repr(real)
    with pytest.raises(ConfigError, match="no Genesys Cloud connection"):
        from_env(ENV)
    with pytest.raises(ConfigError, match="JSON"):
        from_env({"AIRFLOW_CONN_GENESYS_CLOUD": "not json", **ENV})


def test_task_processes_of_one_pool_split_the_rate_budget():
    alone = from_connection("https://api.mypurecloud.ie", "id", "s", {"rate_limit_per_minute": 600}, ENV)
    pooled = from_connection(
        "https://api.mypurecloud.ie",
        "id",
        "s",
        {"rate_limit_per_minute": 600},
        {**ENV, "GENESYS_ELT_API_POOL_SLOTS": "4"},
    )
    assert alone.rate_share == pytest.approx(0.85)
    assert pooled.rate_share * 4 == pytest.approx(alone.rate_share)  # four at once stay under 85 %
    for bad in ("0", "four"):
        with pytest.raises(ConfigError, match="GENESYS_ELT_API_POOL_SLOTS"):
            from_connection("https://api.mypurecloud.ie", "id", "s", {}, {**ENV, "GENESYS_ELT_API_POOL_SLOTS": bad})


def test_the_timeline_lookup_reads_the_same_key_and_region_as_extraction():
    from genesys_elt.settings import privacy_from_env

    conn = (
        '{"conn_type": "http", "host": "https://api.mypurecloud.ie", "login": "id", "password": "s", '
        '"extra": {"pii_key": "key-from-the-connection-0123", "default_region": "GB"}}'
    )
    privacy = privacy_from_env({"AIRFLOW_CONN_GENESYS_CLOUD": conn})
    assert (privacy.key, privacy.default_region) == (b"key-from-the-connection-0123", "GB")
    assert privacy == from_env({"AIRFLOW_CONN_GENESYS_CLOUD": conn}).privacy
    assert privacy_from_env({"AIRFLOW_CONN_GENESYS_CLOUD": conn, **ENV}).key == KEY  # the variable wins
    assert privacy_from_env(ENV).default_region == "US"
    with pytest.raises(ConfigError, match="GENESYS_ELT_PII_KEY"):
        privacy_from_env({})


def test_warehouse_settings_name_the_target_and_the_files_dbt_reads():
    from genesys_elt.settings import warehouse_from_env

    duck = warehouse_from_env({"GENESYS_ELT_DATA_DIR": "/srv/genesys"})
    assert (duck.target, str(duck.duckdb_path), duck.location) == (
        "duckdb",
        "/srv/genesys/warehouse.duckdb",
        "/srv/genesys/warehouse.duckdb",
    )
    pg = warehouse_from_env(
        {"GENESYS_ELT_DBT_TARGET": "postgres", "GENESYS_ELT_PG_DATABASE": "dw", "GENESYS_ELT_PG_PASSWORD": "pw"}
    )
    assert pg.location == "postgres database dw" and "pw" not in repr(pg)
    env = pg.dbt_env({})
    assert (env["GENESYS_ELT_DBT_TARGET"], env["GENESYS_ELT_PG_DATABASE"], env["GENESYS_ELT_PG_PORT"]) == (
        "postgres",
        "dw",
        "5432",
    )
    with pytest.raises(ConfigError, match="duckdb or postgres"):
        warehouse_from_env({"GENESYS_ELT_DBT_TARGET": "snowflake"})


def test_the_dbt_profile_falls_back_to_the_same_postgres_coordinates():
    """Outside Airflow dbt gets every coordinate from WarehouseSettings; a Cosmos worker renders
    profiles.yml from its own environment, whose fallbacks must be the same values."""
    import re
    from pathlib import Path

    from genesys_elt.settings import warehouse_from_env

    profile = (Path(__file__).resolve().parents[1] / "dbt_project" / "profiles.yml").read_text()
    fallbacks = dict(re.findall(r"env_var\('GENESYS_ELT_PG_(\w+)', '([^']*)'\)", profile))
    coordinates = warehouse_from_env({}).postgres
    assert fallbacks == {
        "HOST": coordinates["host"],
        "PORT": coordinates["port"],
        "USER": coordinates["user"],
        "PASSWORD": coordinates["password"],
        "DATABASE": coordinates["dbname"],
    }


def test_a_forced_source_must_name_a_stream_and_one_of_its_sources():
    forced = from_connection(
        "https://api.mypurecloud.ie", "id", "s", {"sources": {"campaign_journey": "platform"}}, ENV
    )
    assert forced.sources == {"campaign_journey": "platform"}
    for sources, message in [
        ({"tweets": "seed"}, "names 'tweets', which is no stream"),
        ({"scorecards": "platform"}, "it can be seed"),
        ({"campaigns": "both"}, "it can be seed or platform"),
        (["campaigns"], "must map stream names"),
    ]:
        with pytest.raises(ConfigError, match=message):
            from_connection("https://api.mypurecloud.ie", "id", "s", {"sources": sources}, ENV)


def test_the_trailing_window_is_a_connection_setting_of_the_streams_that_have_one():
    default = from_connection("https://api.mypurecloud.ie", "id", "s", {}, ENV)
    assert default.trailing_days == {}
    wider = from_connection(
        "https://api.mypurecloud.ie", "id", "s", {"trailing_days": {"conversations": 7, "external_contacts": 7}}, ENV
    )
    assert wider.trailing_days == {"conversations": 7, "external_contacts": 7}
    for windows, message in [
        ({"journey_events": 2}, "only campaign_journey, conversations, external_contacts have"),
        ({"conversations": -1}, "whole number from 0 to 31"),
        ({"conversations": "5"}, "whole number from 0 to 31"),
        ([5], "must map stream names"),
    ]:
        with pytest.raises(ConfigError, match=message):
            from_connection("https://api.mypurecloud.ie", "id", "s", {"trailing_days": windows}, ENV)


def test_the_landing_area_is_the_data_directory_or_an_object_store_url():
    from pathlib import Path

    from genesys_elt.landing.store import is_object_store
    from genesys_elt.settings import warehouse_from_env

    env = {"GENESYS_ELT_PII_KEY": "k" * 16, "GENESYS_ELT_DATA_DIR": "/srv/genesys"}
    local = from_connection("https://api.mypurecloud.com", "id", "secret", {}, env=env)
    assert local.landing == Path("/srv/genesys") and not warehouse_from_env(env).mirrors_landing
    on_bucket = {**env, "GENESYS_ELT_LANDING_URL": "s3://landing/prod", "GENESYS_ELT_LANDING_CONN_ID": "aws_landing"}
    remote = from_connection("https://api.mypurecloud.com", "id", "secret", {}, env=on_bucket).landing
    assert is_object_store(remote) and remote.protocol == "s3" and remote.conn_id == "aws_landing"
    assert warehouse_from_env(on_bucket).mirrors_landing
    with pytest.raises(ConfigError, match="GENESYS_ELT_LANDING_URL must be a URL"):
        from_connection(
            "https://api.mypurecloud.com", "id", "secret", {}, env={**env, "GENESYS_ELT_LANDING_URL": "bucket"}
        )
