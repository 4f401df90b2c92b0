"""The stream registry is the one list of streams: every other list derives from it, and what it
declares exists (models, PII rules, endpoints, extractor methods, the dbt var it shares)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from genesys_elt.api.catalogue import CATALOGUE
from genesys_elt.cli import build_parser
from genesys_elt.extract.extractor import Extractor
from genesys_elt.landing.payloads import Payload
from genesys_elt.streams import REGISTRY, STREAM_NAMES, STREAMS, daily_slices, extract_dags, stream

ROOT = Path(__file__).resolve().parents[1]
RUN_DAY = date(2026, 11, 20)


def test_a_daily_run_lands_each_streams_days_as_the_registry_says():
    assert STREAMS["scorecards"].slice_days(RUN_DAY) == [date(2026, 11, 18)]  # outcomes settle 48 h
    # late changes come three or more days after a conversation: five days before D are pulled again
    assert STREAMS["conversations"].slice_days(RUN_DAY) == [date(2026, 11, n) for n in range(15, 21)]
    assert STREAMS["conversations"].slice_days(RUN_DAY, {"conversations": 1}) == [date(2026, 11, 19), RUN_DAY]
    assert STREAMS["journey_events"].slice_days(RUN_DAY, {"conversations": 1}) == [RUN_DAY]
    # action-map figures fill in after the day ends: the two days before D are landed again
    assert STREAMS["campaign_journey"].slice_days(RUN_DAY) == [date(2026, 11, n) for n in range(18, 21)]
    slices = daily_slices(RUN_DAY)
    assert [name for name, _ in slices][:2] == ["campaigns", "campaign_journey"]
    # 7 streams + 4 of the directory, conversations and their contacts six days each, funnels three
    assert len(slices) == sum(len(s.slice_days(RUN_DAY)) for s in REGISTRY) == 23
    assert len(daily_slices(RUN_DAY, {"conversations": 2, "external_contacts": 2})) == 17


def test_the_settle_window_is_the_dbt_var():
    project = yaml.safe_load((ROOT / "dbt_project" / "dbt_project.yml").read_text())
    settle = STREAMS["scorecards"].settle_hours
    assert project["vars"]["scorecard_settle_hours"] == settle
    assert STREAMS["scorecards"].lag_days * 24 >= settle  # the D-2 pull comes after outcomes settled


@pytest.mark.parametrize("entry", REGISTRY, ids=lambda s: s.name)
def test_what_a_stream_declares_exists(entry):
    assert issubclass(entry.model, Payload) and callable(entry.scrub)
    assert entry.dag_id in extract_dags() and entry.name in extract_dags()[entry.dag_id]
    for source in entry.sources:
        assert set(source.endpoints) <= CATALOGUE.keys(), source
        assert callable(getattr(Extractor, source.extract))
        if source.list_parts:
            assert entry.parts and callable(getattr(Extractor, source.list_parts))
    assert set(entry.needs) < set(STREAM_NAMES) and entry.name not in entry.needs


def test_unknown_streams_are_refused_with_the_list():
    with pytest.raises(Exception, match="choose one of campaigns, campaign_journey"):
        stream("users")


def test_every_list_of_streams_is_the_registry():
    extract = next(
        a for a in build_parser()._subparsers._group_actions[0].choices["extract"]._actions if a.dest == "stream"
    )
    assert tuple(extract.choices) == STREAM_NAMES

    sources = yaml.safe_load((ROOT / "dbt_project" / "models" / "staging" / "_genesys__sources.yml").read_text())
    assert set(STREAM_NAMES) <= {t["name"] for t in sources["sources"][0]["tables"]}
