{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        post_hook="{{ delete_superseded_edges() }}",
    )
}}
{%- set since = last_built_at() %}
{#- rendered on every build, so that the relations it reads are the model's dependencies -#}
{%- set changed_sources = edge_sources_changed_since(since or 'null') %}
-- The identity graph's edges. Only deterministic, verified links: a contact's CRM id, phones and
-- emails; merges to the canonical contact; a journey session the platform tied to a contact; a
-- conversation's contact, caller line and email sender; the web session a conversation names as
-- where it came from (a chat started from the page, a call the IVR tied to the caller's session);
-- and, on the seed contract, the correlation id carried from an authenticated web session into a
-- call. On the Platform API an event's correlationId is the id of the request that caused it
-- (SDK Event), its own to the event, so it bridges nothing. Never an IP address, a
-- device, a cookie shared by a household (nor an Ephemeral contact, which Predictive Engagement
-- makes from a cookie), or a number typed into a web form. Each edge carries the
-- day it was first seen, which dates its nodes (the oldest node of a customer anchors its key), and
-- the contact field a phone or email sits in (home and work lines are often shared).
--
-- Every edge's node_a is the record it comes from (a contact, a journey session, a conversation),
-- and an edge read from a daily slice keeps one row per slice. A build writes again only the
-- records that changed since the last one (identity_edge_sources.sql), and its post-hook deletes
-- their older rows.

with
{%- if since %}
changed as (
    {{ changed_sources }}
),
{%- endif %}

contacts as (
    select * from {{ ref('stg_genesys__external_contacts') }}
    {%- if since %}
    where 'contact:' || contact_id in (select node from changed)
    {%- endif %}
),

journey_sessions as (
    select session_id, external_contact_id, created_at from {{ ref('stg_genesys__journey_sessions') }}
    where external_contact_id is not null
    {%- if since %}
        and 'session:' || session_id in (select node from changed)
    {%- endif %}
),

customer_sessions as (
    select distinct
        conversation_id, external_contact_id, correlation_id, media_type, ani, address_from, journey_session_id,
        slice_date
    from {{ ref('int_conversation_segments') }}
    where purpose in ('customer', 'external')
    {%- if since %}
        and 'conversation:' || conversation_id in (select node from changed)
    {%- endif %}
),

web_events as (
    select distinct session_id, correlation_id, slice_date
    from {{ ref('stg_genesys__journey_events') }}
    where session_type = 'web' and correlation_id is not null and event_type not like 'com.genesys.%'
    {%- if since %}
        and 'session:' || session_id in (select node from changed)
    {%- endif %}
),

-- Ephemeral contacts: records Predictive Engagement made from a visitor's cookie, which a shared
-- computer's users share. No identity goes through them.
cookie_contacts as (
    select contact_id from {{ ref('stg_genesys__external_contacts') }}
    where contact_type = 'Ephemeral'
),

telephony_events as (
    select distinct session_id as conversation_id, journey_customer_id, journey_customer_id_type, correlation_id,
           slice_date
    from {{ ref('stg_genesys__journey_events') }}
    where session_type = 'conversation'
    {%- if since %}
        and 'conversation:' || session_id in (select node from changed)
    {%- endif %}
),

keyed_edges as (
    select 'contact:' || contact_id as node_a, 'crm:' || crm_external_id as node_b, 'crm_external_id' as rule,
           first_extracted_date as seen_on, 'external_contacts' as source
    from contacts where crm_external_id is not null
    union all
    select 'contact:' || contacts.contact_id, 'phone:' || phones.phone, phones.rule, contacts.first_extracted_date,
           'external_contacts'
    from contacts, lateral (
        select contacts.cell_phone_token as phone, 'contact_cell_phone' as rule
        union all
        select contacts.home_phone_token, 'contact_home_phone'
        union all
        select contacts.work_phone_token, 'contact_work_phone'
    ) as phones
    where phones.phone is not null
    union all
    select 'contact:' || contacts.contact_id, 'email:' || emails.email, emails.rule, contacts.first_extracted_date,
           'external_contacts'
    from contacts, lateral (
        select contacts.personal_email_token as email, 'contact_personal_email' as rule
        union all
        select contacts.work_email_token, 'contact_work_email'
    ) as emails
    where emails.email is not null
    union all
    select 'contact:' || contact_id, 'contact:' || canonical_contact_id, 'contact_merge', first_extracted_date,
           'external_contacts'
    from contacts where canonical_contact_id <> contact_id
    union all
    select 'session:' || session_id, 'contact:' || external_contact_id, 'session_contact', cast(created_at as date),
           'journey_sessions'
    from journey_sessions
),

sliced_edges as (
    select 'session:' || session_id as node_a, 'correlation:' || correlation_id as node_b, 'web_correlation' as rule,
           slice_date, 'journey_events' as source
    from web_events
    union all
    select 'conversation:' || conversation_id, 'contact:' || external_contact_id, 'conversation_contact', slice_date,
           'conversations'
    from customer_sessions
    where customer_sessions.external_contact_id is not null
        and not exists (
            select 1 from cookie_contacts
            where cookie_contacts.contact_id = customer_sessions.external_contact_id
        )
    union all
    select 'conversation:' || conversation_id, 'correlation:' || correlation_id, 'call_correlation', slice_date,
           'conversations'
    from customer_sessions where correlation_id is not null
    union all
    select 'conversation:' || conversation_id, 'session:' || journey_session_id, 'conversation_from_web_session',
           slice_date, 'conversations'
    from customer_sessions where journey_session_id is not null
    union all
    -- Caller line and sender address: pseudonymized tokens whose kind is in their prefix.
    select 'conversation:' || customer_sessions.conversation_id,
           case when addresses.address like 'pii_phone_%' then 'phone:' else 'email:' end || addresses.address,
           'conversation_address', customer_sessions.slice_date, 'conversations'
    from customer_sessions, lateral (
        select customer_sessions.ani as address
        union all
        select customer_sessions.address_from
    ) as addresses
    where addresses.address like 'pii_phone_%' or addresses.address like 'pii_email_%'
    union all
    select 'conversation:' || conversation_id, 'contact:' || journey_customer_id, 'telephony_event_contact',
           slice_date, 'journey_events'
    from telephony_events where journey_customer_id_type = 'externalContactId' and journey_customer_id is not null
    union all
    select 'conversation:' || conversation_id, 'correlation:' || correlation_id, 'telephony_event_correlation',
           slice_date, 'journey_events'
    from telephony_events where correlation_id is not null
)

select node_a, node_b, rule, min(seen_on) as seen_on, source, cast(null as date) as slice_date,
       {{ build_stamp() }} as built_at
from keyed_edges
group by node_a, node_b, rule, source
union all
select node_a, node_b, rule, min(slice_date), source, slice_date, {{ build_stamp() }}
from sliced_edges
group by node_a, node_b, rule, source, slice_date
