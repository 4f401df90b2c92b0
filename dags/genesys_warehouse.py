"""The warehouse: the dbt project run by Cosmos once every extract stream has landed new slices.
Cosmos's watcher mode runs one `dbt build` (models, snapshots and every data test, in dependency
order; dbt's unit tests run in the project's test suite) in a producer task, and shows each model's
run and tests as its own task that follows the build's progress. Only the producer writes to
DuckDB, which takes one writer at a time: it runs in the 1-slot `duckdb_warehouse` pool. One build
instead of a dbt process per model keeps a daily run to about a minute and a half instead of four.

After the build, `docs` writes the dbt docs site (every model, column and lineage edge, with the
warehouse's column types) to `<data dir>/docs`; Cosmos's plugin shows it under Browse, "Warehouse
docs (dbt)", at `/cosmos/genesys_journey/dbt_docs_index.html`."""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import DAG, chain, task
from cosmos import DbtTaskGroup, ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
from cosmos.constants import ExecutionMode, InvocationMode, LoadMode, TestBehavior

from genesys_elt.dag_support.defaults import START, WAREHOUSE_POOL, raw_asset
from genesys_elt.landing.layout import dbt_vars
from genesys_elt.settings import warehouse_from_env
from genesys_elt.streams import STREAM_NAMES, WAREHOUSE_DAG
from genesys_elt.warehouse.dbt import NODE_LIST, PROJECT_DIR, SCHEDULED_BUILD_EXCLUDE, load_raw, mirror_landing
from genesys_elt.warehouse.docs import write_docs

WAREHOUSE = warehouse_from_env()
TARGET = WAREHOUSE.target

with DAG(
    dag_id=WAREHOUSE_DAG,
    # All streams, each at least once since the last build: one build per loaded day or backfill.
    schedule=[raw_asset(stream) for stream in STREAM_NAMES],
    start_date=START,
    catchup=False,
    max_active_runs=1,
    default_args={
        "owner": "data-engineering",
        "retries": 2,
        "retry_delay": timedelta(minutes=1),
        "retry_exponential_backoff": True,
        # Every task of the build on the workers of one queue (one machine: the DuckDB file, dbt's
        # target and the mirrored slices are local to it); unset, Airflow's default queue.
        **({"queue": WAREHOUSE.queue} if WAREHOUSE.queue else {}),
    },
    tags=["genesys", "warehouse", "dbt"],
    doc_md=__doc__,
):
    dbt = DbtTaskGroup(
        group_id="dbt",
        # The sources read the landing area's layout from these vars.
        project_config=ProjectConfig(dbt_project_path=PROJECT_DIR, install_dbt_deps=False, dbt_vars=dbt_vars()),
        profile_config=ProfileConfig(
            profile_name="genesys_journey",
            target_name=TARGET,
            profiles_yml_filepath=PROJECT_DIR / "profiles.yml",
        ),
        execution_config=ExecutionConfig(
            execution_mode=ExecutionMode.WATCHER, invocation_mode=InvocationMode.DBT_RUNNER
        ),
        render_config=RenderConfig(
            load_method=LoadMode.DBT_LS_FILE,
            dbt_ls_path=NODE_LIST,
            test_behavior=TestBehavior.AFTER_EACH,
            exclude=list(SCHEDULED_BUILD_EXCLUDE),
        ),
    )
    for child in dbt.children.values():  # the watchers only read the producer's progress
        if getattr(child, "task_type", "") == "DbtProducerWatcherOperator":
            child.pool = WAREHOUSE_POOL
            if WAREHOUSE.queue:  # Cosmos gives the producer a queue of its own: the build's, here
                child.queue = WAREHOUSE.queue

    # The catalog reads the warehouse, which DuckDB lets one process open at a time: the same pool.
    @task(task_id="docs", pool=WAREHOUSE_POOL, retries=2, retry_delay=timedelta(minutes=1))
    def docs() -> str:
        return str(write_docs())

    dbt >> docs()

    before_dbt = []
    if WAREHOUSE.mirrors_landing:
        # The extract tasks land on an object store, from other workers: copy the changed slices here.
        @task(task_id="mirror_landing", pool=WAREHOUSE_POOL, retries=2, retry_delay=timedelta(minutes=1))
        def mirror() -> dict:
            return vars(mirror_landing())

        before_dbt.append(mirror())

    if TARGET == "postgres":
        # A server warehouse reads tables, not the landing files: mirror the landed slices first.
        @task(task_id="sync_raw_tables", pool=WAREHOUSE_POOL, retries=2, retry_delay=timedelta(minutes=1))
        def sync_raw_tables() -> dict:
            stats = load_raw()
            return vars(stats) if stats else {}

        before_dbt.append(sync_raw_tables())

    chain(*before_dbt, dbt)
