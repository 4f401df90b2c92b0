-- Per customer, what a routing flow wants to know at the next contact: the last conversation's
-- channel, agent, queue and wrap-up code, and whether a web messaging conversation ended shortly
-- before the latest contact began.

with conversations as (
    select
        *,
        row_number() over (partition by customer_key order by started_at desc, conversation_id desc) as recency
    from {{ ref('fact_conversation') }}
    where customer_key is not null
),

latest as (
    select * from conversations where recency = 1
),

recent_web_messaging as (
    select distinct latest.customer_key
    from latest
    join conversations as earlier
        on earlier.customer_key = latest.customer_key
        and earlier.conversation_id <> latest.conversation_id
        and earlier.channel = 'webmessaging'
        and earlier.ended_at <= latest.started_at
        and earlier.ended_at > latest.started_at - {{ var('web_messaging_context_hours') }} * interval '1 hour'
)

select
    latest.customer_key,
    latest.conversation_id as last_conversation_id,
    latest.started_at as last_contact_at,
    latest.channel as last_channel,
    latest.agent_id as last_agent_id,
    latest.last_queue_id,
    latest.wrap_up_code as last_wrap_up_code,
    recent_web_messaging.customer_key is not null as web_messaging_in_context_window
from latest
left join recent_web_messaging on recent_web_messaging.customer_key = latest.customer_key
