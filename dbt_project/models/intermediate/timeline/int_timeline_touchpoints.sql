-- Every touchpoint with its customer: web events, journey sessions and conversations, in one shape.

with keys as (
    select node, customer_key from {{ ref('int_customer_keys') }}
),

web_events as (
    select
        keys.customer_key,
        'web_event' as source_type,
        events.event_id as source_id,
        events.created_at as occurred_at,
        events.created_at as ended_at,
        'web' as channel,
        events.event_type,
        cast(null as varchar) as conversation_id,
        events.session_id,
        cast(null as varchar) as queue_id,
        cast(null as varchar) as agent_id,
        cast(null as varchar) as wrap_up_code,
        cast(null as integer) as duration_seconds,
        events.correlation_id,
        events.page_url
    from {{ ref('stg_genesys__journey_events') }} as events
    join keys on keys.node = 'session:' || events.session_id
    where events.session_type = 'web'
),

sessions as (
    select
        keys.customer_key,
        'journey_session' as source_type,
        sessions.session_id as source_id,
        sessions.created_at as occurred_at,
        sessions.ended_at,
        sessions.session_type as channel,
        'session' as event_type,
        cast(null as varchar) as conversation_id,
        sessions.session_id,
        cast(null as varchar) as queue_id,
        cast(null as varchar) as agent_id,
        cast(null as varchar) as wrap_up_code,
        sessions.duration_seconds,
        cast(null as varchar) as correlation_id,
        sessions.last_page_url as page_url
    from {{ ref('stg_genesys__journey_sessions') }} as sessions
    join keys on keys.node = 'session:' || sessions.session_id
),

conversations as (
    select
        keys.customer_key,
        'conversation' as source_type,
        conversations.conversation_id as source_id,
        conversations.started_at as occurred_at,
        conversations.ended_at,
        conversations.channel,
        'conversation' as event_type,
        conversations.conversation_id,
        conversations.journey_session_id as session_id,
        conversations.last_queue_id as queue_id,
        conversations.agent_id,
        conversations.wrap_up_code,
        conversations.duration_seconds,
        conversations.correlation_id,
        cast(null as varchar) as page_url
    from {{ ref('int_conversations') }} as conversations
    left join keys on keys.node = 'conversation:' || conversations.conversation_id
)

select * from web_events
union all
select * from sessions
union all
select * from conversations
