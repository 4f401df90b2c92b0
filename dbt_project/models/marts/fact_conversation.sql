-- One row per conversation with the customer it resolved to.

with conversations as (
    select * from {{ ref('int_conversations') }}
),

keys as (
    select node_id as conversation_id, customer_key
    from {{ ref('int_customer_keys') }}
    where node_type = 'conversation'
)

select
    conversations.conversation_id,
    keys.customer_key,
    conversations.channel,
    conversations.media_type,
    conversations.direction,
    conversations.started_at,
    conversations.ended_at,
    conversations.duration_seconds,
    conversations.last_queue_id,
    conversations.agent_id,
    conversations.wrap_up_code,
    conversations.division_ids,
    conversations.is_in_progress,
    conversations.external_contact_id,
    conversations.correlation_id,
    conversations.journey_session_id,
    conversations.slice_date
from conversations
left join keys on keys.conversation_id = conversations.conversation_id
