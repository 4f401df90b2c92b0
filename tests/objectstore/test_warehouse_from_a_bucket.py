"""Extract tasks land on a bucket, the warehouse builds on another machine's directory: the slices
an org's days landed on S3 (moto's server on 127.0.0.1) give the same marts, by content hash, as the
same days landed in a local directory, on DuckDB and on PostgreSQL; a re-run of a range changes
nothing, and the extracting side writes no slice on local disk."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest

from genesys_elt.landing.layout import RAW
from genesys_elt.warehouse import dbt as warehouse
from genesys_elt.warehouse.postgres import SERVER as POSTGRES
from genesys_elt.warehouse.postgres import drop_postgres_database, fresh_postgres_database
from tests.conftest import SandboxSession, pipeline_environment, start_sandbox, url_of
from tests.daily import extract_day, run_at
from tests.extract.conftest import PII_KEY, make_extractor
from tests.marts import assert_same_marts, duckdb_mart_rows, postgres_env, postgres_mart_rows
from tests.objectstore.conftest import CONN_ID

pytestmark = [pytest.mark.integration, pytest.mark.long, pytest.mark.timeout(900)]


def test_marts_built_from_the_bucket_equal_those_built_from_a_local_landing_area(bucket_url, tmp_path):
    sandbox = start_sandbox(customers=80, days=4, job_latency_seconds=0.05)
    control = SandboxSession(url_of(sandbox))
    config = sandbox.api.org.config
    days = [config.first_day + timedelta(days=n) for n in range(config.days)]
    on_bucket = {"GENESYS_ELT_LANDING_URL": bucket_url, "GENESYS_ELT_LANDING_CONN_ID": CONN_ID}
    extracting, building, local = tmp_path / "extract-worker", tmp_path / "build-worker", tmp_path / "local"
    try:
        for day in days:
            control.control(now=run_at(day).isoformat())
            extract_day(make_extractor(sandbox, extracting, env=on_bucket), day, days[0])
            extract_day(make_extractor(sandbox, local), day, days[0])
        assert not (extracting / RAW).exists()  # every slice went to the bucket

        with pipeline_environment(building, PII_KEY):
            os.environ.update(on_bucket)
            assert warehouse.mirror_landing().copied > 20
            warehouse.build()
            from_bucket = duckdb_mart_rows(building / "warehouse.duckdb")
            # a re-run of the range (each day's run as it first ran): every slice is replaced on the
            # bucket and copied again, and the marts do not change
            for day in days:
                control.control(now=run_at(day).isoformat())
                extract_day(make_extractor(sandbox, extracting, env=on_bucket), day, days[0])
            again = warehouse.mirror_landing()
            assert again.copied > 20 and again.removed == 0
            warehouse.build()
            assert_same_marts(duckdb_mart_rows(building / "warehouse.duckdb"), from_bucket)
        with pipeline_environment(local, PII_KEY):
            warehouse.build()
        assert_same_marts(from_bucket, duckdb_mart_rows(local / "warehouse.duckdb"))
        assert all(
            from_bucket[table] for table in ("fact_conversation", "customer_timeline", "fact_predictive_journey")
        )

        database = "genesys_elt_from_bucket"
        fresh_postgres_database(database, byte_order=True)
        postgres = postgres_env(database)
        try:
            with pipeline_environment(tmp_path / "postgres-worker", PII_KEY):
                os.environ.update({**on_bucket, **postgres})
                warehouse.build()
            assert_same_marts(postgres_mart_rows(dbname=database, **POSTGRES), from_bucket)
        finally:
            drop_postgres_database(database)
    finally:
        sandbox.shutdown()
