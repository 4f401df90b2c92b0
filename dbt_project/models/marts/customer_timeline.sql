{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='append_new_columns',
        pre_hook=["{{ drop_timeline_tails() }}", "{{ stash_timeline_tails() }}"],
        post_hook=["{{ delete_superseded_timeline_rows() }}", "{{ drop_timeline_tails() }}"],
    )
}}
{#- on_schema_change: the contract holds the columns and their types, and a type PostgreSQL's temporary
    relation calls varchar instead of text is no change. -#}
{%- set since = last_built_at() %}
-- depends_on: {{ ref('int_customer_key_registry') }} (the tails, worked out by a pre-hook)
-- One row per touchpoint, in order per customer. Kept per customer from the first position that
-- changed: a build orders again only the tail of each customer whose touchpoints changed since the
-- last one, and keeps the positions before it (see timeline_tails.sql: a pre-hook works the tails
-- out once, for the body and the post-hook).
--
-- Ordering: web clocks and telephony clocks disagree by a few minutes, so a call that carries a
-- web session's correlation id is placed after that session's events when they appear to follow
-- the call by no more than the tolerance (the customer browsed, then called).
-- Handoff (int_conversation_handoffs): the call row of a chat-to-call journey names the kind of
-- handoff and where it came from.

with
{%- if since %}
tails as (
    select * from {{ timeline_tails_relation() }}
),

-- The rows kept before each tail that occurred late enough to pass for part of it: a few per customer.
kept_near_tails as (
    select kept.customer_key, kept.source_type, kept.source_id
    from {{ this }} as kept
    join tails on tails.customer_key = kept.customer_key
    where kept.timeline_position < tails.first_position
        and (tails.tail_occurred_from is null or kept.occurred_at is null
             or kept.occurred_at >= tails.tail_occurred_from)
),

{%- endif %}

touchpoints as (
    select touchpoints.*
    {%- if not since %}
    from {{ ref('int_timeline_touchpoints') }} as touchpoints
    {%- else %}
    -- Only the tail is read and ordered, not the customer's whole history: the touchpoints that
    -- may sort after its start, less the rows kept before it. The tails' customers are picked
    -- first, so that the join on times sees a few rows rather than every touchpoint.
    from (
        select * from {{ ref('int_timeline_touchpoints') }}
        where customer_key in (select tails.customer_key from tails)
    ) as touchpoints
    join tails on tails.customer_key = touchpoints.customer_key
    left join kept_near_tails as kept
        on kept.customer_key = touchpoints.customer_key
        and kept.source_type = touchpoints.source_type
        and kept.source_id = touchpoints.source_id
    -- a touchpoint without a time sorts last
    where (tails.tail_occurred_from is null or touchpoints.occurred_at is null
           or touchpoints.occurred_at >= tails.tail_occurred_from)
        and kept.source_id is null
    {%- endif %}
),

correlated_web as (
    select customer_key, correlation_id, max(occurred_at) as last_web_at
    from touchpoints
    where source_type = 'web_event' and correlation_id is not null
    group by customer_key, correlation_id
),

ordered as (
    select
        touchpoints.*,
        case
            when touchpoints.source_type = 'conversation'
                and correlated_web.last_web_at > touchpoints.occurred_at
                and correlated_web.last_web_at
                    <= {{ add_seconds('touchpoints.occurred_at', var('clock_tolerance_seconds')) }}
            then correlated_web.last_web_at
            else touchpoints.occurred_at
        end as sequence_at
    from touchpoints
    left join correlated_web
        on correlated_web.customer_key = touchpoints.customer_key
        and correlated_web.correlation_id = touchpoints.correlation_id
        and touchpoints.source_type = 'conversation'
),

positioned as (
    select
        ordered.customer_key,
        {{ 'tails.first_position - 1 + ' if since }}row_number() over (
            partition by ordered.customer_key
            order by ordered.sequence_at,
                case ordered.source_type when 'journey_session' then 0 when 'web_event' then 1 else 2 end,
                ordered.occurred_at,
                ordered.source_id
        ) as timeline_position,
        ordered.source_type,
        ordered.source_id,
        ordered.occurred_at,
        ordered.ended_at,
        ordered.channel,
        ordered.event_type,
        ordered.conversation_id,
        ordered.session_id,
        ordered.queue_id,
        ordered.agent_id,
        ordered.wrap_up_code,
        ordered.duration_seconds,
        ordered.correlation_id,
        ordered.page_url,
        handoffs.handoff_type,
        handoffs.handoff_from_conversation_id,
        {{ build_stamp() }} as built_at
    from ordered
    left join {{ ref('int_conversation_handoffs') }} as handoffs
        on handoffs.conversation_id = ordered.source_id and ordered.source_type = 'conversation'
    {%- if since %}
    join tails on tails.customer_key = ordered.customer_key
    {%- endif %}
)

select * from positioned
