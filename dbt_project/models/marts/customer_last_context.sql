{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='append_new_columns',
        pre_hook="{{ delete_changed_customers(records=false, upstream=ref('fact_conversation')) }}",
        post_hook="{{ delete_customers_without_key() }}",
    )
}}
{#- on_schema_change: the contract holds the columns and their types, and a type PostgreSQL's temporary
    relation calls varchar instead of text is no change. -#}
{%- set since = last_built_at() %}
{%- set changed_customers = customers_changed_since(since, records=false, upstream=ref('fact_conversation')) %}
-- depends_on: {{ ref('int_customer_keys') }} (the post-hook)
-- Per customer, what a routing flow wants to know at the next contact: the last conversation's
-- channel, agent, queue and wrap-up code, and whether a web messaging conversation ended shortly
-- before the latest contact began. Kept per customer, like fact_conversation.

with conversations as (
    select
        *,
        row_number() over (partition by customer_key order by started_at desc, conversation_id desc) as recency
    from {{ ref('fact_conversation') }}
    where customer_key is not null
    {%- if since %}
        and customer_key in ({{ changed_customers }})
    {%- endif %}
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
    recent_web_messaging.customer_key is not null as web_messaging_in_context_window,
    {{ build_stamp() }} as built_at
from latest
left join recent_web_messaging on recent_web_messaging.customer_key = latest.customer_key
