"""Every DAG in the DagBag imports cleanly and quickly, without touching the network, with an owner,
tags and retries; the extract DAGs (tagged ``extract``) run on a daily data interval with their API
work in the API pool and emit the assets the stream registry gives them."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import pytest

from genesys_elt.streams import REGISTRY, extract_dags
from genesys_elt.streams import WAREHOUSE_DAG as WAREHOUSE
from genesys_elt.warehouse.dbt import NODE_LIST

DAGS_DIR = Path(__file__).resolve().parents[2] / "dags"


def _dag_bag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS_DIR))


# Collected once, as Astro's DAG test template does: every check below runs over whatever DAGs the
# folder holds, so a new DAG is checked without editing this file.
DAG_IDS = sorted(_dag_bag().dags)
EXTRACT = sorted(extract_dags())


@pytest.fixture(scope="module")
def dagbag():
    return _dag_bag()


def test_every_dag_imports_without_errors(dagbag):
    assert dagbag.import_errors == {}
    assert set(EXTRACT) | {WAREHOUSE} <= set(dagbag.dags)


@pytest.mark.parametrize("dag_id", DAG_IDS)
def test_every_dag_has_an_owner_tags_and_retries(dagbag, dag_id):
    dag = dagbag.dags[dag_id]
    assert "genesys" in dag.tags and dag.doc_md, f"{dag_id} needs the genesys tag and a doc"
    assert dag.catchup is False and dag.max_active_runs >= 1
    for task in dag.tasks:
        assert task.owner and task.owner != "airflow", f"{dag_id}.{task.task_id} has no owner"
        assert task.retries >= 2, f"{dag_id}.{task.task_id} has {task.retries} retries"


@pytest.mark.parametrize("path", sorted(DAGS_DIR.glob("*.py")), ids=lambda p: p.name)
def test_each_dag_file_parses_in_under_a_second_without_network(dagbag, path, monkeypatch):
    from airflow.dag_processing.dagbag import DagBag

    def no_network(*args, **kwargs):
        raise AssertionError(f"{path.name} opened a network connection at import time")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    started = time.perf_counter()
    bag = DagBag(dag_folder=str(path))
    elapsed = time.perf_counter() - started
    assert bag.import_errors == {}
    assert bag.dags, f"{path.name} defines no DAG"
    assert elapsed < 1.0, f"{path.name} took {elapsed:.2f}s to parse"


@pytest.mark.parametrize("dag_id", [d for d in DAG_IDS if d != WAREHOUSE])
def test_extract_dag_has_tags_retries_and_a_daily_data_interval(dagbag, dag_id):
    from airflow.sdk import CronDataIntervalTimetable

    dag = dagbag.dags[dag_id]
    assert {"genesys", "extract"} <= set(dag.tags)
    assert isinstance(dag.timetable, CronDataIntervalTimetable)
    assert dag.timetable.expression == "0 0 * * *" and str(dag.timetable.timezone) == "UTC"
    assert dag.catchup is False and dag.max_active_runs >= 1
    for task in dag.tasks:
        assert task.retries >= 3, f"{dag_id}.{task.task_id} has {task.retries} retries"
        assert task.retry_exponential_backoff, f"{dag_id}.{task.task_id} retries without backoff"
        assert task.pool == "genesys_api", f"{dag_id}.{task.task_id} is outside the API pool"


def test_each_extract_task_emits_its_stream_asset(dagbag):
    emitted = {outlet.name for dag_id in EXTRACT for task in dagbag.dags[dag_id].tasks for outlet in task.outlets}
    assert emitted == {
        f"genesys_raw_{s}"
        for s in (
            "campaigns",
            "campaign_journey",
            "scorecards",
            "conversations",
            "external_contacts",
            "journey_events",
            "journey_sessions",
            "queues",
            "agents",
            "wrap_up_codes",
            "divisions",
        )
    }
    for stream in REGISTRY:  # and from the DAG the registry names
        assert stream.asset_name in {o.name for t in dagbag.dags[stream.dag_id].tasks for o in t.outlets}


def test_waits_do_not_hold_a_worker_slot(dagbag):
    sensors = [t for dag_id in EXTRACT for t in dagbag.dags[dag_id].tasks if hasattr(t, "poke")]
    assert len(sensors) == 2
    assert all(s.mode == "reschedule" for s in sensors)


def test_warehouse_dag_has_a_task_per_dbt_node_and_one_writer_in_the_single_slot_pool(dagbag):
    dag = dagbag.dags[WAREHOUSE]
    task_ids = {t.task_id for t in dag.tasks}
    for node in ("fact_predictive_journey", "customer_timeline", "dim_customer", "fact_conversation", "load_audit"):
        assert {f"dbt.{node}.run", f"dbt.{node}.test"} <= task_ids
    assert {"dbt.scorecard_model_versions_snapshot", "dbt.campaign_history_snapshot"} <= task_ids
    listed = [json.loads(line) for line in NODE_LIST.read_text().splitlines()]  # what make install wrote
    models = {node["name"] for node in listed if node["resource_type"] == "model"}
    rendered = {model for model in models if {f"dbt.{model}.run", f"dbt.{model}_run"} & task_ids}  # _run: no tests
    assert len(models) > 20 and rendered == models
    writers = [t for t in dag.tasks if t.pool == "duckdb_warehouse"]
    # the one dbt build, and the docs site whose catalog reads the warehouse after it
    assert sorted(t.task_id for t in writers) == ["dbt.dbt_producer_watcher", "docs"]
    assert dag.get_task("docs").upstream_task_ids >= {"dbt.dbt_producer_watcher_done"}
    assert all(t.retries >= 2 for t in dag.tasks)
    assert {"genesys", "warehouse"} <= set(dag.tags)


def test_every_model_task_follows_the_single_build(dagbag):
    dag = dagbag.dags[WAREHOUSE]
    producer = dag.get_task("dbt.dbt_producer_watcher")
    registry = dag.get_task("dbt.int_customer_key_registry.run")
    assert "dbt.int_identity_links.test" in registry.upstream_task_ids  # dependency order kept
    assert "dbt.int_identity_links.run" in dag.get_task("dbt.int_identity_links.test").upstream_task_ids
    assert not producer.upstream_task_ids  # the build starts at once; the watchers follow its log
    assert producer.downstream_task_ids == {"dbt.dbt_producer_watcher_done"}
    assert producer.exclude == "resource_type:unit_test"  # the daily build runs the data tests only


def test_warehouse_dag_is_scheduled_on_every_stream_asset(dagbag):
    from genesys_elt.streams import STREAM_NAMES as STREAMS

    condition = dagbag.dags[WAREHOUSE].timetable.asset_condition
    assert type(condition).__name__ == "AssetAll"  # every stream, not whichever lands first
    assert {asset.name for asset in condition.objects} == {f"genesys_raw_{stream}" for stream in STREAMS}


def test_on_a_server_warehouse_the_raw_tables_are_synced_before_the_build(dagbag, monkeypatch):
    from airflow.dag_processing.dagbag import DagBag

    assert "sync_raw_tables" not in dagbag.dags[WAREHOUSE].task_ids  # DuckDB reads the files in place
    monkeypatch.setenv("GENESYS_ELT_DBT_TARGET", "postgres")
    dag = DagBag(dag_folder=str(DAGS_DIR / "genesys_warehouse.py")).dags[WAREHOUSE]
    sync = dag.get_task("sync_raw_tables")
    assert "dbt.dbt_producer_watcher" in sync.downstream_task_ids and sync.pool == "duckdb_warehouse"


def test_with_the_landing_area_on_a_bucket_the_build_mirrors_it_first_on_its_own_queue(dagbag, monkeypatch):
    from airflow.dag_processing.dagbag import DagBag

    assert "mirror_landing" not in dagbag.dags[WAREHOUSE].task_ids  # a local landing area is read in place
    monkeypatch.setenv("GENESYS_ELT_LANDING_URL", "s3://genesys-landing/prod")
    monkeypatch.setenv("GENESYS_ELT_WAREHOUSE_QUEUE", "warehouse")
    monkeypatch.setenv("GENESYS_ELT_DBT_TARGET", "postgres")
    dag = DagBag(dag_folder=str(DAGS_DIR / "genesys_warehouse.py")).dags[WAREHOUSE]
    mirror, sync = dag.get_task("mirror_landing"), dag.get_task("sync_raw_tables")
    assert mirror.downstream_task_ids == {"sync_raw_tables"} and "dbt.dbt_producer_watcher" in sync.downstream_task_ids
    # the mirrored files, the DuckDB file and dbt's target are one machine's: every task on one queue
    assert {task.queue for task in dag.tasks} == {"warehouse"}
