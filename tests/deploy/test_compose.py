"""The production topology as docker-compose declares it. No container engine runs here, so the
file is checked for the properties the deployment depends on; `make test-prod` runs the same
topology natively (tests/deploy/test_prod_topology.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
AIRFLOW_SERVICES = {
    "airflow-apiserver": "api-server",
    "airflow-scheduler": "scheduler",
    "airflow-dag-processor": "dag-processor",
    "airflow-triggerer": "triggerer",
    "airflow-worker": "celery worker",
}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yaml").read_text())


def _command(service: dict) -> str:
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else command


def test_every_airflow_component_is_its_own_service(compose):
    services = compose["services"]
    for name, command in AIRFLOW_SERVICES.items():
        assert name in services, name
        assert _command(services[name]).strip() == command
    assert {"postgres", "redis", "airflow-init"} <= set(services)


def test_the_image_is_the_official_airflow_3_3_extended_with_the_requirements(compose):
    dockerfile = (ROOT / "Dockerfile").read_text()
    base = re.search(r"^FROM\s+(\S+)", dockerfile, re.M).group(1)
    assert re.fullmatch(r"apache/airflow:3\.3\.\d+(-python3\.11)?", base), base
    assert "requirements.txt" in dockerfile and "pip install" in dockerfile
    pinned = re.search(r"^apache-airflow==(\S+)", (ROOT / "requirements.txt").read_text(), re.M).group(1)
    assert base.split(":")[1].startswith(pinned), (base, pinned)  # image and pins agree
    for name in [*AIRFLOW_SERVICES, "airflow-init"]:
        assert compose["services"][name]["build"] == "."


def test_celery_over_redis_with_postgres_metadata(compose):
    for name in [*AIRFLOW_SERVICES, "airflow-init"]:
        env = compose["services"][name]["environment"]
        assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
        assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql+psycopg2://")
        assert env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://")
        assert "@postgres/" in env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
        assert env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://:@redis:")
        depends = compose["services"][name]["depends_on"]
        assert depends["postgres"]["condition"] == depends["redis"]["condition"] == "service_healthy"
    for name in AIRFLOW_SERVICES:
        assert compose["services"][name]["depends_on"]["airflow-init"]["condition"] == "service_completed_successfully"


def test_project_folders_are_mounted_where_airflow_and_dbt_look(compose):
    for name in [*AIRFLOW_SERVICES, "airflow-init"]:
        mounts = {m.rsplit(":", 1)[1]: m.rsplit(":", 1)[0] for m in compose["services"][name]["volumes"]}
        assert mounts["/opt/airflow/dags"] == "./dags"
        assert mounts["/opt/airflow/plugins"] == "./plugins"
        assert mounts["/opt/airflow/dbt_project"] == "./dbt_project"
        assert mounts["/opt/airflow/include"] == "./include"
        assert "/opt/airflow/data" in mounts


def test_connection_and_pools_come_from_the_environment(compose):
    env = compose["services"]["airflow-worker"]["environment"]
    connection = env["AIRFLOW_CONN_GENESYS_CLOUD"]
    for variable in ("GENESYS_CLIENT_ID", "GENESYS_CLIENT_SECRET", "GENESYS_REGION"):
        assert "${" + variable in connection
    assert env["GENESYS_ELT_PII_KEY"].startswith("${GENESYS_ELT_PII_KEY")
    assert not re.search(r"password\"\s*:\s*\"[^$]", connection)  # no secret written into the file
    init = _command(compose["services"]["airflow-init"])
    assert "airflow db migrate" in init
    assert 'airflow pools set genesys_api "$${GENESYS_ELT_API_POOL_SLOTS}"' in init
    assert env["GENESYS_ELT_API_POOL_SLOTS"].startswith("${GENESYS_ELT_API_POOL_SLOTS")  # same number sizes the budget
    assert "airflow pools set duckdb_warehouse 1" in init
    assert (
        "PYTHONPATH=/opt/airflow/plugins python -m genesys_elt dbt-ls" in init
    )  # the warehouse DAG renders from dbt's node list


def test_the_sandbox_is_an_optional_profile(compose):
    sandbox = compose["services"]["sandbox"]
    assert sandbox["profiles"] == ["sandbox"]
    assert all("profiles" not in compose["services"][name] for name in [*AIRFLOW_SERVICES, "postgres", "redis"])


def test_the_api_server_shows_the_docs_site_the_warehouse_dag_writes(compose):
    import json

    from genesys_elt.warehouse.docs import cosmos_docs_projects

    env = compose["services"]["airflow-apiserver"]["environment"]
    assert json.loads(env["AIRFLOW__COSMOS__DBT_DOCS_PROJECTS"]) == json.loads(
        cosmos_docs_projects({"GENESYS_ELT_DATA_DIR": env["GENESYS_ELT_DATA_DIR"]})
    )


def test_the_objectstore_profile_lands_on_a_bucket_and_builds_on_a_worker_of_its_own(compose):
    """Workers that share no disk: an S3-compatible store, the bucket made before any worker starts,
    the connection the landing URL names, and a warehouse worker whose data directory is its own."""
    import json

    services = compose["services"]
    assert {services[name]["profiles"][0] for name in ("s3", "s3-bucket", "airflow-warehouse-worker")} == {
        "objectstore"
    }
    env = services["airflow-worker"]["environment"]
    assert {"GENESYS_ELT_LANDING_URL", "GENESYS_ELT_LANDING_CONN_ID", "GENESYS_ELT_WAREHOUSE_QUEUE"} <= set(env)
    conn_var = f"AIRFLOW_CONN_{env['GENESYS_ELT_LANDING_CONN_ID'].split(':-')[-1].rstrip('}').upper()}"
    connection = json.loads(re.sub(r"\$\{[A-Z0-9_]+:-([^}]*)\}", r"\1", env[conn_var]))
    assert connection["conn_type"] == "aws" and connection["extra"]["endpoint_url"] == "http://s3:9000"
    warehouse = services["airflow-warehouse-worker"]
    assert "--queues warehouse" in _command(warehouse)
    assert "warehouse-volume:/opt/airflow/data" in warehouse["volumes"]
    assert warehouse["depends_on"]["s3-bucket"]["condition"] == "service_completed_successfully"
    assert "genesys-landing" in _command(services["s3-bucket"])
