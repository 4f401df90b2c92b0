"""Every queue and wrap-up code a conversation carries has a name, whatever the listings showed:
system codes the wrap-up code listing never returns, a queue and a code deleted part-way through
the range, and a queue in a division the OAuth client cannot see. The client here is limited to
the Home division, as a real org's role can be: the run summary and the report say which divisions
it sees, and warn about the one the conversations name that it cannot list. Extracted day by day
as the DAGs run, over real HTTP from a Platform-only sandbox."""

from __future__ import annotations

from datetime import timedelta

import duckdb
import pytest

from genesys_elt.readers.divisions import division_visibility
from genesys_elt.readers.report import division_note
from genesys_elt.warehouse import dbt as warehouse
from genesys_sandbox.auth import DEFAULT_CLIENT, OAuthClient
from genesys_sandbox.org import ground_truth
from tests.conftest import SandboxSession, pipeline_environment, start_sandbox, url_of
from tests.daily import extract_day, run_at
from tests.extract.conftest import PII_KEY, make_extractor

pytestmark = pytest.mark.integration
HOME_ONLY = OAuthClient.parse("home-only:home-secret")  # the default read-only scopes


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("divisions")
    sandbox = start_sandbox(
        api_profile="platform",
        customers=80,
        days=8,
        job_latency_seconds=0.05,
        clients=[DEFAULT_CLIENT, HOME_ONLY],
        client_divisions={HOME_ONLY.client_id: ("Home",)},
    )
    control = SandboxSession(url_of(sandbox))
    config = sandbox.api.org.config
    days = [config.first_day + timedelta(days=n) for n in range(config.days)]
    try:
        with pipeline_environment(data_dir, PII_KEY):
            for day in days:
                control.control(now=run_at(day).isoformat())
                extractor = make_extractor(sandbox, data_dir, login=HOME_ONLY.client_id, password=HOME_ONLY.secret)
                extract_day(extractor, day, days[0])
            warehouse.build()
            with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
                yield {"con": con, "org": sandbox.api.org, "truth": ground_truth(sandbox.api.org), "days": days}
    finally:
        sandbox.shutdown()


def _names(con, dim: str, id_column: str, name_column: str) -> dict[str, str]:
    return dict(con.execute(f"select {id_column}, {name_column} from marts.{dim} where is_current").fetchall())


def test_every_queue_and_wrap_up_code_in_fact_conversation_has_a_name(built):
    con = built["con"]
    queues, codes = (
        _names(con, "dim_queue", "queue_id", "queue_name"),
        _names(con, "dim_wrap_up_code", "wrap_up_code_id", "wrap_up_code_name"),
    )
    carried = con.execute("select last_queue_id, wrap_up_code from marts.fact_conversation").fetchall()
    assert carried
    assert {q for q, _ in carried if q} <= {q for q, name in queues.items() if name}
    assert {c for _, c in carried if c} <= {c for c, name in codes.items() if name}


def test_system_codes_carry_their_documented_names(built):
    con = built["con"]
    rows = con.execute(
        "select d.wrap_up_code_id, d.wrap_up_code_name, d.is_system, d.is_listed from marts.dim_wrap_up_code d "
        "where d.wrap_up_code_id in (select wrap_up_code from marts.fact_conversation)"
    ).fetchall()
    system = {code: (name, listed) for code, name, is_system, listed in rows if is_system}
    assert "ININ-WRAP-UP-TIMEOUT" in system and system["ININ-WRAP-UP-TIMEOUT"] == ("Wrap-up timed out", False)
    assert all(name != code and not listed for code, (name, listed) in system.items())  # all documented
    assert {t["code"] for t in built["truth"]["traps"] if t["kind"] == "system_wrap_up_code"} >= set(system)


def test_a_deleted_queue_and_code_keep_the_last_name_they_were_listed_with(built):
    con, deleted = built["con"], built["truth"]["directory"]["deleted"]
    deleted_on = built["org"].directory.deleted_at.date()
    queue = con.execute(
        "select queue_name, last_listed_on, is_current, is_listed from marts.dim_queue where queue_id = ?",
        [deleted["queue"]],
    ).fetchall()
    code = con.execute(
        "select wrap_up_code_name, last_listed_on, is_current from marts.dim_wrap_up_code where wrap_up_code_id = ?",
        [deleted["wrapUpCode"]],
    ).fetchall()
    assert queue == [("Orders", deleted_on - timedelta(days=1), True, True)]
    assert code == [("Cancellation", deleted_on - timedelta(days=1), True)]


def test_a_queue_of_a_division_the_client_cannot_see_is_named_unknown(built):
    con, org = built["con"], built["org"]
    home = org.directory.division_named("Home")
    hidden = next(q.id for q in org.directory.queues if q.division_id != home)
    assert con.execute(
        "select queue_name, is_listed, division_id from marts.dim_queue where queue_id = ?", [hidden]
    ).fetchall() == [("unknown", False, None)]


def test_the_summary_and_report_list_the_visible_divisions_and_warn_about_the_other(built):
    org = built["org"]
    home, retail = (org.directory.division_named(name) for name in ("Home", "Retail"))
    seen = division_visibility(built["con"])
    assert seen.listed == [(home, "Home")]
    assert set(seen.unlisted) == {retail} and seen.unlisted[retail] > 0
    note = division_note(built["con"])
    assert (
        "Divisions the client can see: Home." in note and f"{retail} ({seen.unlisted[retail]:,} conversations)" in note
    )
