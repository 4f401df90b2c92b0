{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        post_hook="{{ delete_superseded_rows(touchpoint_nodes_changed_since) }}",
    )
}}
{%- set since = last_built_at() %}
{#- rendered on every build, so that the relations it reads are the model's dependencies -#}
{%- set changed_nodes = touchpoint_nodes_changed_since(since or 'null') %}
-- Every touchpoint with its customer: web events, journey sessions and conversations, in one shape.
-- Kept per identity node (a journey session or a conversation): a build writes again only the
-- nodes whose records or key changed, or whose rows came from a slice parsed again, since the last
-- one, and then deletes their older rows (see rows_by_node.sql). A customer's unchanged
-- history is not rewritten when the customer is active again.

with
keys as (
    select node, node_type, node_id, customer_key from {{ ref('int_customer_keys') }}
    {%- if since %}
    where node in ({{ changed_nodes }})
    {%- endif %}
),

-- The web events of the sessions written: read once, joined on the bare id (no per-row concatenation).
session_events as (
    select keys.customer_key, keys.node, events.session_id, events.event_id, events.event_type, events.created_at,
           events.correlation_id, events.page_url, events.authenticated, events.slice_date
    from {{ ref('stg_genesys__journey_events') }} as events
    join keys on keys.node_type = 'session' and keys.node_id = events.session_id
    where events.session_type = 'web'
),

web_events as (
    select
        events.customer_key,
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
        events.page_url,
        events.slice_date,
        events.node
    from session_events as events
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
        sessions.last_page_url as page_url,
        sessions.last_extracted_date as slice_date,
        keys.node
    from {{ ref('stg_genesys__journey_sessions') }} as sessions
    join keys on keys.node_type = 'session' and keys.node_id = sessions.session_id
),

-- A signed-in web session that the day's conversations already tie to a contact is not fetched
-- (see the journey_sessions stream): its session row is read from its own events instead.
unfetched_session_events as (
    select
        events.customer_key,
        events.session_id,
        events.created_at,
        events.page_url,
        events.authenticated,
        events.slice_date,
        row_number() over (partition by events.session_id order by events.created_at desc, events.event_id desc)
            as from_last
    from session_events as events
    left join {{ ref('stg_genesys__journey_sessions') }} as fetched on fetched.session_id = events.session_id
    where fetched.session_id is null
),

sessions_from_events as (
    select
        customer_key,
        'journey_session' as source_type,
        session_id as source_id,
        min(created_at) as occurred_at,
        max(created_at) as ended_at,
        'web' as channel,
        'session' as event_type,
        cast(null as varchar) as conversation_id,
        session_id,
        cast(null as varchar) as queue_id,
        cast(null as varchar) as agent_id,
        cast(null as varchar) as wrap_up_code,
        cast({{ seconds_between('min(created_at)', 'max(created_at)') }} as integer) as duration_seconds,
        cast(null as varchar) as correlation_id,
        max(case when from_last = 1 then page_url end) as page_url,
        min(slice_date) as slice_date,
        'session:' || session_id as node
    from unfetched_session_events
    group by customer_key, session_id
    having bool_or(authenticated)
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
        cast(null as varchar) as page_url,
        conversations.slice_date,
        keys.node
    from {{ ref('int_conversations') }} as conversations
    join keys on keys.node_type = 'conversation' and keys.node_id = conversations.conversation_id
)

select *, {{ build_stamp() }} as built_at from web_events
union all
select *, {{ build_stamp() }} from sessions
union all
select *, {{ build_stamp() }} from sessions_from_events
union all
select *, {{ build_stamp() }} from conversations
