{{ config(materialized='view') }}
-- One row per conversation with what its customer did around it: whether a call continued a chat
-- (a handoff), whether a web session came shortly before it, whether it repeats a recent contact.
-- A view: the metrics layer reads it a few times a day, and the daily build never pays for it.

with conversations as (
    select * from {{ ref('fact_conversation') }}
),

handoffs as (
    select source_id as conversation_id, handoff_type
    from {{ ref('customer_timeline') }}
    where source_type = 'conversation' and handoff_type is not null
),

web_sessions as (
    select customer_key, occurred_at
    from {{ ref('customer_timeline') }}
    where source_type = 'journey_session' and channel = 'web'
),

after_web_session as (
    select distinct conversations.conversation_id
    from conversations
    join web_sessions
        on web_sessions.customer_key = conversations.customer_key
        and web_sessions.occurred_at <= conversations.started_at
        and web_sessions.occurred_at > conversations.started_at - interval '24 hours'
),

repeats as (
    select distinct conversations.conversation_id
    from conversations
    join conversations as earlier
        on earlier.customer_key = conversations.customer_key
        and earlier.conversation_id <> conversations.conversation_id
        and earlier.started_at <= conversations.started_at
        and earlier.started_at > conversations.started_at - interval '7 days'
)

select
    conversations.conversation_id,
    conversations.customer_key,
    conversations.channel,
    conversations.direction,
    conversations.started_at,
    conversations.duration_seconds,
    conversations.is_in_progress,
    conversations.last_queue_id,
    conversations.wrap_up_code,
    conversations.channel in ('voice', 'callback') as is_call,
    handoffs.handoff_type,
    after_web_session.conversation_id is not null as is_after_web_session,
    repeats.conversation_id is not null as is_repeat_contact
from conversations
left join handoffs on handoffs.conversation_id = conversations.conversation_id
left join after_web_session on after_web_session.conversation_id = conversations.conversation_id
left join repeats on repeats.conversation_id = conversations.conversation_id
