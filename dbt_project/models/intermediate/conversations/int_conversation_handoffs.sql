-- Handoffs: a chat or message that ends and a call from the same customer that starts within
-- var('handoff_gap_seconds') are one journey. One row per call that continues such a conversation,
-- naming the kind of handoff and where it came from.

with conversations as (
    select customer_key, source_id, channel, occurred_at, ended_at
    from {{ ref('int_timeline_touchpoints') }}
    where source_type = 'conversation'
),

conversation_order as (
    select
        source_id,
        channel,
        occurred_at,
        lag(channel) over (partition by customer_key order by occurred_at, source_id) as previous_channel,
        lag(ended_at) over (partition by customer_key order by occurred_at, source_id) as previous_ended_at,
        lag(source_id) over (partition by customer_key order by occurred_at, source_id) as previous_conversation_id
    from conversations
)

select
    source_id as conversation_id,
    previous_channel || '_to_' || channel as handoff_type,
    previous_conversation_id as handoff_from_conversation_id
from conversation_order
where channel in ('voice', 'callback')
    and previous_channel in ('chat', 'webmessaging', 'sms', 'whatsapp', 'line', 'twitter', 'facebook', 'message')
    and previous_ended_at is not null
    and occurred_at >= previous_ended_at
    and occurred_at <= {{ add_seconds('previous_ended_at', var('handoff_gap_seconds')) }}
