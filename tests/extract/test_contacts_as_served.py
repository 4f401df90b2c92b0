"""External contacts as the platform serves them: a merge makes a new contact that the old ids
resolve to, and Identified contacts expire 60 days after their last interaction. The pipeline
lands a merged-away id as a merge into its head, and a re-landed slice keeps what the API no
longer serves."""

from __future__ import annotations

from datetime import timedelta

import duckdb
import pytest

from genesys_elt.extract.conversations import KEPT_CONTACTS_REASON
from genesys_elt.landing.reader import read_manifest, read_records
from genesys_elt.warehouse.dbt import run_dbt
from genesys_sandbox.render import CONTACT_EXPIRY
from tests.conftest import NOW, pipeline_environment

from .conftest import PII_KEY, extract_days, make_extractor

pytestmark = pytest.mark.integration


def _days_naming_merged_away_contacts(org) -> dict:
    """Days on which a conversation names a contact that has been merged away by NOW."""
    merged = {cid for cid, c in org.contacts.items() if c.merged_into and c.merged_at <= NOW}
    days: dict = {}
    for conv in org.conversations:
        for participant in conv.body["participants"]:
            if participant.get("externalContactId") in merged and conv.end <= NOW:
                days.setdefault(conv.day, set()).add(participant["externalContactId"])
    return days


@pytest.mark.parametrize("answer", ["head", "record"])
def test_a_merged_away_id_lands_as_a_merge_into_the_new_contact(sandbox_for_extract, tmp_path, answer):
    sandbox = sandbox_for_extract(merged_contact_answer=answer, customers=600)
    org = sandbox.api.org
    days = _days_naming_merged_away_contacts(org)
    assert days, "the org plants merges that conversations name"
    extractor = make_extractor(sandbox, tmp_path)
    for day, old_ids in sorted(days.items()):
        extractor.run("conversations", day)
        manifest = extractor.run("external_contacts", day)[0]
        landed = {r["id"]: r for r in read_records(tmp_path, "external_contacts", day)}
        for old in old_ids:
            head = org.contacts[old].merged_into
            assert landed[old]["canonicalContact"]["id"] == head == landed[old]["mergedTo"]["id"]
            assert landed[head]["id"] == head and {m["id"] for m in landed[head]["mergedFrom"]} >= {old}
        # every canonical contact a record names has landed beside it
        assert {r["canonicalContact"]["id"] for r in landed.values()} <= set(landed)
        assert manifest.get("merges_followed", 0) == (len(old_ids) if answer == "head" else 0)


def test_re_landing_a_day_past_the_contact_expiry_keeps_every_contact_landed_before(sandbox_for_extract, tmp_path):
    sandbox = sandbox_for_extract()
    org = sandbox.api.org
    day = org.config.last_day - timedelta(days=3)
    extractor = make_extractor(sandbox, tmp_path)
    first = extract_days(extractor, [day])[("external_contacts", day)][0]  # every stream: the warehouse reads them all
    before = sorted(read_records(tmp_path, "external_contacts", day), key=lambda r: r["id"])
    identified = [r["id"] for r in before if r.get("type") in ("Identified", "Ephemeral")]  # the ones that expire
    assert first["rejected"] == 0 and "kept" not in first and identified

    # Two months after the org's last day, every Identified and Ephemeral contact has expired: 404.
    sandbox.clock.set(NOW + CONTACT_EXPIRY + timedelta(days=2))
    assert all(sandbox.api.org.contacts[c].kind != "Curated" for c in identified)
    again = extractor.run("external_contacts", day)[0]
    after = sorted(read_records(tmp_path, "external_contacts", day), key=lambda r: r["id"])
    assert after == before  # nothing lost, nothing changed
    assert again["kept"] == len(identified) and again["kept_reason"] == KEPT_CONTACTS_REASON
    assert again["records"] == len(before) and again["rejected"] == 0
    assert read_manifest(tmp_path, "external_contacts", day)["kept"] == len(identified)

    with pipeline_environment(tmp_path, PII_KEY):
        run_dbt("build", "--select", "+load_audit")
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as conn:
        row = conn.execute(
            "select records, kept, kept_reason from marts.load_audit "
            "where stream = 'external_contacts' and slice_date = ?",
            [day],
        ).fetchone()
    assert row == (len(before), len(identified), KEPT_CONTACTS_REASON)
