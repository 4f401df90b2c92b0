"""The warehouse: the dbt project run by Cosmos, one task per model and snapshot (each built with
its tests), once every extract stream has landed new slices. DuckDB takes one writer at a time, so
every dbt task runs in a 1-slot pool."""

from __future__ import annotations

import os
from datetime import timedelta

from airflow.sdk import DAG
from cosmos import DbtTaskGroup, ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
from cosmos.constants import InvocationMode, LoadMode, TestBehavior, TestIndirectSelection
from genesys_elt.dag_defaults import START, WAREHOUSE_POOL, raw_asset
from genesys_elt.streams import STREAMS
from genesys_elt.warehouse import PROJECT_DIR

# Parsed from the manifest that `make install` (or the image's init job) writes with `dbt parse`:
# reading a file keeps DAG parsing free of dbt subprocesses.
MANIFEST = PROJECT_DIR / "target" / "manifest.json"

with DAG(
    dag_id="genesys_warehouse",
    # All streams, each at least once since the last build: one build per loaded day or backfill.
    schedule=[raw_asset(stream) for stream in STREAMS],
    start_date=START,
    catchup=False,
    max_active_runs=1,
    default_args={"owner": "data-engineering", "retries": 2, "retry_delay": timedelta(minutes=1),
                  "retry_exponential_backoff": True},
    tags=["genesys", "warehouse", "dbt"],
    doc_md=__doc__,
):
    DbtTaskGroup(
        group_id="dbt",
        project_config=ProjectConfig(dbt_project_path=PROJECT_DIR, manifest_path=MANIFEST, install_dbt_deps=False),
        profile_config=ProfileConfig(
            profile_name="genesys_journey",
            target_name=os.environ.get("GENESYS_ELT_DBT_TARGET", "duckdb"),
            profiles_yml_filepath=PROJECT_DIR / "profiles.yml",
        ),
        # A model's task runs only the tests of that model; a test that reads several models (the
        # identity graph's closure, relationships) gets its own task after all of them.
        execution_config=ExecutionConfig(invocation_mode=InvocationMode.DBT_RUNNER,
                                         test_indirect_selection=TestIndirectSelection.CAUTIOUS),
        render_config=RenderConfig(load_method=LoadMode.DBT_MANIFEST, test_behavior=TestBehavior.BUILD,
                                   should_detach_multiple_parents_tests=True),
        operator_args={"pool": WAREHOUSE_POOL},
    )
