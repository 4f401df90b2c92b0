"""Finding a customer for the timeline: by a key saved before a merge retired it, and refusing a
phone that different people share. Against a small DuckDB file holding just the tables read."""

from __future__ import annotations

import duckdb
import pytest

from genesys_elt.landing.pseudonymize import Pseudonymizer
from genesys_elt.readers.timeline import CustomerNotFound, resolve_customer_key

KEY = b"lookup-test-key-0123456789"


@pytest.fixture
def con(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    shared = Pseudonymizer(KEY).phone("+14155560001")
    con.execute(f"""
        create schema marts; create schema intermediate;
        create table marts.dim_customer as select 'cust_now' as customer_key;
        create table marts.customer_key_history as
            select * from (values ('cust_old', 'cust_mid', 'cust_now', 'merge', timestamp '2026-11-02'),
                                  ('cust_mid', 'cust_now', 'cust_now', 'merge', timestamp '2026-11-03'),
                                  ('cust_now', 'cust_part', 'cust_part', 'split', timestamp '2026-11-04'))
            as t(previous_customer_key, changed_to_customer_key, current_customer_key, change, changed_at);
        create table marts.identity_conflicts as
            select '{shared.split(":")[-1]}' as identifier_token, 'phone' as identifier_kind, 7 as contacts,
                   'shared_line_limit' as demoted_because;
        create table intermediate.int_customer_keys as
            select 'phone:{shared}' as node, 'cust_lonely' as customer_key;
    """)
    yield con
    con.close()


def test_a_key_retired_by_merges_finds_the_customer_that_holds_its_records_now(con):
    assert resolve_customer_key(con, customer_key="cust_old") == "cust_now"
    assert resolve_customer_key(con, customer_key="cust_now") == "cust_now"
    with pytest.raises(CustomerNotFound):
        resolve_customer_key(con, customer_key="cust_unknown")


def test_a_shared_phone_names_no_single_customer(con):
    with pytest.raises(CustomerNotFound, match="shared by 7 contacts"):
        resolve_customer_key(con, phone="+1 415-556-0001", pseudonymizer=Pseudonymizer(KEY))
