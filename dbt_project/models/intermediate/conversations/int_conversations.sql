{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_days_not_in(ref('int_conversation_segments')) }}",
    )
}}
-- One row per conversation, flattened once for every reader (fact_conversation, the timeline).
-- Only the customer-facing participant and the agents count; IVR, ACD, bots and other system
-- participants are dropped. Duration runs from start to the end of the last wrap-up; a
-- conversation still in progress is flagged and has no duration. Rebuilt by day, like the segments.

with day_segments as (
    {{ rows_of_days_to_build(ref('int_conversation_segments')) }}
),

segments as (
    select * from day_segments
    where purpose in ('customer', 'external', 'agent')
),

customer as (
    select
        conversation_id,
        min(media_type) as media_type,
        min(message_type) as message_type,
        min(external_contact_id) as external_contact_id,
        min(correlation_id) as correlation_id,
        min(journey_session_id) as journey_session_id,
        min(journey_action_id) as journey_action_id,
        min(journey_action_map_id) as journey_action_map_id,
        min(journey_action_map_version) as journey_action_map_version
    from segments
    where purpose in ('customer', 'external')
    group by conversation_id
),

agent_segments as (
    select
        *,
        row_number() over (partition by conversation_id order by segment_start desc, segment_end desc) as latest
    from segments
    where purpose = 'agent'
),

last_agent as (
    select conversation_id, user_id as agent_id, queue_id as last_queue_id
    from agent_segments where latest = 1
),

wrap_ups as (
    select
        conversation_id,
        wrap_up_code,
        segment_end,
        -- two wrap-ups can end at the same instant: the code breaks the tie, so rebuilds agree
        row_number() over (partition by conversation_id order by segment_end desc, wrap_up_code asc) as latest
    from segments
    where segment_type = 'wrapup'
),

conversations as (
    select distinct slice_date, slice_checksum, conversation_id, started_at, ended_at, direction, division_ids
    from day_segments
)

select
    conversations.conversation_id,
    {{ conversation_channel('customer.media_type', 'customer.message_type') }} as channel,
    customer.media_type,
    conversations.direction,
    conversations.started_at,
    conversations.ended_at,
    case when conversations.ended_at is not null then
        cast({{ seconds_between('conversations.started_at',
                                'greatest(conversations.ended_at, coalesce(wrap_ups.segment_end, conversations.ended_at))') }}
             as integer)
    end as duration_seconds,
    last_agent.last_queue_id,
    last_agent.agent_id,
    wrap_ups.wrap_up_code,
    conversations.division_ids,
    conversations.ended_at is null as is_in_progress,
    customer.external_contact_id,
    customer.correlation_id,
    customer.journey_session_id,
    customer.journey_action_id,
    customer.journey_action_map_id,
    customer.journey_action_map_version,
    conversations.slice_date,
    conversations.slice_checksum
from conversations
left join customer on customer.conversation_id = conversations.conversation_id
left join last_agent on last_agent.conversation_id = conversations.conversation_id
left join wrap_ups on wrap_ups.conversation_id = conversations.conversation_id and wrap_ups.latest = 1
