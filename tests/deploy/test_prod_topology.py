"""The production topology, natively: Airflow with PostgreSQL metadata and the CeleryExecutor over
the machine's Redis, the triggerer, and two Celery workers that share no directory, as on
Kubernetes, MWAA or Composer: one extracts (several slots) and lands every slice on an S3 bucket
(moto's server on 127.0.0.1), the other serves the warehouse queue and builds from its own copy. A
3-day backfill of every extract DAG then the warehouse DAG. The warehouse must equal the one
`genesys-elt run` (what `make run` calls, LocalExecutor, a local landing area) builds from the same
org and days."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import boto3
import duckdb
import psycopg2
import pytest
import redis
from moto.server import ThreadedMotoServer

from genesys_elt.landing.layout import RAW
from genesys_elt.local.airflow_instance import LocalAirflow, Worker
from genesys_elt.local.run import run_on_airflow
from genesys_elt.local.sandbox import SANDBOX_PII_KEY, sandbox_connection, sandbox_options, start_sandbox
from genesys_elt.streams import STREAMS
from genesys_elt.warehouse.postgres import SERVER as POSTGRES
from genesys_elt.warehouse.postgres import fresh_postgres_database
from tests.marts import assert_same_marts, duckdb_mart_rows
from tests.objectstore.conftest import CONN_ID, CREDENTIALS, bucket_keys

pytestmark = [pytest.mark.prod, pytest.mark.integration]
DAYS = 3
SANDBOX_ARGS = ["--seed", "11", "--customers", "120", "--end-date", "2026-11-20"]
REDIS_DB = 7


def most_tasks_at_once(database: str) -> int:
    """The largest number of task instances whose run intervals overlapped."""
    conn = psycopg2.connect(dbname=database, **POSTGRES)
    with conn, conn.cursor() as cur:
        cur.execute(
            "select start_date, end_date from task_instance where start_date is not null and end_date is not null"
        )
        intervals = cur.fetchall()
    conn.close()
    edges = sorted(
        [(start, 1) for start, _ in intervals] + [(end, -1) for _, end in intervals], key=lambda e: (e[0], e[1])
    )
    running = peak = 0
    for _, step in edges:
        running += step
        peak = max(peak, running)
    return peak


@pytest.fixture
def bucket(monkeypatch):
    """An S3 bucket on 127.0.0.1 and the Airflow connection to it (this process reads it too)."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **CREDENTIALS).create_bucket(Bucket="landing")
    connection = {
        "conn_type": "aws",
        "login": CREDENTIALS["aws_access_key_id"],
        "password": CREDENTIALS["aws_secret_access_key"],
        "extra": {"endpoint_url": endpoint, "region_name": "us-east-1"},
    }
    env = {
        f"AIRFLOW_CONN_{CONN_ID.upper()}": json.dumps(connection),
        "GENESYS_ELT_LANDING_URL": "s3://landing/genesys",
        "GENESYS_ELT_LANDING_CONN_ID": CONN_ID,
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    yield endpoint, env
    server.stop()


@pytest.mark.timeout(1800)
def test_celery_workers_sharing_no_directory_build_the_same_warehouse_as_make_run(tmp_path, bucket):
    # The reference: the command make run calls, on the same org and days.
    reference = tmp_path / "make-run"
    done = subprocess.run(
        [
            str(Path(sys.executable).with_name("genesys-elt")),
            "run",
            "--days",
            str(DAYS),
            f"--sandbox-args={' '.join(SANDBOX_ARGS)}",
        ],
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("GENESYS_ELT_LANDING")},
            "GENESYS_ELT_DATA_DIR": str(reference),
        },
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    assert "Report:" in done.stdout

    # The production topology: each worker a directory of its own, the slices on the bucket.
    endpoint, on_bucket = bucket
    data_dir = tmp_path / "celery"
    data_dir.mkdir()
    extracting, building = tmp_path / "extract-worker", tmp_path / "warehouse-worker"
    options, end, _ = sandbox_options(SANDBOX_ARGS, DAYS)
    sandbox, url = start_sandbox(options, data_dir)
    database = "genesys_elt_prod_test"
    database_url = fresh_postgres_database(database)
    redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB).flushdb()
    airflow = LocalAirflow(
        tmp_path / "airflow",
        data_dir,
        executor="CeleryExecutor",
        database_url=database_url,
        parallelism=8,
        scheduled_runs=False,  # the backfill alone creates extract runs, as in make run
        connection=sandbox_connection(url, options),
        workers=(Worker("extract", "default", extracting, slots=4), Worker("warehouse", "warehouse", building)),
        extra_env={
            **on_bucket,
            "GENESYS_ELT_WAREHOUSE_QUEUE": "warehouse",
            "GENESYS_ELT_PII_KEY": SANDBOX_PII_KEY,
            "GENESYS_ELT_SENSOR_POKE_SECONDS": "5",
            "AIRFLOW__CELERY__BROKER_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
            "AIRFLOW__CELERY__RESULT_BACKEND": "db+" + database_url,
        },
    )
    try:
        run_on_airflow(airflow, end - timedelta(days=DAYS - 1), end, worker_slots=4)
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=30)
    assert most_tasks_at_once(database) > 1  # the workers really ran tasks side by side
    # the extract worker wrote no slice on its disk; the warehouse worker holds the copy and the build
    assert not (extracting / RAW).exists() and not (data_dir / RAW).exists()
    assert any(key.endswith("_manifest.json") for key in bucket_keys(endpoint, on_bucket["GENESYS_ELT_LANDING_URL"]))
    assert (building / RAW).exists() and (building / "warehouse.duckdb").exists()
    assert not (extracting / "warehouse.duckdb").exists()

    built = building / "warehouse.duckdb"
    assert_same_marts(duckdb_mart_rows(built), duckdb_mart_rows(reference / "warehouse.duckdb"))
    with duckdb.connect(str(built), read_only=True) as con:
        days = {d for (d,) in con.execute("select distinct journey_date from marts.fact_predictive_journey").fetchall()}
        conversations = con.execute("select count(*) from marts.fact_conversation").fetchone()[0]
    # each run lands its day's funnels and re-lands the days before it (the figures fill in late)
    funnel_days = DAYS + STREAMS["campaign_journey"].trailing_days
    assert days == {end - timedelta(days=n) for n in range(funnel_days)} and conversations > 0
