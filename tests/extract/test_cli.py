"""`genesys-elt` with bad arguments or configuration: one clear line on stderr, a non-zero exit,
nothing written; and a good range lands every day of it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import url_of

from .conftest import DAYS, PII_KEY

pytestmark = pytest.mark.integration


def connection(sandbox, password: str = "sandbox-secret") -> str:
    return json.dumps(
        {
            "conn_type": "http",
            "host": url_of(sandbox),
            "login": "sandbox",
            "password": password,
            "extra": {"rate_limit_per_minute": 100000},
        }
    )


def genesys_elt(args: list[str], data_dir, **env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("GENESYS_", "AIRFLOW_CONN_"))}
    return subprocess.run(
        [sys.executable, "-m", "genesys_elt", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**base, "GENESYS_ELT_DATA_DIR": str(data_dir), "GENESYS_ELT_PII_KEY": PII_KEY, **env},
    )


def written(data_dir) -> list[str]:
    return sorted(str(p.relative_to(data_dir)) for p in data_dir.rglob("*")) if data_dir.exists() else []


@pytest.mark.parametrize(
    "args,message",
    [
        (["extract", "--stream", "campaigns", "--from", "2026-11-20", "--to", "2026-11-18"], "the range is reversed"),
        (["extract", "--stream", "campaigns", "--date", "2026-11-31"], "not a date"),
        (["extract", "--stream", "campaigns", "--from", "2026-11-18"], "--from needs --to"),
        (["extract", "--stream", "campaigns", "--date", "2026-11-18", "--to", "2026-11-19"], "--to goes with --from"),
        (["extract", "--stream", "tweets", "--date", "2026-11-18"], "invalid choice: 'tweets'"),
        (["extract", "--stream", "campaigns"], "one of the arguments --date --from is required"),
        (["run", "--days", "0"], "must be at least 1"),
    ],
)
def test_bad_arguments_get_one_line_and_exit_2(tmp_path, args, message):
    result = genesys_elt(args, tmp_path / "data")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr
    assert written(tmp_path / "data") == []


def test_no_connection_is_one_line_and_exit_1(tmp_path):
    result = genesys_elt(["extract", "--stream", "campaigns", "--date", "2026-11-18"], tmp_path / "data")
    assert result.returncode == 1
    assert result.stderr.strip().startswith("genesys-elt: error: no Genesys Cloud connection")
    assert result.stderr.count("\n") == 1 and written(tmp_path / "data") == []


@pytest.mark.parametrize("command", [["report"], ["timeline", "--customer-key", "cust_0"]])
@pytest.mark.parametrize(
    "target,message",
    [
        ({}, "no warehouse at"),  # DuckDB, nothing built
        ({"GENESYS_ELT_DBT_TARGET": "postgres", "GENESYS_ELT_PG_PORT": "1"}, "cannot open the postgres database"),
    ],
)
def test_a_reader_without_its_warehouse_is_one_line_and_exit_1(tmp_path, command, target, message):
    result = genesys_elt(command, tmp_path / "data", **target)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr
    assert written(tmp_path / "data") == []


def test_a_wrong_secret_is_one_line_and_nothing_is_written(sandbox_for_extract, tmp_path):
    sandbox = sandbox_for_extract()
    result = genesys_elt(
        ["extract", "--stream", "conversations", "--date", DAYS[0].isoformat()],
        tmp_path / "data",
        AIRFLOW_CONN_GENESYS_CLOUD=connection(sandbox, password="not-the-secret"),
    )
    assert result.returncode == 1
    assert "refused client 'sandbox' (401): check the client id and secret" in result.stderr
    assert result.stderr.count("\n") == 1 and "not-the-secret" not in result.stderr
    assert written(tmp_path / "data") == []


def test_a_range_lands_every_day_of_it(sandbox_for_extract, tmp_path):
    sandbox = sandbox_for_extract()
    result = genesys_elt(
        ["extract", "--stream", "journey_events", "--from", DAYS[0].isoformat(), "--to", DAYS[-1].isoformat()],
        tmp_path,
        AIRFLOW_CONN_GENESYS_CLOUD=connection(sandbox),
    )
    assert result.returncode == 0, result.stderr
    landed = [json.loads(line) for line in result.stdout.splitlines()]
    assert [m["date"] for m in landed] == [d.isoformat() for d in DAYS] and all(m["records"] > 0 for m in landed)


@pytest.mark.parametrize(
    "extra,message",
    [
        ({"endpoints": {"conversations": "/api/v2/x"}}, "names 'conversations', an asynchronous query"),
        ({"endpoints": {"campaign_analytics": "/api/v2/x"}}, "names 'campaign_analytics', which is no endpoint"),
        ({"sources": {"tweets": "seed"}}, "names 'tweets', which is no stream"),
        ({"sources": {"scorecards": "platform"}}, "sets scorecards to 'platform'"),
    ],
)
def test_bad_connection_extras_are_one_line_and_exit_1(tmp_path, extra, message):
    conn = json.dumps(
        {"conn_type": "http", "host": "http://127.0.0.1:9", "login": "id", "password": "secret", "extra": extra}
    )
    result = genesys_elt(
        ["extract", "--stream", "conversations", "--date", "2026-11-18"],
        tmp_path / "data",
        AIRFLOW_CONN_GENESYS_CLOUD=conn,
    )
    assert result.returncode == 1 and result.stderr.count("\n") == 1, result.stderr
    assert message in result.stderr and written(tmp_path / "data") == []
