-- One row per touchpoint, in order per customer.
--
-- Ordering: web clocks and telephony clocks disagree by a few minutes, so a call that carries a
-- web session's correlation id is placed after that session's events when they appear to follow
-- the call by no more than the tolerance (the customer browsed, then called).
-- Handoff: a chat or message that ends and a call from the same customer that starts within the
-- handoff gap are one journey; the call row names the kind of handoff and where it came from.

with touchpoints as (
    select * from {{ ref('int_timeline_touchpoints') }}
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
                and correlated_web.last_web_at <= {{ add_seconds('touchpoints.occurred_at', var('clock_tolerance_seconds')) }}
            then correlated_web.last_web_at
            else touchpoints.occurred_at
        end as sequence_at
    from touchpoints
    left join correlated_web
        on correlated_web.customer_key = touchpoints.customer_key
        and correlated_web.correlation_id = touchpoints.correlation_id
        and touchpoints.source_type = 'conversation'
),

conversation_order as (
    select
        source_id,
        channel,
        occurred_at,
        lag(channel) over (partition by customer_key order by occurred_at, source_id) as previous_channel,
        lag(ended_at) over (partition by customer_key order by occurred_at, source_id) as previous_ended_at,
        lag(source_id) over (partition by customer_key order by occurred_at, source_id) as previous_conversation_id
    from touchpoints
    where source_type = 'conversation'
),

handoffs as (
    select
        source_id,
        previous_channel || '_to_' || channel as handoff_type,
        previous_conversation_id as handoff_from_conversation_id
    from conversation_order
    where channel in ('voice', 'callback')
        and previous_channel in ('chat', 'webmessaging', 'sms', 'whatsapp', 'line', 'twitter', 'facebook', 'message')
        and previous_ended_at is not null
        and occurred_at >= previous_ended_at
        and occurred_at <= {{ add_seconds('previous_ended_at', var('handoff_gap_seconds')) }}
)

select
    ordered.customer_key,
    row_number() over (
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
    handoffs.handoff_from_conversation_id
from ordered
left join handoffs
    on handoffs.source_id = ordered.source_id and ordered.source_type = 'conversation'
