"""The Airflow hook: turns the ``genesys_cloud`` connection into extraction settings.
Imported only by DAG tasks at run time, never at DAG parse time."""

from __future__ import annotations

import os

from airflow.sdk import BaseHook

from ..settings import Settings, from_connection


class GenesysCloudHook(BaseHook):
    conn_name_attr = "genesys_conn_id"
    default_conn_name = "genesys_cloud"
    conn_type = "http"
    hook_name = "Genesys Cloud"

    def __init__(self, genesys_conn_id: str = default_conn_name):
        super().__init__()
        self.genesys_conn_id = genesys_conn_id

    def settings(self) -> Settings:
        conn = self.get_connection(self.genesys_conn_id)
        host = conn.host or ""
        if conn.schema and "://" not in host:
            host = f"{conn.schema}://{host}"
        return from_connection(host, conn.login, conn.password, conn.extra_dejson, os.environ, conn.port)
