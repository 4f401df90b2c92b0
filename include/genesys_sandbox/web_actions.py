"""What Predictive Engagement adds to a web session, as the Platform API's session events show it
(SDK ``Event``): web actions an action map offers (``com.genesys.journey.WebActionEvent``), segments
the visitor is assigned to (``...SegmentAssignmentEvent``) and, before outcomes were withdrawn,
outcomes achieved (``...OutcomeAchievedEvent``).

A web messaging offer the visitor accepts starts the chat that follows the session: the chat's
customer session then names the action, its map and the map's version (SDK ``AnalyticsSession``
``journeyActionId``, ``journeyActionMapId``, ``journeyActionMapVersion``) besides the web session.
Web messaging also sets custom attributes on the customer participant: the Messenger deployment's
``Database.set`` (help.mypurecloud.com, Messenger custom attributes) names the page the chat began on.

These events ride on the Platform API's session events only: the seed contract's journey query
keeps its own web events. Planted after the org's activity with a generator of their own, so
nothing else the org generates changes. The session events are a sample of the site's traffic
(the people of the org); the aggregates count every visitor, so the two are not expected to agree.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta

from .action_maps import OUTCOMES_WITHDRAWN, ActionMap
from .activity import Activity
from .timefmt import iso, parse_iso

SEGMENTS = ("Returning visitor", "Mobile shopper", "Plan comparer")
OUTCOMES = ("Reached checkout", "Reset password")
OFFER_SHARE = 0.25  # of the other sessions, how many are offered an action they do not take up
SEGMENT_SHARE = 0.3
OUTCOME_SHARE = 0.2
WEB_EVENT = "com.genesys.journey.WebEvent"
WEB_ACTION_EVENT = "com.genesys.journey.WebActionEvent"
SEGMENT_EVENT = "com.genesys.journey.SegmentAssignmentEvent"
OUTCOME_EVENT = "com.genesys.journey.OutcomeAchievedEvent"


def plant_web_actions(seed: int, activity: Activity, action_maps: list[ActionMap]) -> dict[str, dict]:
    """Adds action, segment and outcome events to the sessions; returns, per conversation started
    from an accepted offer, the action that started it (its id, map and the map's version)."""
    rng = random.Random(f"{seed}:web-actions")
    segments = [_entity(rng, name, "segments") for name in SEGMENTS]
    outcomes = [_entity(rng, name, "outcomes") for name in OUTCOMES]
    chats = _messaging_chats_by_session(activity)
    started: dict[str, dict] = {}
    for session in activity.sessions:
        sid = session["id"]
        events = activity.session_events[sid]
        added: list[dict] = []
        chat = chats.get(sid)
        if chat is not None:
            _set_page_attributes(chat, events)
        live = [m for m in action_maps if _can_offer(m, parse_iso(events[0]["createdDate"]))]
        if live and (chat is not None or rng.random() < OFFER_SHARE):
            action_map = rng.choice(live)
            accepted = chat is not None and rng.random() < 0.7
            outcome = "accepted" if accepted else rng.choice(["rejected", "timedout", "ignored"])
            action_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            at = parse_iso(events[0]["createdDate"])
            for n, state in enumerate(("qualified", "offered", outcome), start=1):
                added.append(_action_event(rng, events[0], at + timedelta(seconds=n), state, action_id, action_map))
            if accepted:
                link = {
                    "journeyActionId": action_id,
                    "journeyActionMapId": action_map.id,
                    "journeyActionMapVersion": action_map.version_at(at),
                }
                for record in (chat.body, chat.late_change.before if chat.late_change else None):
                    if record is not None:
                        record["participants"][0]["sessions"][0].update(link)
                started[chat.body["conversationId"]] = {
                    "actionId": action_id,
                    "actionMapId": action_map.id,
                    "actionMapVersion": link["journeyActionMapVersion"],
                    "session": sid,
                }
        if rng.random() < SEGMENT_SHARE:
            segment = {k: v for k, v in rng.choice(segments).items() if k != "displayName"}  # an AddressableEntityRef
            added.append(
                _event(
                    rng,
                    events[0],
                    _after(events[0], 0.5),
                    SEGMENT_EVENT,
                    {"segmentAssignmentEvent": {"segment": segment}},
                )
            )
        last = events[-1]
        if parse_iso(last["createdDate"]).date() < OUTCOMES_WITHDRAWN and rng.random() < OUTCOME_SHARE:
            outcome_ref = {**rng.choice(outcomes), "version": 1}
            added.append(
                _event(rng, last, _after(last, 1), OUTCOME_EVENT, {"outcomeAchievedEvent": {"outcome": outcome_ref}})
            )
        for event in added:
            activity.owner[f"event:{event['id']}"] = activity.owner[f"session:{sid}"]
            activity.edges.append((f"event:{event['id']}", f"session:{sid}"))
        if added:
            events.extend(added)
            events.sort(key=lambda e: e["createdDate"])
            session["eventCount"] = len(events)
    return started


def _messaging_chats_by_session(activity: Activity) -> dict[str, object]:
    """The web messaging conversations started from a page, by the session they came from."""
    chats = {}
    for conv in activity.conversations:
        customer = conv.body["participants"][0]["sessions"][0]
        if customer.get("messageType") == "webmessaging" and customer.get("journeyCustomerSessionId"):
            chats[customer["journeyCustomerSessionId"]] = conv
    return chats


def _set_page_attributes(chat, session_events: list[dict]) -> None:
    """The custom attributes a Messenger deployment sets from the page a chat began on."""
    page = session_events[-1]["webEvent"]["page"]
    for record in (chat.body, chat.late_change.before if chat.late_change else None):
        if record is not None:
            customer = record["participants"][0]
            customer["attributes"] = {
                **customer.get("attributes", {}),
                "pageUrl": page["url"],
                "pageTitle": page["title"],
            }


def _can_offer(action_map: ActionMap, at: datetime) -> bool:
    return action_map.is_listed(at) and action_map.is_active(at)


def _entity(rng: random.Random, name: str, kind: str) -> dict:
    entity_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    return {"id": entity_id, "displayName": name, "selfUri": f"/api/v2/journey/{kind}/{entity_id}"}


def _event(rng: random.Random, beside: dict, at: datetime, event_type: str, body: dict) -> dict:
    """An event of the session the event ``beside`` belongs to; ``body`` holds its type's own part."""
    return {
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "customerId": beside["customerId"],
        "customerIdType": beside["customerIdType"],
        "session": beside["session"],
        "eventType": event_type,
        "createdDate": iso(at),
        **body,
    }


def _after(event: dict, seconds: float) -> datetime:
    return parse_iso(event["createdDate"]) + timedelta(seconds=seconds)


def _action_event(
    rng: random.Random, beside: dict, at: datetime, state: str, action_id: str, action_map: ActionMap
) -> dict:
    web = beside["webEvent"]
    action = {
        "id": action_id,
        "state": state,
        "mediaType": "webMessagingOffer",
        "createdDate": iso(at - timedelta(seconds=1)),
    }
    mapped = {
        "id": action_map.id,
        "selfUri": f"/api/v2/journey/actionmaps/{action_map.id}",
        "version": action_map.version_at(at),
        "displayName": action_map.campaign.name,
    }
    body = {"action": action, "actionMap": mapped, "ipAddress": web["ipAddress"], "device": web["device"]}
    return _event(rng, beside, at, WEB_ACTION_EVENT, {"webActionEvent": body})
