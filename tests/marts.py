"""Mart contents as comparable text, from a DuckDB file or a PostgreSQL database: the tests that
claim two warehouses are the same (a re-run, a full refresh, another executor, another engine)
compare these."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb

from genesys_elt.warehouse.dbt import MART_TABLES
from genesys_elt.warehouse.postgres import SERVER as POSTGRES

# How a slice was loaded (when, by which run, how many polls), not what it holds; and when an
# incremental build last wrote a customer's rows.
VOLATILE = {
    "load_audit": ("run_id", "extracted_at", "requests"),
    **{
        table: ("built_at",)
        for table in ("fact_conversation", "customer_timeline", "customer_last_context", "dim_customer")
    },
}
# What each build changed, not what the slices hold: the same slices built in other steps make
# another history, as right as the first. Compared only within one warehouse (a re-run, a full refresh).
BUILD_HISTORY = ("customer_key_history",)
# A customer key keeps the value it was issued with, so two warehouses that built the same slices in
# other steps (an extra build mid-extraction, another executor) may name one customer differently.
# Across warehouses a key is compared as the customer it names: its smallest identity node.
KEY_LABELS_SQL = "select customer_key, min(node) from intermediate.int_customer_keys group by customer_key"
COLUMNS_SQL = (
    "select column_name from information_schema.columns where table_schema = 'marts' "
    "and table_name = {} order by ordinal_position"
)


def _value(value):
    """One engine-neutral spelling: floats to 12 significant digits (engines sum in different
    orders), numbers without their storage type, timestamps in ISO form."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, Decimal):
        value = int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, float):
        return float(f"{value:.12g}")
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def _rows(fetch, table: str, columns: list[str], key_labels: dict | None) -> list[str]:
    kept = [c for c in columns if c not in VOLATILE.get(table, ())]
    rows = fetch(f"select {', '.join(kept)} from marts.{table}")
    if key_labels is not None and "customer_key" in kept:
        at = kept.index("customer_key")
        rows = [(*row[:at], key_labels.get(row[at], row[at]), *row[at + 1 :]) for row in rows]
    return sorted(str(tuple(_value(v) for v in row)) for row in rows)


def _tables(same_warehouse: bool) -> tuple[str, ...]:
    return tuple(t for t in MART_TABLES if same_warehouse or t not in BUILD_HISTORY)


def duckdb_mart_rows(path: Path, same_warehouse: bool = False) -> dict[str, list[str]]:
    """Every mart's rows; ``same_warehouse`` for a comparison with an earlier state of the same
    warehouse (a re-run, a full refresh): build history included, keys as they are."""
    with duckdb.connect(str(path), read_only=True) as con:
        fetch = lambda sql: con.execute(sql).fetchall()  # noqa: E731
        labels = None if same_warehouse else dict(fetch(KEY_LABELS_SQL))
        return {
            table: _rows(fetch, table, [c for (c,) in con.execute(COLUMNS_SQL.format("?"), [table]).fetchall()], labels)
            for table in _tables(same_warehouse)
        }


def postgres_env(database: str) -> dict[str, str]:
    """The variables that point dbt (and the raw sync) at a database of the local PostgreSQL."""
    return {
        "GENESYS_ELT_DBT_TARGET": "postgres",
        "GENESYS_ELT_PG_DATABASE": database,
        "GENESYS_ELT_PG_HOST": POSTGRES["host"],
        "GENESYS_ELT_PG_PORT": str(POSTGRES["port"]),
        "GENESYS_ELT_PG_USER": POSTGRES["user"],
    }


def postgres_mart_rows(**dsn) -> dict[str, list[str]]:
    import psycopg2

    conn = psycopg2.connect(**dsn)
    try:
        with conn.cursor() as cur:

            def fetch(sql, params=()):
                cur.execute(sql, params)
                return cur.fetchall()

            labels = dict(fetch(KEY_LABELS_SQL))
            return {
                table: _rows(fetch, table, [c for (c,) in fetch(COLUMNS_SQL.format("%s"), (table,))], labels)
                for table in _tables(same_warehouse=False)
            }
    finally:
        conn.close()


def content_hash(rows: list[str]) -> str:
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()


def assert_same_marts(now: dict[str, list[str]], before: dict[str, list[str]]) -> None:
    """Equal content hash per mart; on a difference, a few of the rows that differ."""
    assert now.keys() == before.keys()
    for table in before:
        gone, new = sorted(set(before[table]) - set(now[table])), sorted(set(now[table]) - set(before[table]))
        assert content_hash(now[table]) == content_hash(before[table]), (
            f"{table}: {len(gone)} rows only before, e.g. {gone[:2]}; {len(new)} only now, e.g. {new[:2]}"
        )
