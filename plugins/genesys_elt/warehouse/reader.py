"""A read-only connection to the configured warehouse, DuckDB or PostgreSQL, for the readers (the
timeline command first). Queries are written once, with `?` placeholders, and return plain tuples
on either target."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from ..errors import GenesysEltError
from ..settings import WarehouseSettings


class WarehouseReader:
    def __init__(self, connection, placeholder: str):
        self._connection, self._placeholder = connection, placeholder

    def execute(self, sql: str, params=()):
        """Runs one query; the result answers fetchone() and fetchall()."""
        cursor = self._connection.cursor()
        cursor.execute(sql.replace("?", self._placeholder), list(params))
        return cursor


@contextmanager
def open_warehouse(settings: WarehouseSettings) -> Iterator[WarehouseReader]:
    """The warehouse dbt built for these settings, opened read-only; a clear error if there is none."""
    if settings.target == "postgres":
        import psycopg2

        try:
            connection = psycopg2.connect(**settings.postgres, connect_timeout=10)
        except psycopg2.OperationalError as exc:
            raise GenesysEltError(f"cannot open the {settings.location}: {' '.join(str(exc).split())}") from None
        connection.set_session(readonly=True)
        try:
            yield WarehouseReader(connection, "%s")
        finally:
            connection.close()
        return
    import duckdb

    if not settings.duckdb_path.exists():
        raise GenesysEltError(f"no warehouse at {settings.duckdb_path}: build it first")
    connection = duckdb.connect(str(settings.duckdb_path), read_only=True)
    try:
        yield WarehouseReader(connection, "?")
    finally:
        connection.close()
