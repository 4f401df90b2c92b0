{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='append_new_columns',
        pre_hook="{{ delete_changed_customers(upstream=ref('int_timeline_touchpoints')) }}",
        post_hook="{{ delete_customers_without_key() }}",
    )
}}
{#- on_schema_change: the contract holds the columns and their types, and a type PostgreSQL's temporary
    relation calls varchar instead of text is no change. -#}
{%- set since = last_built_at() %}
{%- set changed_customers = customers_changed_since(since, upstream=ref('int_timeline_touchpoints')) %}
-- One row per resolved customer: the identity graph's connected component, with the contacts and
-- identifiers it joined. Merged contacts sit under their canonical contact (merged_from_ids). Kept
-- per customer: a build writes again only the customers whose records or identity changed.

with keys as (
    select * from {{ ref('int_customer_keys') }}
    {%- if since %}
    where customer_key in (
        {{ changed_customers }}
    )
    {%- endif %}
),

contacts as (
    select contacts.*, keys.customer_key
    from {{ ref('stg_genesys__external_contacts') }} as contacts
    join keys on keys.node = 'contact:' || contacts.contact_id
),

contact_summary as (
    select
        customer_key,
        min(case when contact_id = canonical_contact_id then contact_id end) as primary_contact_id,
        -- Ordered, so that a rebuild writes the same lists.
        string_agg(distinct case when contact_id = canonical_contact_id then contact_id end, ','
                   order by case when contact_id = canonical_contact_id then contact_id end) as contact_ids,
        string_agg(distinct case when contact_id <> canonical_contact_id then contact_id end, ','
                   order by case when contact_id <> canonical_contact_id then contact_id end) as merged_from_ids,
        string_agg(distinct crm_external_id, ',' order by crm_external_id) as crm_external_ids
    from contacts
    group by customer_key
),

node_summary as (
    select
        customer_key,
        count(case when node_type = 'phone' then 1 end) as phone_count,
        count(case when node_type = 'email' then 1 end) as email_count,
        count(case when node_type = 'conversation' then 1 end) as conversation_count,
        count(case when node_type = 'session' then 1 end) as journey_session_count
    from keys
    group by customer_key
),

activity as (
    select touchpoints.customer_key, min(touchpoints.occurred_at) as first_seen_at,
           max(touchpoints.occurred_at) as last_seen_at
    from {{ ref('int_timeline_touchpoints') }} as touchpoints
    where touchpoints.customer_key in (select keys.customer_key from keys)
    group by touchpoints.customer_key
)

select
    node_summary.customer_key,
    contact_summary.primary_contact_id,
    contact_summary.contact_ids,
    contact_summary.merged_from_ids,
    contact_summary.crm_external_ids,
    node_summary.phone_count,
    node_summary.email_count,
    node_summary.conversation_count,
    node_summary.journey_session_count,
    contact_summary.customer_key is not null as is_known_contact,
    activity.first_seen_at,
    activity.last_seen_at,
    {{ build_stamp() }} as built_at
from node_summary
left join contact_summary on contact_summary.customer_key = node_summary.customer_key
left join activity on activity.customer_key = node_summary.customer_key
where node_summary.conversation_count > 0
    or node_summary.journey_session_count > 0
    or contact_summary.customer_key is not null
