"""One customer's cross-channel timeline, read from the warehouse, in the shape of the customer
timeline payload: the contact, the ordered entries, and metadata about the extraction."""

from __future__ import annotations

from ..errors import GenesysEltError
from ..landing.pseudonymize import Pseudonymizer
from ..settings import WarehouseSettings
from ..warehouse.reader import open_warehouse


class CustomerNotFound(GenesysEltError):
    pass


def _utc(value) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z" if value else None


def resolve_customer_key(
    con, *, external_id=None, phone=None, email=None, customer_key=None, pseudonymizer: Pseudonymizer | None = None
) -> str:
    """The customer a given identifier resolves to. Phones and emails are looked up by their
    pseudonymized token: the warehouse never holds them in clear."""
    if customer_key:
        node = None
        found = con.execute(
            "select customer_key from marts.dim_customer where customer_key = ?", [customer_key]
        ).fetchone()
        if not found:  # a saved key that a merge retired still finds its customer
            found = con.execute(
                "select current_customer_key from marts.customer_key_history "
                "where previous_customer_key = ? and change = 'merge' "
                "order by changed_at desc limit 1",
                [customer_key],
            ).fetchone()
    else:
        if external_id:
            node = f"crm:{external_id}"
        elif phone or email:
            if pseudonymizer is None:
                raise GenesysEltError(
                    "looking up a phone or email needs the pseudonymization key "
                    "(GENESYS_ELT_PII_KEY or the connection's pii_key)"
                )
            node = f"phone:{pseudonymizer.phone(phone)}" if phone else f"email:{pseudonymizer.email(email)}"
        else:
            raise GenesysEltError("give one of --external-id, --phone, --email, --customer-key")
        shared = con.execute(
            "select contacts, demoted_because from marts.identity_conflicts "
            "where identifier_kind || ':' || identifier_token = ?",
            [node],
        ).fetchone()
        if shared:
            raise CustomerNotFound(
                f"that {node.split(':')[0]} is shared by {shared[0]} contacts ({shared[1]}): it "
                "names no single customer; see marts.identity_conflicts"
            )
        found = con.execute("select customer_key from intermediate.int_customer_keys where node = ?", [node]).fetchone()
    if not found:
        raise CustomerNotFound("no customer in the warehouse matches that identifier")
    return found[0]


# (dimension, the timeline's id column, the name column): each id named as it was on the touchpoint's
# day, or as it is now when the directory was first listed after that day.
DIRECTORY_NAMES = (
    ("dim_queue", "queue_id", "queue_name"),
    ("dim_agent", "agent_id", "agent_name"),
    ("dim_wrap_up_code", "wrap_up_code", "wrap_up_code_name"),
)


def _directory_joins() -> str:
    joins = []
    for dimension, column, _ in DIRECTORY_NAMES:
        key = dimension.removeprefix("dim_") + "_id"
        joins.append(f"""
            left join marts.{dimension} as {dimension}_then
                on {dimension}_then.{key} = timeline.{column}
                and {dimension}_then.valid_from <= cast(timeline.occurred_at as date)
                and ({dimension}_then.valid_to is null or cast(timeline.occurred_at as date) < {dimension}_then.valid_to)
            left join marts.{dimension} as {dimension}_now
                on {dimension}_now.{key} = timeline.{column} and {dimension}_now.is_current""")
    return "".join(joins)


def customer_timeline(warehouse: WarehouseSettings, **lookup) -> dict:
    """The timeline from the warehouse that `warehouse` names, on DuckDB or PostgreSQL alike."""
    with open_warehouse(warehouse) as con:
        key = resolve_customer_key(con, **lookup)
        contact = con.execute(
            "select primary_contact_id from marts.dim_customer where customer_key = ?", [key]
        ).fetchone()
        rows = con.execute(
            """
            select timeline.source_type, timeline.source_id, timeline.channel, timeline.event_type,
                   timeline.occurred_at, timeline.ended_at, timeline.duration_seconds, timeline.queue_id,
                   timeline.agent_id, timeline.wrap_up_code, timeline.session_id, timeline.correlation_id,
                   timeline.page_url, timeline.handoff_type, timeline.handoff_from_conversation_id,
                   coalesce(conversations.is_in_progress, false) as in_progress,
                   {names}
            from marts.customer_timeline as timeline
            left join marts.fact_conversation as conversations
                on conversations.conversation_id = timeline.conversation_id
                and timeline.source_type = 'conversation'
            {name_joins}
            where timeline.customer_key = ?
            order by timeline.timeline_position
            """.format(
                names=", ".join(f"coalesce({d}_then.{name}, {d}_now.{name})" for d, _, name in DIRECTORY_NAMES),
                name_joins=_directory_joins(),
            ),
            [key],
        ).fetchall()
        extracted = con.execute("select max(extracted_at) from marts.load_audit where status = 'landed'").fetchone()[0]

    entries, filtered_out = [], 0
    for (
        source_type,
        source_id,
        channel,
        event_type,
        start,
        end,
        duration,
        queue,
        agent,
        wrap_up,
        session,
        correlation,
        page,
        handoff,
        handoff_from,
        in_progress,
        queue_name,
        agent_name,
        wrap_up_name,
    ) in rows:
        if in_progress:  # marked in the warehouse, not counted as a finished interaction
            filtered_out += 1
            continue
        entry = {
            "sourceType": source_type,
            "sourceId": source_id,
            "channelType": (channel or "").upper(),
            "eventType": event_type,
            "startTimeUTC": _utc(start),
            "endTimeUTC": _utc(end),
            "durationSeconds": duration,
        }
        if source_type == "conversation":
            entry.update(
                {
                    "conversationId": source_id,
                    "state": "TERMINATED",
                    "routingQueue": queue,
                    "routingQueueName": queue_name,
                    "agentId": agent,
                    "agentName": agent_name,
                    "wrapUpCode": wrap_up,
                    "wrapUpCodeName": wrap_up_name,
                    "handoffType": handoff,
                    "handoffFromConversationId": handoff_from,
                }
            )
        if session:
            entry["sessionId"] = session
        if correlation:
            entry["correlationId"] = correlation
        if page:
            entry["pageUrl"] = page
        entries.append(entry)
    return {
        "contactId": contact[0] if contact else None,
        "customerKey": key,
        "timeline": entries,
        "metadata": {
            "extractionTimestampUTC": _utc(extracted),
            "totalInteractions": len(entries),
            "filteredOut": filtered_out,
        },
    }
