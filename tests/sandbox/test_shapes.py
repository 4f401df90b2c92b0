"""Every endpoint answers in the documented shape: the official SDK's models for real endpoints,
the seed contract's fields for Predictive Engagement analytics and the journey query."""

from __future__ import annotations

import pytest

from genesys_sandbox.render import contact_at
from tests.sdk_shapes import conformance_errors

from .helpers import EC, JOBS, PE, conversations_job, day_params, journey_query

pytestmark = pytest.mark.integration

DAY, NEXT = "2026-11-20", "2026-11-21"
INTERVAL = f"{DAY}T00:00:00.000Z/{NEXT}T00:00:00.000Z"


def assert_conforms(payload, model):
    errors = conformance_errors(payload, model)
    assert not errors, "\n".join(errors[:20])


def test_token_and_token_info(api):
    token = api.login()
    assert set(token) >= {"access_token", "token_type", "expires_in"}
    assert token["token_type"] == "bearer" and token["expires_in"] == 86400
    info = api.ok("GET", "/api/v2/tokens/me")
    assert_conforms(info, "TokenInfo")
    assert all(s.endswith((":readonly", ":view")) for s in info["authorizedScope"])


def test_conversation_details_job_shapes(api):
    submitted = api.ok("POST", JOBS, json={"interval": INTERVAL})
    assert_conforms(submitted, "AsyncQueryResponse")
    status = api.ok("GET", f"{JOBS}/{submitted['jobId']}")
    assert_conforms(status, "AsyncQueryStatus")
    assert_conforms(api.ok("GET", f"{JOBS}/availability"), "DataAvailabilityResponse")

    conversations = conversations_job(api, INTERVAL)
    assert len(conversations) > 20
    page = {"conversations": conversations, "cursor": None, "dataAvailabilityDate": "2026-11-23T04:30:00.000Z"}
    assert_conforms(page, "AnalyticsConversationAsyncQueryResponse")
    media = {s["mediaType"] for c in conversations for p in c["participants"] for s in p["sessions"]}
    assert {"voice", "chat", "email", "message"} <= media
    purposes = {p["purpose"] for c in conversations for p in c["participants"]}
    assert {"customer", "agent", "acd", "ivr"} <= purposes
    for conv in conversations:
        assert {"conversationId", "conversationStart", "originatingDirection", "divisionIds", "participants"} <= set(
            conv
        )
        for participant in conv["participants"]:
            for session in participant["sessions"]:
                assert session["segments"], "every session has segments"
                for segment in session["segments"]:
                    assert {"segmentStart", "segmentType"} <= set(segment)


def test_external_contact_shapes(api, shared_sandbox):
    org, now = shared_sandbox.api.org, shared_sandbox.api.clock()
    live = [c for c in org.contact_order if contact_at(org, c, now) and not org.contacts[c].merged_into]
    merged = next(c for c in org.contacts.values() if c.merged_into and c.merged_at <= now)
    # A merged-away id answers with the head of its merge; its own record is the "unresolved" one.
    for contact_id, answered in ((live[0], live[0]), (merged.id, merged.merged_into), (merged.merged_into,) * 2):
        body = api.ok("GET", f"{EC}/contacts/{contact_id}")
        assert_conforms(body, "ExternalContact")
        assert body["id"] == answered
    unresolved = api.ok("GET", f"{EC}/contacts/{merged.id}/unresolved")
    assert_conforms(unresolved, "ExternalContact")
    assert unresolved["id"] == merged.id and unresolved["canonicalContact"]["id"] == merged.merged_into
    crm = next(c for c in org.contacts.values() if c.external_id and not c.merged_into)
    found = api.ok(
        "POST",
        f"{EC}/identifierlookup/contacts",
        json={"type": "ExternalId", "value": crm.external_id, "externalSource": {"id": "crm"}},
    )
    assert_conforms(found, "ExternalContact")
    assert found["id"] == crm.id
    wanted = live[:99] + ["no-such-contact"]
    bulk = api.ok("POST", f"{EC}/bulk/contacts", json={"entities": [{"id": c} for c in wanted]})
    assert_conforms(bulk, "BulkFetchContactsResponse")
    assert [r["id"] for r in bulk["results"]] == wanted
    assert bulk["errorCount"] == 1 and bulk["errorIndexes"] == [99] and bulk["results"][99]["status"] == 404
    assert all(r["entity"]["id"] == r["id"] for r in bulk["results"][:99])
    too_many = api.request("POST", f"{EC}/bulk/contacts", json={"entities": [{"id": c} for c in wanted + ["x"]]})
    assert too_many.status_code == 400 and "at most 100" in too_many.json()["message"]
    scan = api.ok("GET", f"{EC}/scan/contacts", params={"limit": 5})
    assert_conforms(scan, "CursorContactListing")
    assert scan["cursors"]["after"] and scan["nextUri"]


def test_journey_session_shapes(api, shared_sandbox):
    org = shared_sandbox.api.org
    contact_id = max(org.sessions_by_contact, key=lambda c: len(org.sessions_by_contact[c]))
    listing = api.ok("GET", f"{EC}/contacts/{contact_id}/journey/sessions", params={"pageSize": 200})
    assert_conforms(listing, "SessionListing")
    session = listing["entities"][0]
    assert session["externalContact"]["id"] == contact_id and session["authenticated"] is True
    events = api.ok("GET", f"/api/v2/journey/sessions/{session['id']}/events")
    assert_conforms(events, "EventListing")
    assert events["entities"] and all(e["session"]["id"] == session["id"] for e in events["entities"])


def test_session_events_carry_the_sdks_types_and_a_correlation_id_of_their_own(api, shared_sandbox):
    """The Platform API's events: SDK event types, and on every event the id of the request that
    caused it, never the token a signed-in session hands to a call."""
    org = shared_sandbox.api.org
    served = []
    for session in org.activity.sessions[:60]:
        listing = api.ok("GET", f"/api/v2/journey/sessions/{session['id']}/events")
        assert_conforms(listing, "EventListing")  # web action, segment and outcome events included
        served += listing["entities"]
    kinds = ("WebEvent", "WebActionEvent", "SegmentAssignmentEvent", "OutcomeAchievedEvent")
    types = {e["eventType"] for e in served}
    assert "com.genesys.journey.WebEvent" in types and types <= {f"com.genesys.journey.{k}" for k in kinds}
    correlations = [e["correlationId"] for e in served]
    assert all(correlations) and len(set(correlations)) == len(correlations)
    tokens = {e.get("correlationId") for e in org.activity.events if e["eventType"] == "voice.call"}
    assert not tokens & set(correlations)


def test_a_call_after_a_web_session_names_it_as_the_platform_does(shared_sandbox):
    """A call that follows a signed-in visit carries the session in its customer's analytics session
    (SDK AnalyticsSession journeyCustomerSessionId), as a chat started from the page does."""
    org = shared_sandbox.api.org
    sessions = {s["id"] for s in org.activity.sessions}
    from_web = {
        conversation: session.split(":", 1)[1]
        for conversation, session in org.activity.edges
        if conversation.startswith("conversation:") and session.startswith("session:")
    }
    calls = 0
    for conv in org.conversations:
        customer = conv.body["participants"][0]
        named = {s.get("journeyCustomerSessionId") for s in customer["sessions"]} - {None}
        expected = from_web.get(f"conversation:{conv.body['conversationId']}")
        assert named == ({expected} if expected else set()), conv.body["conversationId"]
        assert named <= sessions
        calls += bool(named) and customer["sessions"][0]["mediaType"] == "voice"
    assert calls > 5


def test_journey_query_follows_the_seed_contract(api):
    events = journey_query(api, f"{DAY}T00:00:00.000Z", f"{NEXT}T00:00:00.000Z")
    assert events
    for event in events:
        assert {"id", "eventType", "channel", "createdDate", "session"} <= set(event)
        assert event["channel"] in ("web", "voice")
        assert event["createdDate"].endswith("Z")
        # Beyond the seed's extra channel field, each event is the real Event model.
        assert_conforms({k: v for k, v in event.items() if k != "channel"}, "Event")
    assert {"web.pageview", "voice.call"} <= {e["eventType"] for e in events}
    assert any(e.get("correlationId") for e in events if e["channel"] == "voice")


def test_campaign_and_scorecard_analytics_follow_the_seed_contract(api):
    campaigns = api.ok("GET", f"{PE}/campaigns")["entities"]
    assert {c["status"] for c in campaigns} <= {"active", "paused", "archived"}
    campaign = next(c for c in campaigns if c["status"] == "active")
    assert api.ok("GET", f"{PE}/campaigns/{campaign['id']}")["status"] == "active"
    body = api.ok(
        "GET",
        f"{PE}/campaigns/{campaign['id']}/analytics",
        params={**day_params(DAY, NEXT), "groupBy": "step", "pageSize": 1000},
    )
    assert set(body) >= {"campaignId", "dateFrom", "dateTo", "metrics", "steps", "nextPageUri"}
    assert set(body["metrics"]) == {"totalContacts", "totalConverted", "overallConversionRate", "averageScore"}
    assert body["nextPageUri"] is None
    for step in body["steps"]:
        assert set(step) == {"stepId", "stepName", "contactCount", "conversionRate", "averageScore", "exitReason"}
    assert body["steps"][0]["conversionRate"] == 1.0

    scorecard = api.ok("GET", f"{PE}/scorecards")["entities"][0]
    assert {"id", "name", "modelVersion", "retrainedAt"} <= set(scorecard)
    perf = api.ok(
        "GET", f"{PE}/scorecards/{scorecard['id']}/analytics", params={**day_params(DAY, NEXT), "metric": "performance"}
    )
    assert set(perf) == {
        "scorecardId",
        "scorecardName",
        "dateFrom",
        "dateTo",
        "modelVersion",
        "retrainedAt",
        "performanceMetrics",
        "scoreDistribution",
    }
    assert set(perf["performanceMetrics"]) == {
        "precision",
        "recall",
        "f1Score",
        "auc",
        "actualConversionRate",
        "predictedConversionRate",
    }
    assert list(perf["scoreDistribution"]) == ["0.0-0.2", "0.2-0.4", "0.4-0.6", "0.6-0.8", "0.8-1.0"]


def test_errors_use_the_genesys_error_body(api):
    response = api.get(f"{EC}/contacts/does-not-exist")
    assert response.status_code == 404
    assert set(response.json()) >= {"message", "code", "status"} and response.json()["status"] == 404
    bad = api.get(f"{PE}/campaigns/x/analytics", params={"groupBy": "step"})
    assert bad.status_code == 404


def test_directory_listings_are_the_platform_shapes(api, shared_sandbox):
    directory = shared_sandbox.api.org.directory
    for path, model in (
        ("/api/v2/routing/queues", "QueueEntityListing"),
        ("/api/v2/users", "UserEntityListing"),
        ("/api/v2/routing/wrapupcodes", "WrapupCodeEntityListing"),
        ("/api/v2/authorization/divisions", "AuthzDivisionEntityListing"),
    ):
        assert_conforms(api.ok("GET", path, params={"pageSize": 100}), model)
    # Users who left are listed only when asked for: the conversations they handled still name them.
    active = api.ok("GET", "/api/v2/users", params={"pageSize": 100})["entities"]
    everyone = api.ok("GET", "/api/v2/users", params={"pageSize": 100, "state": "any"})["entities"]
    left = {a.id for a in directory.agents if a.deleted_at and a.deleted_at <= shared_sandbox.api.clock()}
    assert left and {u["id"] for u in everyone} - {u["id"] for u in active} == left
    assert {u["state"] for u in everyone if u["id"] in left} == {"deleted"}
    paged = api.ok("GET", "/api/v2/users", params={"pageSize": 25, "state": "any"})
    assert paged["pageCount"] == 2 and paged["nextUri"].endswith("pageNumber=2&state=any")
    assert api.request("GET", "/api/v2/users", params={"state": "gone"}).status_code == 400
