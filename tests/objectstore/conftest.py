"""A real S3-compatible server on 127.0.0.1 (moto's server mode) and an Airflow connection that
holds its credentials: the landing area's object-store tests run against it over HTTP."""

from __future__ import annotations

import json
import logging
import uuid

import boto3
import pytest
from moto.server import ThreadedMotoServer

CONN_ID = "genesys_landing"
CREDENTIALS = {"aws_access_key_id": "landing-key", "aws_secret_access_key": "landing-secret"}


@pytest.fixture(scope="session")
def s3_server():
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket_url(s3_server, monkeypatch) -> str:
    """A fresh bucket, and the Airflow connection (from the environment, as a deployment sets it)."""
    name = f"landing-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1", **CREDENTIALS).create_bucket(Bucket=name)
    connection = {
        "conn_type": "aws",
        "login": CREDENTIALS["aws_access_key_id"],
        "password": CREDENTIALS["aws_secret_access_key"],
        "extra": {"endpoint_url": s3_server, "region_name": "us-east-1"},
    }
    monkeypatch.setenv(f"AIRFLOW_CONN_{CONN_ID.upper()}", json.dumps(connection))
    return f"s3://{name}/landing"


def bucket_keys(s3_server: str, url: str) -> list[str]:
    """Every key under the URL's bucket, read with boto3 (not through the code under test)."""
    bucket = url.removeprefix("s3://").split("/", 1)[0]
    client = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1", **CREDENTIALS)
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return sorted(item["Key"] for page in pages for item in page.get("Contents", []))
