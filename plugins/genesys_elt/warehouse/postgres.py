"""The local PostgreSQL server: whether it answers, and fresh databases on it for Airflow's
metadata (the scheduler, API server and DAG processor write concurrently, which SQLite cannot
take) and for a server warehouse. Used by ``make run``, the production-topology check and tests."""

from __future__ import annotations

import socket

SERVER = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}


def postgres_available(timeout: float = 2.0) -> bool:
    try:
        with socket.create_connection((SERVER["host"], SERVER["port"]), timeout=timeout):
            return True
    except OSError:
        return False


def fresh_postgres_database(name: str, byte_order: bool = False) -> str:
    """A new, empty database; returns its SQLAlchemy URL. ``byte_order`` gives it the C collation
    (text sorts by byte, as in DuckDB), which a warehouse database wants."""
    collation = " template template0 lc_collate 'C' lc_ctype 'C'" if byte_order else ""
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"{collation}')
    return f"postgresql+psycopg2://{SERVER['user']}@{SERVER['host']}:{SERVER['port']}/{name}"


def drop_postgres_database(name: str) -> None:
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _admin(*statements: str) -> None:
    import psycopg2

    conn = psycopg2.connect(dbname="postgres", **SERVER)
    conn.autocommit = True  # CREATE and DROP DATABASE cannot run inside a transaction
    try:
        with conn.cursor() as cur:
            for statement in statements:
                cur.execute(statement)
    finally:
        conn.close()
