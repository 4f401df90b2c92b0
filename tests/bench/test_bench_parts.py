"""The benchmarks' own parts, small: their data preparation lands what the HTTP path lands, their
baselines compute the same tables as the warehouse, and their verdicts say by how much a target
was missed. ``make bench`` runs them at full size."""

from __future__ import annotations

from datetime import timedelta

from bench import identity, transform
from bench.common import END_DATE, NOW, settings_for
from bench.inprocess import in_process_sandbox, land_days
from bench.report import _verdict
from genesys_elt.extract.extractor import Extractor
from genesys_elt.landing.reader import read_manifest
from genesys_elt.streams import STREAM_NAMES as STREAMS
from genesys_sandbox.org import OrgConfig
from tests.conftest import start_sandbox, url_of

ORG = OrgConfig(seed=5, customers=300, days=3, end_date=END_DATE)


def test_in_process_landing_writes_the_same_slices_as_http(tmp_path):
    in_process = land_days(in_process_sandbox(ORG), tmp_path / "inprocess", END_DATE, END_DATE)
    sandbox = start_sandbox(seed=ORG.seed, customers=ORG.customers, days=ORG.days, end_date=END_DATE, now=NOW)
    try:
        extractor = Extractor.from_settings(
            settings_for(url_of(sandbox), tmp_path / "http", rate_limit=100_000), clock=sandbox.clock
        )
        over_http = {s: sum(m["records"] for m in extractor.run(s, END_DATE)) for s in STREAMS}
    finally:
        sandbox.shutdown()
    assert in_process == over_http and in_process["journey_events"] > 0
    for stream in ("conversations", "external_contacts", "journey_events", "journey_sessions"):
        files = [read_manifest(tmp_path / side, stream, END_DATE)["files"] for side in ("inprocess", "http")]
        assert files[0] == files[1], stream  # byte-identical pages


def test_single_statement_timeline_equals_the_dbt_built_one(tmp_path):
    result = transform.run(tmp_path, customers=800, days=2)  # raises if any row differs
    assert result["timeline_rows"] > 0 and result["single_statement_seconds"] > 0


def test_identity_benchmark_resolves_one_customer_per_synthetic_person():
    # Raises if a link crosses customers, the count is off, the one-day keys differ from a
    # whole-graph resolution or a key changed outside a merge.
    result = identity.run(links=20_000)
    assert result["customers"] > 1_000 and result["history_links"] <= 20_000
    assert result["merges"] > 0 and 0 < result["resolved_nodes"] < result["nodes"]


def test_verdicts_say_by_how_much_a_target_was_missed():
    assert _verdict(False, 1.47, 1.3, higher_is_better=False) == "**missed** by 13%"
    assert _verdict(False, 0.90, 0.95, higher_is_better=True) == "**missed** by 5%"
    assert _verdict(True, 0.97, 0.95, higher_is_better=True) == "met"
    assert ORG.first_day == END_DATE - timedelta(days=2)
