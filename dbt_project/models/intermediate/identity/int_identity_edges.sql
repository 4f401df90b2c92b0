-- The identity graph's edges. Only deterministic, verified links: a contact's CRM id, phones and
-- emails; merges to the canonical contact; a journey session the platform tied to a contact; a
-- conversation's contact, caller line and email sender; a chat started from a web session; and the
-- correlation id carried from an authenticated web session into a call. Never an IP address, a
-- device, a cookie shared by a household, or a number typed into a web form.

with contacts as (
    select * from {{ ref('stg_genesys__external_contacts') }}
),

customer_sessions as (
    select distinct
        conversation_id, external_contact_id, correlation_id, media_type, ani, address_from, journey_session_id
    from {{ ref('int_conversation_segments') }}
    where purpose in ('customer', 'external')
),

web_events as (
    select distinct session_id, correlation_id
    from {{ ref('stg_genesys__journey_events') }}
    where session_type = 'web' and correlation_id is not null
),

telephony_events as (
    select distinct session_id as conversation_id, journey_customer_id, journey_customer_id_type, correlation_id
    from {{ ref('stg_genesys__journey_events') }}
    where session_type = 'conversation'
),

edges as (
    select 'contact:' || contact_id as node_a, 'crm:' || crm_external_id as node_b, 'crm_external_id' as rule
    from contacts where crm_external_id is not null
    union all
    select 'contact:' || contact_id, 'phone:' || phone, 'contact_phone'
    from contacts, lateral (select cell_phone_token as phone union all select home_phone_token union all select work_phone_token) as phones
    where phone is not null
    union all
    select 'contact:' || contact_id, 'email:' || email, 'contact_email'
    from contacts, lateral (select personal_email_token as email union all select work_email_token) as emails
    where email is not null
    union all
    select 'contact:' || contact_id, 'contact:' || canonical_contact_id, 'contact_merge'
    from contacts where canonical_contact_id <> contact_id
    union all
    select 'session:' || session_id, 'contact:' || external_contact_id, 'session_contact'
    from {{ ref('stg_genesys__journey_sessions') }} where external_contact_id is not null
    union all
    select 'session:' || session_id, 'correlation:' || correlation_id, 'web_correlation'
    from web_events
    union all
    select 'conversation:' || conversation_id, 'contact:' || external_contact_id, 'conversation_contact'
    from customer_sessions where external_contact_id is not null
    union all
    select 'conversation:' || conversation_id, 'correlation:' || correlation_id, 'call_correlation'
    from customer_sessions where correlation_id is not null
    union all
    select 'conversation:' || conversation_id, 'session:' || journey_session_id, 'chat_from_web_session'
    from customer_sessions where journey_session_id is not null
    union all
    -- Caller line and sender address: pseudonymized tokens whose kind is in their prefix.
    select 'conversation:' || conversation_id,
           case when address like 'pii_phone_%' then 'phone:' else 'email:' end || address,
           'conversation_address'
    from customer_sessions, lateral
         (select ani as address union all select address_from) as addresses
    where address like 'pii_phone_%' or address like 'pii_email_%'
    union all
    select 'conversation:' || conversation_id, 'contact:' || journey_customer_id, 'telephony_event_contact'
    from telephony_events where journey_customer_id_type = 'externalContactId' and journey_customer_id is not null
    union all
    select 'conversation:' || conversation_id, 'correlation:' || correlation_id, 'telephony_event_correlation'
    from telephony_events where correlation_id is not null
)

select distinct node_a, node_b, rule from edges
