"""The pipeline where the public documentation leaves the platform's answer open: every stream
lands whatever status an unserved path answers, with a token response that names no scopes, when
the bulk contact fetch takes fewer ids than we send, and when analytics job submissions are
refused for running too many at once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from genesys_elt.errors import WriteScopeRefused
from genesys_elt.landing.reader import read_records
from genesys_sandbox.auth import DEFAULT_CLIENT, OAuthClient
from genesys_sandbox.org import ground_truth

from .conftest import DAYS, ORDER, extract_days, landed_files, make_extractor

pytestmark = pytest.mark.integration


def _landed(data_dir) -> dict[str, str]:
    """Every landed page, rejects and skip file, hashed."""
    return landed_files(data_dir, ("**/*.jsonl*", "_skips/**/*.json"))


@pytest.mark.parametrize("status", [400, 403, 405])
def test_every_stream_lands_whatever_an_unserved_path_answers(sandbox_for_extract, tmp_path, status):
    landed = {}
    for answer in (404, status):
        sandbox = sandbox_for_extract(api_profile="platform", unserved_status=answer, customers=120)
        extract_days(make_extractor(sandbox, tmp_path / str(answer)), DAYS[-1:], ORDER)
        landed[answer] = _landed(tmp_path / str(answer))
        sandbox.shutdown()
    assert landed[status] == landed[404]
    streams = {path.split("/")[0] for path in landed[404]}
    assert {"campaigns", "campaign_journey", "conversations", "external_contacts", "journey_events"} <= streams
    assert any(path.startswith("_skips/scorecards/") for path in landed[404])  # no Platform source


def test_a_token_response_without_scope_is_checked_through_tokens_me(sandbox_for_extract, tmp_path):
    writer = OAuthClient.parse("admin:admin-secret:analytics:readonly,journey")
    sandbox = sandbox_for_extract(token_scope=False, clients=[DEFAULT_CLIENT, writer])
    extract_days(make_extractor(sandbox, tmp_path / "read"), DAYS[-1:], ORDER)
    assert {path.split("/")[0] for path in _landed(tmp_path / "read")} >= set(ORDER) - {"journey_sessions"}
    asked = sandbox.stats.snapshot()["requests"]["byEndpoint"]["token_info"]
    assert asked >= 1
    with pytest.raises(WriteScopeRefused, match="journey"):
        make_extractor(sandbox, tmp_path / "write", login="admin", password="admin-secret").run("campaigns", DAYS[0])


def test_a_bulk_fetch_refused_for_its_size_is_split_and_sent_again(sandbox_for_extract, tmp_path):
    landed = {}
    for limit in (100, 30):
        sandbox = sandbox_for_extract(bulk_contact_ids=limit)
        extractor = make_extractor(sandbox, tmp_path / str(limit))
        extract_days(extractor, DAYS, ("conversations", "external_contacts"))
        landed[limit] = _landed(tmp_path / str(limit))
        assert extractor.bulk_contact_ids == (100 if limit == 100 else 25)
        assert extractor.bulk_contacts_served
        sandbox.shutdown()
    assert landed[30] == landed[100]
    assert sum(path.startswith("external_contacts/") for path in landed[30]) >= len(DAYS)


def test_job_submissions_refused_for_concurrency_wait_and_every_slice_lands(sandbox_for_extract, tmp_path):
    sandbox = sandbox_for_extract(job_concurrency=1, job_latency_seconds=0.8)
    extractor = make_extractor(sandbox, tmp_path)
    with ThreadPoolExecutor(max_workers=3) as pool:  # three days' jobs at once, as parallel tasks submit them
        list(pool.map(lambda day: extractor.run("conversations", day), DAYS))
    truth = ground_truth(sandbox.api.org)
    for day in DAYS:
        landed = list(read_records(tmp_path, "conversations", day))
        assert len(landed) == truth["counts"]["conversations_active"][day.isoformat()] > 0
    stats = sandbox.stats.snapshot()
    assert stats["rateLimited"]["total"] >= 2  # refused, waited, submitted again
    assert stats["requests"]["byEndpoint"]["conversation_job_submit"] >= 3 + 2
