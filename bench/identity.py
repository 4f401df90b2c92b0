"""Identity resolution on one million identity edges: the SQL dbt compiles for
``int_customer_keys`` (connected components of the identity graph), run by DuckDB over a synthetic
graph shaped like the warehouse's: many small customers, each a random tree of contacts,
identifiers, conversations and sessions, with node ids as long as the real ones."""

from __future__ import annotations

import os
import re
import tempfile
import time
from pathlib import Path

import duckdb

from genesys_elt.warehouse.dbt import run_dbt

EDGES = 1_000_000
TARGET_SECONDS = 30.0
# Customers own 2..12 nodes (7 on average): a tree of n nodes has n - 1 edges.
GRAPH = """
create schema if not exists intermediate;
create schema if not exists staging;
create or replace table intermediate.int_identity_edges as
with sized as (
    select range as person, 2 + (hash(range) % 11)::int as size from range({people})
),
people as (  -- whole customers only, up to the edge count
    select * from (select *, sum(size - 1) over (order by person) as edges_so_far from sized)
    where edges_so_far <= {edges}
),
nodes as (
    select person, unnest(range(size)) as idx from people
),
named as (
    select person, idx,
           (['contact:', 'conversation:', 'session:', 'phone:', 'email:', 'external_id:'])[1 + (hash(person, idx) % 6)::int]
               || md5(person::varchar || '/' || idx::varchar) as node
    from nodes
)
select child.node as node_a, parent.node as node_b, 'bench' as edge_kind
from named as child
join named as parent
  on parent.person = child.person and parent.idx = (hash(child.person, child.idx, 'p') % child.idx)::int
where child.idx > 0;
create or replace table staging.stg_genesys__conversations as
    select substr(node_a, 14) as conversation_id from intermediate.int_identity_edges where node_a like 'conversation:%';
create or replace table staging.stg_genesys__journey_sessions as
    select substr(node_a, 9) as session_id from intermediate.int_identity_edges where node_a like 'session:%';
create or replace table staging.stg_genesys__journey_events as
    select substr(node_a, 9) as session_id, 'web' as session_type from intermediate.int_identity_edges
    where node_a like 'session:%' limit 1000;
create or replace table staging.stg_genesys__external_contacts as
    select substr(node_a, 9) as contact_id from intermediate.int_identity_edges where node_a like 'contact:%';
"""
GRAPH_PERSONS = """
select count(*) from (select sum(2 + (hash(range) % 11)::int - 1) over (order by range) as edges_so_far
                      from range({people})) where edges_so_far <= {edges}
"""


def compiled_customer_keys(workdir: Path) -> str:
    """``int_customer_keys`` as dbt compiles it for DuckDB, with the database name stripped so it
    reads this benchmark's tables."""
    env = {**os.environ, "GENESYS_ELT_DATA_DIR": str(workdir), "GENESYS_ELT_WAREHOUSE": str(workdir / "w.duckdb"),
           "GENESYS_ELT_DBT_TARGET": "duckdb"}
    run_dbt("compile", "--select", "int_customer_keys", "--quiet", "--target-path", str(workdir / "target"), env=env)
    sql = next((workdir / "target" / "compiled").rglob("int_customer_keys.sql")).read_text()
    return re.sub(r'"w"\.', "", sql)


def run(edges: int = EDGES) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="bench_identity_"))
    sql = compiled_customer_keys(workdir)
    con = duckdb.connect(str(workdir / "graph.duckdb"))
    con.execute("set enable_progress_bar = false")
    con.execute(GRAPH.format(people=edges // 5, edges=edges))
    edge_count = con.execute("select count(*) from intermediate.int_identity_edges").fetchone()[0]
    started = time.perf_counter()
    con.execute(f"create table customer_keys as {sql}")
    seconds = time.perf_counter() - started
    nodes, customers = con.execute("select count(*), count(distinct customer_key) from customer_keys").fetchone()
    crossing = con.execute("""
        select count(*) from intermediate.int_identity_edges e
        join customer_keys a on a.node = e.node_a join customer_keys b on b.node = e.node_b
        where a.customer_key <> b.customer_key
    """).fetchone()[0]
    persons = con.execute(GRAPH_PERSONS.format(people=edges // 5, edges=edges)).fetchone()[0]
    con.close()
    # Each synthetic person is one tree: resolution must find exactly one customer per person.
    if crossing or customers != persons:
        raise AssertionError(f"identity resolution is wrong: {crossing} edges cross customers, "
                             f"{customers} customers for {persons} persons")
    return {"edges": edge_count, "nodes": nodes, "customers": customers, "seconds": seconds,
            "target_seconds": TARGET_SECONDS, "met": seconds < TARGET_SECONDS, "threads": os.cpu_count()}
