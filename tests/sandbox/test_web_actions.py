"""Predictive Engagement on the Platform API's session events: web actions an action map offers,
segment assignments and (before their withdrawal) outcomes, with the SDK's shapes; the web messaging
chats an accepted offer starts name the action, its map and version, and every web messaging chat
from a page carries the custom attributes the Messenger deployment set."""

from __future__ import annotations

from collections import Counter
from datetime import date

from PureCloudPlatformClientV2.models.event_action import EventAction

from genesys_sandbox.action_maps import OUTCOMES_WITHDRAWN
from genesys_sandbox.api import platform_event
from genesys_sandbox.org import OrgConfig, generate, ground_truth
from genesys_sandbox.timefmt import parse_iso
from genesys_sandbox.web_actions import OUTCOME_EVENT, SEGMENT_EVENT, WEB_ACTION_EVENT, WEB_EVENT

EVENTS = "/api/v2/journey/sessions/{}/events"


def _served_events(org) -> list[dict]:
    return [platform_event(e) for events in org.activity.session_events.values() for e in events]


def _allowed(attribute: str) -> set[str]:
    """The values the SDK's EventAction setter accepts for ``attribute``."""
    allowed = set()
    for value in ("accepted", "rejected", "timedout", "ignored", "qualified", "offered", "webMessagingOffer"):
        try:
            setattr(EventAction(), attribute, value)
            allowed.add(value)
        except ValueError:
            pass
    return allowed


def test_session_events_carry_the_sdks_four_event_types_before_outcomes_were_withdrawn():
    before = generate(OrgConfig(customers=150, days=5, end_date=date(2026, 3, 31)))
    types = Counter(e["eventType"] for e in _served_events(before))
    assert set(types) == {WEB_EVENT, WEB_ACTION_EVENT, SEGMENT_EVENT, OUTCOME_EVENT}, types
    for event in _served_events(before):
        if event["eventType"] == SEGMENT_EVENT:
            assert set(event["segmentAssignmentEvent"]["segment"]) == {"id", "selfUri"}
        if event["eventType"] == OUTCOME_EVENT:
            assert {"id", "displayName", "version"} <= set(event["outcomeAchievedEvent"]["outcome"])


def test_no_outcome_is_achieved_after_outcomes_were_withdrawn(shared_sandbox):
    org = shared_sandbox.api.org
    assert org.config.first_day > OUTCOMES_WITHDRAWN
    assert OUTCOME_EVENT not in {e["eventType"] for e in _served_events(org)}
    funnels = [day for m in ground_truth(org)["actionMaps"].values() for day in m["funnel"].values()]
    assert funnels and all(day["nJourneyOutcomesAchieved"] == 0 for day in funnels)
    assert sum(day["nWebActionsAccepted"] for day in funnels) > 0


def test_each_web_action_names_a_live_map_at_its_version_and_the_sdks_states(api, shared_sandbox):
    org = shared_sandbox.api.org
    actions = [e for e in _served_events(org) if e["eventType"] == WEB_ACTION_EVENT]
    assert len(actions) > 50
    states, media = _allowed("state"), _allowed("media_type")
    for event in actions:
        action, ref = event["webActionEvent"]["action"], event["webActionEvent"]["actionMap"]
        at = parse_iso(event["createdDate"])
        action_map = org.action_map_by_id[ref["id"]]
        assert action_map.is_listed(at) and action_map.is_active(at)
        assert ref["version"] == action_map.version_at(at) and ref["displayName"] == action_map.campaign.name
        assert action["state"] in states and action["mediaType"] in media
    # served by the session events endpoint as generated, each with a correlation id of its own
    session_id = actions[0]["session"]["id"]
    served = api.ok("GET", EVENTS.format(session_id), params={"pageSize": 200})["entities"]
    assert WEB_ACTION_EVENT in {e["eventType"] for e in served}
    assert len({e["correlationId"] for e in served}) == len(served)


def test_an_accepted_offer_starts_the_chat_that_names_the_action_its_map_and_version(shared_sandbox):
    org = shared_sandbox.api.org
    started = ground_truth(org)["journeyActions"]
    assert len(started) > 10
    accepted = {
        e["webActionEvent"]["action"]["id"]: e
        for e in _served_events(org)
        if e["eventType"] == WEB_ACTION_EVENT and e["webActionEvent"]["action"]["state"] == "accepted"
    }
    assert set(accepted) == {link["actionId"] for link in started.values()}
    conversations = {c.body["conversationId"]: c for c in org.conversations}
    for conversation_id, link in started.items():
        conv = conversations[conversation_id]
        session = conv.body["participants"][0]["sessions"][0]
        event = accepted[link["actionId"]]
        assert session["messageType"] == "webmessaging"
        assert session["journeyActionId"] == link["actionId"]
        assert session["journeyActionMapId"] == event["webActionEvent"]["actionMap"]["id"] == link["actionMapId"]
        assert session["journeyActionMapVersion"] == event["webActionEvent"]["actionMap"]["version"]
        assert session["journeyCustomerSessionId"] == event["session"]["id"] == link["session"]
        assert parse_iso(event["createdDate"]) < conv.start
    # offers are also declined: not every offered action starts a chat
    outcomes = Counter(
        e["webActionEvent"]["action"]["state"] for e in _served_events(org) if e["eventType"] == WEB_ACTION_EVENT
    )
    assert outcomes["offered"] > outcomes["accepted"] > 0 and outcomes["rejected"] + outcomes["timedout"] > 0


def test_web_messaging_chats_from_a_page_carry_the_messengers_custom_attributes(shared_sandbox):
    org = shared_sandbox.api.org
    chats = [
        c
        for c in org.conversations
        if c.body["participants"][0]["sessions"][0].get("messageType") == "webmessaging"
        and c.body["participants"][0]["sessions"][0].get("journeyCustomerSessionId")
    ]
    assert chats
    for conv in chats:
        customer = conv.body["participants"][0]
        sid = customer["sessions"][0]["journeyCustomerSessionId"]
        page = [e for e in org.activity.session_events[sid] if "webEvent" in e][-1]["webEvent"]["page"]
        assert customer["attributes"]["pageUrl"] == page["url"]
        assert all(isinstance(v, str) for v in customer["attributes"].values())  # the SDK: dict(str, str)
