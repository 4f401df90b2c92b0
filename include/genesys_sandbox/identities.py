"""People, their devices and identifiers, and the external contacts the org keeps for them.

Identifiers are written the way real contact centres receive them: phones in several formats,
emails in mixed case. The canonical forms (E.164, lower-case email) are kept for ground truth.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime

FIRST_NAMES = [
    "Elena",
    "Marcus",
    "Aisha",
    "Tom",
    "Priya",
    "Lukas",
    "Sofia",
    "Jamal",
    "Mei",
    "Oliver",
    "Nadia",
    "Diego",
    "Hannah",
    "Kenji",
    "Fatima",
    "Noah",
    "Grace",
    "Ravi",
    "Chloe",
    "Ivan",
]
LAST_NAMES = [
    "Vargas",
    "Okafor",
    "Schmidt",
    "Nguyen",
    "Patel",
    "Rossi",
    "Kowalski",
    "Haddad",
    "Murphy",
    "Larsen",
    "Tanaka",
    "Silva",
    "Dubois",
    "Cohen",
    "Byrne",
    "Costa",
    "Novak",
    "Ali",
    "Berg",
    "Reyes",
]
US_AREA_CODES = ["415", "212", "312", "617", "206", "303", "512", "404", "702", "919"]
CRM_SOURCE = {"id": "6f1c2b9e-0a4d-4c1e-9d0b-2f7f3c1a5e01", "name": "Salesforce CRM"}


def new_id(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


@dataclass
class Phone:
    e164: str
    national: str  # digits without the country code, e.g. 4155550199 or 7700900123
    country: str  # "US" or "GB"

    def written(self, style: int) -> str:
        """The same number as people and systems type it."""
        if self.country == "US":
            n = self.national
            forms = [
                n,
                f"+1 {n[:3]}-{n[3:6]}-{n[6:]}",
                self.e164,
                f"({n[:3]}) {n[3:6]}-{n[6:]}",
                f"1-{n[:3]}-{n[3:6]}-{n[6:]}",
            ]
        else:
            n = self.national
            forms = [f"0{n[:4]} {n[4:]}", f"+44 {n[:4]} {n[4:]}", self.e164, f"+44 (0){n[:4]} {n[4:]}", f"0{n}"]
        return forms[style % len(forms)]


@dataclass
class Device:
    cookie: str
    category: str  # desktop, mobile, tablet
    fingerprint: str
    at_home: bool
    shared_by: list[str] = field(default_factory=list)


@dataclass
class Person:
    pid: str
    first: str
    last: str
    crm_id: str | None
    phones: list[Phone]
    email: str  # canonical: lower case
    household: str
    devices: list[Device]
    contact_ids: list[str] = field(default_factory=list)  # external contacts that belong to this person
    # Lines and mailboxes that other people hold too: never evidence of who this person is.
    work_phone: Phone | None = None  # the company switchboard
    work_email: str | None = None  # the team mailbox
    home_phone: Phone | None = None  # the family landline

    def email_written(self, style: int) -> str:
        local, domain = self.email.split("@")
        forms = [self.email, f"{local.title()}@{domain.title()}", self.email.upper(), f" {local.title()}@{domain} "]
        return forms[style % len(forms)]


@dataclass
class Contact:
    """An external contact record. Its phones and emails are curated by the org (trusted)."""

    id: str
    pid: str
    channel: str  # crm, web, sms, voice: where the record was created
    created: datetime
    external_id: str | None
    phone: Phone | None
    phone_written: str | None
    phone_has_e164: bool
    email_written: str | None
    merged_into: str | None = None  # the contact a merge created from this one and another
    shared_lines: bool = False  # the record also carries the person's work and home lines
    merged_at: datetime | None = None
    # SDK ExternalContact.type: Curated (kept by people or a CRM, kept until deleted), Identified
    # (made by a conversation from an identifier); Identified and Ephemeral records expire.
    kind: str = "Curated"


@dataclass
class Household:
    hid: str
    nat_ip: str
    members: list[str]


def make_people(rng: random.Random, count: int) -> tuple[list[Person], list[Household]]:
    people: list[Person] = []
    households: list[Household] = []
    used_numbers: set[str] = set()

    def phone() -> Phone:
        collisions = 0
        while True:
            if collisions >= 20:  # the 555 numbers run out past ~70,000 people: widen the exchange
                national = rng.choice(US_AREA_CODES) + f"{rng.randrange(200, 1000):03d}{rng.randrange(0, 10000):04d}"
                candidate = Phone("+1" + national, national, "US")
            elif rng.random() < 0.9:
                national = rng.choice(US_AREA_CODES) + "555" + f"{rng.randrange(100, 10000):04d}"
                candidate = Phone("+1" + national, national, "US")
            else:
                national = "7700900" + f"{rng.randrange(0, 1000):03d}"
                candidate = Phone("+44" + national, national, "GB")
            if candidate.e164 not in used_numbers:
                used_numbers.add(candidate.e164)
                return candidate
            collisions += 1

    index = 0
    while index < count:
        size = min(rng.choice([1, 1, 1, 2, 2, 3, 4]), count - index)
        hid = f"H{len(households) + 1:05d}"
        nat_ip = f"203.0.{(len(households) // 250) % 256}.{len(households) % 250 + 1}"
        members: list[str] = []
        for _ in range(size):
            index += 1
            pid = f"P{index:05d}"
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            phones = [phone()] + ([phone()] if rng.random() < 0.2 else [])
            devices = [
                Device(new_id(rng), category, new_id(rng)[:16], category == "desktop")
                for category in rng.sample(["mobile", "desktop", "tablet"], rng.choice([1, 2, 2, 3]))
            ]
            people.append(
                Person(
                    pid=pid,
                    first=first,
                    last=last,
                    crm_id=f"CRM-{index:06d}" if rng.random() < 0.92 else None,
                    phones=phones,
                    email=f"{first}.{last}{index}@example.com".lower(),
                    household=hid,
                    devices=devices,
                )
            )
            members.append(pid)
        households.append(Household(hid, nat_ip, members))

    by_id = {p.pid: p for p in people}
    # The shared home computer: in some households two people browse on one desktop cookie.
    for household in households:
        if len(household.members) >= 2 and rng.random() < 0.35:
            a, b = (by_id[m] for m in household.members[:2])
            shared = Device(new_id(rng), "desktop", new_id(rng)[:16], True, shared_by=[a.pid, b.pid])
            a.devices.append(shared)
            b.devices.append(shared)
    return people, households


@dataclass
class SharedLine:
    """A number or mailbox several people hold: a company switchboard and team mailbox, or a
    family landline. Contacts carry it; it says nothing about which of them is calling."""

    kind: str  # shared_switchboard, shared_mailbox, family_landline
    value: str  # E.164 or lower-case email
    persons: list[str]


def plant_shared_lines(rng: random.Random, people: list[Person], households: list[Household]) -> list[SharedLine]:
    """B2B customers whose contacts carry their company's switchboard and team mailbox, and
    families whose contacts carry one landline. Numbers come from an exchange (556) people's own
    numbers never use."""
    used: set[str] = set()

    def line() -> Phone:
        while True:
            national = rng.choice(US_AREA_CODES) + "556" + f"{rng.randrange(0, 10000):04d}"
            if national not in used:
                used.add(national)
                return Phone("+1" + national, national, "US")

    shared: list[SharedLine] = []
    by_id = {p.pid: p for p in people}
    for household in households:
        if len(household.members) >= 2 and rng.random() < 0.3:
            landline = line()
            for pid in household.members:
                by_id[pid].home_phone = landline
            shared.append(SharedLine("family_landline", landline.e164, list(household.members)))
    # About one customer in twelve calls on behalf of a company; companies employ 3 to 25 of them.
    workers = [p for p in people if rng.random() < 0.08]
    company = 0
    while len(workers) >= 3:
        size = min(len(workers), rng.randrange(3, 26))
        staff, workers = workers[:size], workers[size:]
        company += 1
        switchboard, mailbox = line(), f"info@company{company}.example.com"
        for person in staff:
            person.work_phone, person.work_email = switchboard, mailbox
        pids = [p.pid for p in staff]
        shared.append(SharedLine("shared_switchboard", switchboard.e164, pids))
        shared.append(SharedLine("shared_mailbox", mailbox, pids))
    return shared
