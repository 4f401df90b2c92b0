"""What people do: web sessions with journey events, and conversations on every channel.

Each record is stored in its final state (as the API shows it once everything has settled).
``render.py`` derives what the API shows at an earlier moment (in progress, wrap-up not yet coded).
Verified links between records are collected as ``edges``: the deterministic identity truth.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from .directory import WRAP_UP_CODE_IDS
from .identities import CRM_SOURCE, Contact, Device, Household, Person, new_id
from .late_changes import LateChange, LateChanges
from .timefmt import day_start, iso

PAGES = [
    ("https://shop.example.com/", "Home"),
    ("https://shop.example.com/plans", "Plans and pricing"),
    ("https://shop.example.com/plans/unlimited", "Unlimited plan"),
    ("https://shop.example.com/billing", "Billing"),
    ("https://shop.example.com/support/password-reset", "Password reset"),
    ("https://shop.example.com/support/contact", "Contact us"),
    ("https://shop.example.com/checkout", "Checkout"),
    ("https://shop.example.com/account", "My account"),
]
MESSAGE_CHANNELS = {
    "sms": "sms",
    "whatsapp": "whatsapp",
    "line": "line",
    "twitter": "twitter",
    "facebook": "facebook",
    "webmessaging": "webmessaging",
}
# Standalone conversation mix: (channel, weight). Chats and web messaging mostly start from web sessions.
CHANNEL_MIX = [
    ("voice_in", 38),
    ("voice_out", 10),
    ("email", 12),
    ("sms", 10),
    ("whatsapp", 8),
    ("line", 2),
    ("twitter", 3),
    ("facebook", 5),
    ("callback", 4),
    ("webmessaging", 8),
]
PHONE_CHANNELS = {"voice_in", "voice_out", "callback", "sms", "whatsapp"}


@dataclass
class Conversation:
    body: dict  # final state, API shape
    pid: str
    day: date
    start: datetime
    end: datetime  # end of the last wrap-up
    late_wrapup: bool = False
    late_change: LateChange | None = None  # a correction days after the end (late_changes.py)


@dataclass
class Activity:
    sessions: list[dict] = field(default_factory=list)
    session_events: dict[str, list[dict]] = field(default_factory=dict)
    events: list[dict] = field(default_factory=list)  # every journey event, web and voice
    conversations: list[Conversation] = field(default_factory=list)
    owner: dict[str, object] = field(default_factory=dict)
    edges: list[tuple[str, str]] = field(default_factory=list)
    traps: list[dict] = field(default_factory=list)
    handoffs: list[dict] = field(default_factory=list)
    journey_actions: dict[str, dict] = field(default_factory=dict)  # conversation id: the action that started it


class ActivityGenerator:
    def __init__(
        self,
        rng: random.Random,
        people: list[Person],
        households: list[Household],
        first_day: date,
        last_day: date,
        activity_scale: float = 1.0,
        line_rng: random.Random | None = None,
        late_rng: random.Random | None = None,
    ):
        self.rng = rng
        # Which calls come from a shared line: drawn apart, so the rest of the org stays as it was.
        self.line_rng = line_rng or random.Random(0)
        # Long threads and late corrections: drawn apart too.
        self.late = LateChanges(late_rng or random.Random(1), WRAP_UP_CODE_IDS)
        self.people = people
        self.by_pid = {p.pid: p for p in people}
        self.households = {h.hid: h for h in households}
        self.first_day, self.last_day = first_day, last_day
        self.scale = activity_scale
        self.contacts: dict[str, Contact] = {}
        self.out = Activity()
        self.queues = [new_id(rng) for _ in range(6)]
        self.agents = [new_id(rng) for _ in range(40)]
        self.divisions = [new_id(rng) for _ in range(2)]
        self.ivr_flow = new_id(rng)
        self.dnis = "tel:+18005550100"
        self._three_contact_people: dict[str, dict[str, str]] = {}
        self._merge_heads: dict[str, Contact] = {}  # person -> the contact a merge created

    # ------------------------------------------------------------------ contacts
    def make_contacts(self) -> dict[str, Contact]:
        rng, start = self.rng, day_start(self.first_day)
        for person in self.people:
            created = start - timedelta(days=rng.randrange(30, 400), seconds=rng.randrange(86400))
            if rng.random() < 0.02:
                self._plant_three_contacts(person, created)
                continue
            primary = self._add_contact(
                person,
                "crm" if person.crm_id else "voice",
                created,
                external_id=person.crm_id,
                phone_style=rng.randrange(5),
                with_email=True,
                shared_lines=True,
            )
            if rng.random() < 0.03:
                # A duplicate made by an SMS conversation. Part-way through the range the two are
                # merged into a new contact (SDK post_externalcontacts_merge_contacts: "Merge two
                # contacts into a new contact record"); both old ids then resolve to it.
                duplicate = self._add_contact(
                    person,
                    "sms",
                    max(created + timedelta(days=3), start - timedelta(days=10)),  # recent: it has not expired
                    external_id=None,
                    phone_style=rng.randrange(5),
                    with_email=False,
                )
                span = (self.last_day - self.first_day).days + 1
                merged_at = start + timedelta(days=rng.uniform(span * 0.3, span * 0.7))
                head = self._merge(person, primary, duplicate, merged_at)
                self.out.traps.append(
                    {
                        "kind": "contact_merge",
                        "person": person.pid,
                        "merged": [primary.id, duplicate.id],
                        "target": head.id,
                        "mergedAt": iso(merged_at),
                    }
                )
        return self.contacts

    def _plant_three_contacts(self, person: Person, created: datetime) -> None:
        # One person, three records (web, SMS, voice) whose phones differ only in format.
        ids = {}
        for i, channel in enumerate(["web", "sms", "voice"]):
            contact = self._add_contact(
                person,
                channel,
                created + timedelta(days=5 * i),
                external_id=person.crm_id if channel == "web" else None,
                phone_style=[0, 1, 2][i],
                with_email=channel == "web",
                has_e164=channel == "voice",
                shared_lines=channel == "web",
            )
            ids[channel] = contact.id
        self._three_contact_people[person.pid] = ids
        self.out.traps.append(
            {
                "kind": "three_contacts",
                "person": person.pid,
                "contacts": ids,
                "phones": [self.contacts[c].phone_written for c in ids.values()],
            }
        )

    def _add_contact(
        self,
        person: Person,
        channel: str,
        created: datetime,
        external_id: str | None,
        phone_style: int,
        with_email: bool,
        has_e164: bool | None = None,
        shared_lines: bool = False,
    ) -> Contact:
        phone = person.phones[0]
        contact = Contact(
            id=new_id(self.rng),
            pid=person.pid,
            channel=channel,
            created=created,
            external_id=external_id,
            phone=phone,
            phone_written=phone.written(phone_style),
            phone_has_e164=has_e164 if has_e164 is not None else self.rng.random() < 0.5,
            email_written=person.email_written(self.rng.randrange(4)) if with_email else None,
            shared_lines=shared_lines,
            # A CRM keeps the records it synchronises; one a conversation made from an identifier is Identified.
            kind="Curated" if external_id else "Identified",
        )
        self.contacts[contact.id] = contact
        person.contact_ids.append(contact.id)
        key = f"contact:{contact.id}"
        self.out.owner[key] = person.pid
        if external_id:
            self.out.edges.append((key, f"crm:{external_id}"))
        self.out.edges.append((key, f"phone:{phone.e164}"))
        if with_email:
            self.out.edges.append((key, f"email:{person.email}"))
        return contact

    def _merge(self, person: Person, primary: Contact, duplicate: Contact, at: datetime) -> Contact:
        """The new contact a merge creates: the primary's identifiers under a new id. Its id comes
        from a generator of its own, so the rest of the org stays as it was."""
        head = Contact(
            id=new_id(random.Random(f"merge:{primary.id}:{duplicate.id}")),
            pid=person.pid,
            channel="merge",
            created=at,
            external_id=primary.external_id,
            phone=primary.phone,
            phone_written=primary.phone_written,
            phone_has_e164=primary.phone_has_e164,
            email_written=primary.email_written,
            shared_lines=primary.shared_lines,
            kind="Curated",
        )
        self.contacts[head.id] = head
        self._merge_heads[person.pid] = head
        key = f"contact:{head.id}"
        self.out.owner[key] = person.pid
        if head.external_id:
            self.out.edges.append((key, f"crm:{head.external_id}"))
        self.out.edges.append((key, f"phone:{head.phone.e164}"))
        if head.email_written:
            self.out.edges.append((key, f"email:{person.email}"))
        for old in (primary, duplicate):
            old.merged_into, old.merged_at = head.id, at
            self.out.edges.append((f"contact:{old.id}", key))
        return head

    def contact_for(self, person: Person, channel: str, at: datetime) -> str | None:
        trio = self._three_contact_people.get(person.pid)
        if trio:
            if channel in ("sms", "whatsapp"):
                return trio["sms"]
            if channel in ("voice_in", "voice_out", "callback"):
                return trio["voice"]
            return trio["web"]
        head = self._merge_heads.get(person.pid)
        if head and at >= head.created:
            return head.id
        if len(person.contact_ids) > 1 and channel in ("sms", "whatsapp", "voice_in"):
            return person.contact_ids[1]  # the duplicate an SMS made, until the merge
        return person.contact_ids[0]

    # ------------------------------------------------------------------ the days
    def run(self) -> Activity:
        rng = self.rng
        day = self.first_day
        p_web, p_conv = 0.18 * self.scale, 0.06 * self.scale
        while day <= self.last_day:
            for person in self.people:
                if rng.random() < p_web:
                    self._web_session(person, day)
                if rng.random() < p_conv:
                    self._standalone_conversation(person, day)
            day += timedelta(days=1)
        self._plant_in_progress()
        self.out.events.sort(key=lambda e: (e["createdDate"], e["id"]))
        self.out.conversations.sort(key=lambda c: (c.body["conversationStart"], c.body["conversationId"]))
        return self.out

    def _daytime(self, day: date) -> datetime:
        return day_start(day) + timedelta(seconds=self.rng.randrange(6 * 3600, 23 * 3600))

    # ------------------------------------------------------------------ web
    def _web_session(self, person: Person, day: date) -> None:
        rng = self.rng
        device: Device = rng.choice(person.devices)
        authenticated = person.crm_id is not None and rng.random() < 0.55
        sid = new_id(rng)
        start = self._daytime(day)
        ip = self.households[person.household].nat_ip if device.at_home else f"198.51.100.{rng.randrange(1, 255)}"
        contact_id = self.contact_for(person, "web", start) if authenticated else None
        correlation = new_id(rng) if authenticated else None
        t = start
        events: list[dict] = []
        n_events = rng.randrange(2, 8)
        for i in range(n_events):
            if i == 0 and authenticated:
                event_type, name, page = "web.login", "login", PAGES[7]
            elif i == n_events - 1 and not authenticated and rng.random() < 0.12:
                event_type, name, page = "web.form", "form_submitted", PAGES[5]
            else:
                event_type, name = rng.choice(
                    [("web.pageview", "page_viewed"), ("web.pageview", "page_viewed"), ("web.click", "button_clicked")]
                )
                page = rng.choice(PAGES)
            web_event = {
                "eventName": name,
                "page": {
                    "url": page[0],
                    "title": page[1],
                    "domain": "shop.example.com",
                    "pathname": page[0].split("example.com", 1)[1],
                },
                "ipAddress": ip,
                "authenticated": authenticated,
                "device": {
                    "category": device.category,
                    "fingerprint": device.fingerprint,
                    "isMobile": device.category == "mobile",
                },
            }
            if event_type == "web.form":
                web_event["traits"] = self._unverified_input(person, sid)
            event = {
                "id": new_id(rng),
                "customerId": device.cookie,
                "customerIdType": "cookie",
                "session": {"id": sid, "type": "web", "selfUri": f"/api/v2/journey/sessions/{sid}"},
                "eventType": event_type,
                "createdDate": iso(t),
                "webEvent": web_event,
            }
            if correlation:
                event["correlationId"] = correlation
            events.append(event)
            self.out.owner[f"event:{event['id']}"] = person.pid
            self.out.edges.append((f"event:{event['id']}", f"session:{sid}"))
            t += timedelta(seconds=rng.randrange(10, 240))
        last_event_at = t - timedelta(seconds=1)
        session = {
            "id": sid,
            "type": "web",
            "customerId": device.cookie,
            "customerIdType": "cookie",
            "authenticated": authenticated,
            "createdDate": iso(start),
            "endedDate": iso(last_event_at),
            "ipAddress": ip,
            "browser": {"family": rng.choice(["Chrome", "Safari", "Firefox", "Edge"]), "lang": "en-US"},
            "device": {
                "category": device.category,
                "fingerprint": device.fingerprint,
                "isMobile": device.category == "mobile",
            },
            "lastPage": {
                "url": events[-1]["webEvent"]["page"]["url"],
                "title": events[-1]["webEvent"]["page"]["title"],
            },
            "pageviewCount": sum(e["eventType"] == "web.pageview" for e in events),
            "eventCount": len(events),
            "durationInSeconds": int((last_event_at - start).total_seconds()),
            "lastEvent": {
                "id": events[-1]["id"],
                "eventName": events[-1]["webEvent"]["eventName"],
                "createdDate": events[-1]["createdDate"],
            },
            "selfUri": f"/api/v2/journey/sessions/{sid}",
        }
        if contact_id:
            session["externalContact"] = {
                "id": contact_id,
                "selfUri": f"/api/v2/externalcontacts/contacts/{contact_id}",
            }
            self.out.edges.append((f"session:{sid}", f"contact:{contact_id}"))
        self.out.sessions.append(session)
        self.out.session_events[sid] = events
        self.out.events.extend(events)
        self.out.owner[f"session:{sid}"] = person.pid
        self.out.owner.setdefault(f"cookie:{device.cookie}", device.shared_by or person.pid)

        # What the visit leads to: a call carrying the correlation token, or a chat from the page.
        # The call also names the web session the way a real conversation does (SDK AnalyticsSession
        # journeyCustomerSessionId, set when the IVR looks the caller's recent session up).
        roll = rng.random()
        if correlation and roll < 0.3:
            call_at = last_event_at + timedelta(seconds=rng.randrange(20, 600))
            conv = self._conversation(
                person,
                "voice_in",
                call_at,
                correlation=correlation,
                journey={**_journey_link(session, device), "authenticated": True},
            )
            self.out.edges.append((f"conversation:{conv.body['conversationId']}", f"session:{sid}"))
        elif roll < 0.4:
            channel = "chat" if rng.random() < 0.6 else "webmessaging"
            chat_at = last_event_at + timedelta(seconds=rng.randrange(10, 60))
            chat = self._conversation(
                person,
                channel,
                chat_at,
                web_session=session,
                device=device,
                contact_id=contact_id,
                authenticated=authenticated,
            )
            self.out.edges.append((f"conversation:{chat.body['conversationId']}", f"session:{sid}"))
            if rng.random() < 0.45:
                gap = rng.randrange(5, 56)
                call = self._conversation(person, "voice_in", chat.end + timedelta(seconds=gap))
                self.out.handoffs.append(
                    {
                        "from": chat.body["conversationId"],
                        "to": call.body["conversationId"],
                        "gapSeconds": gap,
                        "fromChannel": channel,
                    }
                )
            elif channel == "webmessaging" and rng.random() < 0.5:
                # The customer moves to SMS within two hours: routing should know the web context.
                self._conversation(person, "sms", chat.end + timedelta(minutes=rng.randrange(20, 110)))

    def _unverified_input(self, person: Person, sid: str) -> dict:
        """A phone typed into an anonymous web form: sometimes someone else's number."""
        rng = self.rng
        victim = rng.choice(self.people) if rng.random() < 0.5 else person
        phone = victim.phones[0]
        typed = phone.written(rng.randrange(5))
        self.out.traps.append(
            {
                "kind": "unverified_phone",
                "session": sid,
                "actor": person.pid,
                "typedPhoneOwner": victim.pid,
                "typed": typed,
            }
        )
        return {"phone": {"dataType": "string", "value": typed}}

    # ------------------------------------------------------------------ conversations
    def _standalone_conversation(self, person: Person, day: date) -> None:
        channels, weights = zip(*CHANNEL_MIX)
        channel = self.rng.choices(channels, weights)[0]
        self._conversation(person, channel, self._daytime(day), thread=self.late.thread_duration(channel))

    def _conversation(
        self,
        person: Person,
        channel: str,
        start: datetime,
        *,
        correlation: str | None = None,
        journey: dict | None = None,
        web_session: dict | None = None,
        device: Device | None = None,
        contact_id: str | None = None,
        authenticated: bool = False,
        duration: timedelta | None = None,
        thread: timedelta | None = None,
    ) -> Conversation:
        rng = self.rng
        cid = new_id(rng)
        key = f"conversation:{cid}"
        phone = rng.choice(person.phones)
        if web_session is None:
            known = rng.random() < 0.9
            contact_id = self.contact_for(person, channel, start) if known else None
        media, message_type = _media(channel)
        direction = "outbound" if channel in ("voice_out", "callback") else "inbound"

        t = start
        participants: list[dict] = []
        customer_session: dict = {"sessionId": new_id(rng), "mediaType": media, "direction": direction}
        if message_type:
            customer_session["messageType"] = message_type
        if channel in ("voice_in", "voice_out", "callback"):
            customer_session["ani"] = f"tel:{phone.e164}"
            customer_session["dnis"] = self.dnis
        elif channel in ("sms", "whatsapp"):
            customer_session["addressFrom"] = phone.e164
        elif channel == "email":
            customer_session["addressFrom"] = person.email_written(rng.randrange(4))
            customer_session["addressTo"] = "support@shop.example.com"
        elif channel in ("line", "twitter", "facebook"):
            customer_session["addressFrom"] = f"{channel}-user-{rng.getrandbits(40):x}"
        if web_session is not None and device is not None:
            customer_session.update({**_journey_link(web_session, device), "authenticated": authenticated})
        elif journey:
            customer_session.update(journey)
        shared_line = self._shared_line(person, channel)
        if shared_line:
            # From the office switchboard, the family landline or the team mailbox: the address is
            # real, but it is not this person's alone, so it is no link to them.
            field_name = "addressFrom" if channel == "email" else "ani"
            customer_session[field_name] = shared_line if channel == "email" else f"tel:{shared_line}"
        elif channel in PHONE_CHANNELS:
            self.out.edges.append((key, f"phone:{phone.e164}"))
        elif channel == "email":
            self.out.edges.append((key, f"email:{person.email}"))

        # System participants: IVR for inbound voice, a bot flow for messaging. Dropped downstream.
        if channel == "voice_in":
            ivr_end = t + timedelta(seconds=rng.randrange(20, 90))
            participants.append(_system_participant(rng, "ivr", media, t, ivr_end, "ivr", flow_id=self.ivr_flow))
            t = ivr_end
        elif media == "message" and rng.random() < 0.5:
            bot_end = t + timedelta(seconds=rng.randrange(15, 60))
            participants.append(_system_participant(rng, "workflow", media, t, bot_end, "interact"))
            t = bot_end

        if duration is None:
            duration = _talk_time(rng, channel)
        duration = thread or duration  # a thread open for days (the usual length is drawn all the same)
        transfers = 1 if rng.random() < 0.15 and channel != "email" else 0
        agent_legs: list[dict] = []
        talk_end = t
        for leg in range(transfers + 1):
            queue = rng.choice(self.queues)
            wait = timedelta(seconds=rng.randrange(5, 240))
            participants.append(
                _system_participant(rng, "acd", media, t, t + wait, "interact", queue_id=queue, disconnect="transfer")
            )
            t += wait
            alert_end = t + timedelta(seconds=rng.randrange(3, 15))
            talk = duration / (transfers + 1)
            talk_end = alert_end + talk
            wrap_end = talk_end + timedelta(seconds=rng.randrange(20, 180))
            segments = [
                {"segmentStart": iso(t), "segmentEnd": iso(alert_end), "segmentType": "alert", "queueId": queue},
                {
                    "segmentStart": iso(alert_end),
                    "segmentEnd": iso(talk_end),
                    "segmentType": "interact",
                    "queueId": queue,
                    "disconnectType": "transfer" if leg < transfers else "peer",
                },
                {
                    "segmentStart": iso(talk_end),
                    "segmentEnd": iso(wrap_end),
                    "segmentType": "wrapup",
                    "queueId": queue,
                    "wrapUpCode": rng.choice(WRAP_UP_CODE_IDS),
                },
            ]
            if rng.random() < 0.2:
                segments[-1]["wrapUpNote"] = (
                    f"Spoke with {person.first} {person.last} ({person.email}), call back on {phone.e164}"
                )
            agent_legs.append(
                {
                    "participantId": new_id(rng),
                    "purpose": "agent",
                    "userId": rng.choice(self.agents),
                    "participantName": "Agent",
                    "sessions": [
                        {"sessionId": new_id(rng), "mediaType": media, "direction": direction, "segments": segments}
                    ],
                }
            )
            t = talk_end
            last_wrap_end = wrap_end
        participants.extend(agent_legs)

        customer_segments = [
            {
                "segmentStart": iso(start),
                "segmentEnd": iso(talk_end),
                "segmentType": "interact",
                "disconnectType": "endpoint",
            }
        ]
        if channel == "email":
            customer_segments[0]["subject"] = f"Question about my order - {person.first} {person.last}"
        customer_session["segments"] = customer_segments
        customer = {
            "participantId": new_id(rng),
            "purpose": "customer" if direction == "inbound" else "external",
            "participantName": f"{person.first} {person.last}",
            "sessions": [customer_session],
        }
        attributes: dict[str, str] = {}
        if correlation:
            attributes["correlationId"] = correlation
        if web_session is not None and not authenticated and rng.random() < 0.15:
            attributes["customerPhone"] = self._unverified_input(person, web_session["id"])["phone"]["value"]
        if attributes:
            customer["attributes"] = attributes
        if contact_id:
            customer["externalContactId"] = contact_id
            self.out.edges.append((key, f"contact:{contact_id}"))
        participants.insert(0, customer)

        body = {
            "conversationId": cid,
            "conversationStart": iso(start),
            "conversationEnd": iso(last_wrap_end),
            "originatingDirection": direction,
            "divisionIds": [rng.choice(self.divisions)],
            "participants": participants,
        }
        conv = Conversation(
            body=body, pid=person.pid, day=start.date(), start=start, end=last_wrap_end, late_wrapup=rng.random() < 0.06
        )
        conv.late_change = self.late.maybe_correct(body, last_wrap_end)
        self.out.conversations.append(conv)
        self.out.owner[key] = person.pid
        if channel == "voice_in":
            self._voice_event(person, conv, correlation, contact_id)
        return conv

    def _shared_line(self, person: Person, channel: str) -> str | None:
        if channel == "email" and person.work_email:
            return person.work_email if self.line_rng.random() < 0.3 else None
        lines = [p.e164 for p in (person.work_phone, person.home_phone) if p]
        if channel in ("voice_in", "voice_out", "callback") and lines and self.line_rng.random() < 0.3:
            return self.line_rng.choice(lines)
        return None

    def _voice_event(self, person: Person, conv: Conversation, correlation: str | None, contact_id: str | None) -> None:
        # Telephony events reach journey analytics with clock skew: up to 4 minutes early.
        skew = self.rng.randrange(-240, 60)
        created = conv.start + timedelta(seconds=skew)
        cid = conv.body["conversationId"]
        event = {
            "id": new_id(self.rng),
            "customerId": contact_id,
            "customerIdType": "externalContactId",
            "session": {"id": cid, "type": "conversation"},
            "eventType": "voice.call",
            "createdDate": iso(created),
        }
        if contact_id is None:
            del event["customerId"], event["customerIdType"]
        if correlation:
            event["correlationId"] = correlation
            if skew < 0:
                self.out.traps.append(
                    {"kind": "clock_skew", "event": event["id"], "conversation": cid, "skewSeconds": skew}
                )
        self.out.events.append(event)
        self.out.owner[f"event:{event['id']}"] = person.pid
        self.out.edges.append((f"event:{event['id']}", f"conversation:{cid}"))

    def _plant_in_progress(self) -> None:
        """Long email and messaging threads that start on the last day are still open a day later."""
        for person in self.rng.sample(self.people, min(len(self.people), max(3, len(self.people) // 200))):
            start = day_start(self.last_day) + timedelta(hours=self.rng.randrange(12, 23))
            channel = self.rng.choice(["email", "webmessaging", "whatsapp"])
            conv = self._conversation(person, channel, start, duration=timedelta(hours=self.rng.randrange(30, 70)))
            self.out.traps.append(
                {"kind": "in_progress", "conversation": conv.body["conversationId"], "trueEnd": iso(conv.end)}
            )


def _journey_link(web_session: dict, device: Device) -> dict:
    """The fields by which a conversation's customer session names the web session it came from."""
    return {
        "journeyCustomerId": device.cookie,
        "journeyCustomerIdType": "cookie",
        "journeyCustomerSessionId": web_session["id"],
        "journeyCustomerSessionIdType": "web",
    }


def _media(channel: str) -> tuple[str, str | None]:
    if channel in ("voice_in", "voice_out"):
        return "voice", None
    if channel == "callback":
        return "callback", None
    if channel in ("chat", "email"):
        return channel, None
    return "message", MESSAGE_CHANNELS[channel]


def _talk_time(rng: random.Random, channel: str) -> timedelta:
    if channel == "email":
        return timedelta(minutes=rng.randrange(30, 480))
    if channel in ("chat", "webmessaging"):
        return timedelta(seconds=rng.randrange(180, 1500))
    if channel in MESSAGE_CHANNELS:
        return timedelta(seconds=rng.randrange(300, 3600))
    return timedelta(seconds=rng.randrange(90, 1200))


def _system_participant(
    rng: random.Random,
    purpose: str,
    media: str,
    start: datetime,
    end: datetime,
    segment_type: str,
    queue_id: str | None = None,
    flow_id: str | None = None,
    disconnect: str = "transfer",
) -> dict:
    segment = {
        "segmentStart": iso(start),
        "segmentEnd": iso(end),
        "segmentType": segment_type,
        "disconnectType": disconnect,
    }
    if queue_id:
        segment["queueId"] = queue_id
    session = {"sessionId": new_id(rng), "mediaType": media, "segments": [segment]}
    participant = {"participantId": new_id(rng), "purpose": purpose, "sessions": [session]}
    if flow_id:
        participant["participantName"] = "Main IVR"
    return participant


def contact_body(contact: Contact, person: Person, merged_from: list[str], as_merged: bool) -> dict:
    """The ExternalContact payload for a contact, before or after its merge."""
    body: dict = {"id": contact.id}
    if contact.kind != "Ephemeral":  # a cookie's record: no name, no identifier
        body.update(firstName=person.first, lastName=person.last)
    body |= {
        "type": contact.kind,
        "createDate": iso(contact.created),
        "modifyDate": iso(contact.merged_at if as_merged and contact.merged_at else contact.created),
        "selfUri": f"/api/v2/externalcontacts/contacts/{contact.id}",
    }
    if contact.phone_written:
        phone: dict = {"display": contact.phone_written, "userInput": contact.phone_written}
        if contact.phone_has_e164:
            phone["e164"] = contact.phone.e164
        if contact.phone_has_e164 or not contact.phone_written.startswith("+"):
            # The org knows the country of a number typed without one; the pipeline needs it for E.164.
            phone["countryCode"] = contact.phone.country
        body["cellPhone"] = phone
    if contact.email_written:
        body["personalEmail"] = contact.email_written
    if contact.shared_lines:
        for name, line in (("workPhone", person.work_phone), ("homePhone", person.home_phone)):
            if line:
                body[name] = {"display": line.e164, "e164": line.e164, "countryCode": line.country}
        if person.work_email:
            body["workEmail"] = person.work_email
    if contact.external_id:
        body["externalIds"] = [{"externalSource": dict(CRM_SOURCE), "value": contact.external_id}]
    canonical = contact.merged_into if as_merged and contact.merged_into else contact.id
    body["canonicalContact"] = {"id": canonical, "selfUri": f"/api/v2/externalcontacts/contacts/{canonical}"}
    if as_merged and contact.merged_into:
        body["mergedTo"] = {
            "id": contact.merged_into,
            "selfUri": f"/api/v2/externalcontacts/contacts/{contact.merged_into}",
        }
    if merged_from:
        refs = [{"id": m, "selfUri": f"/api/v2/externalcontacts/contacts/{m}"} for m in merged_from]
        body["mergedFrom"] = refs
        body["mergeSet"] = [{"id": contact.id, "selfUri": body["selfUri"]}] + refs
    return body
