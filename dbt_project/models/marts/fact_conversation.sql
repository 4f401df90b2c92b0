{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='append_new_columns',
        post_hook="{{ delete_superseded_conversations() }}",
    )
}}
{#- on_schema_change: the contract holds the columns and their types, and a type PostgreSQL's temporary
    relation calls varchar instead of text is no change. -#}
{%- set since = last_built_at() %}
{#- rendered on every build, so that the relations it reads are the model's dependencies -#}
{%- set changed_conversations = fact_conversation_nodes_changed_since(since or 'null') %}
-- One row per conversation with the customer it resolved to, and its contact followed through
-- merges to the canonical one. Kept per conversation: a build writes again only the conversations
-- whose record, slice, contact or key changed since the last one, and then deletes their older
-- rows (see rows_by_node.sql). An active customer's earlier conversations are not rewritten.

with keys as (
    select node_id as conversation_id, customer_key
    from {{ ref('int_customer_keys') }}
    where node_type = 'conversation'
    {%- if since %}
        and node in ({{ changed_conversations }})
    {%- endif %}
),

conversations as (
    select * from {{ ref('int_conversations') }}
),

contacts as (
    select contact_id, canonical_contact_id from {{ ref('stg_genesys__external_contacts') }}
)

select
    conversations.conversation_id,
    keys.customer_key,
    conversations.channel,
    conversations.media_type,
    conversations.direction,
    conversations.started_at,
    conversations.ended_at,
    conversations.duration_seconds,
    conversations.last_queue_id,
    conversations.agent_id,
    conversations.wrap_up_code,
    conversations.division_ids,
    conversations.is_in_progress,
    coalesce(contacts.canonical_contact_id, conversations.external_contact_id) as external_contact_id,
    conversations.correlation_id,
    conversations.journey_session_id,
    conversations.journey_action_id,
    conversations.journey_action_map_id,
    conversations.journey_action_map_version,
    conversations.slice_date,
    {{ build_stamp() }} as built_at
from conversations
join keys on keys.conversation_id = conversations.conversation_id
left join contacts on contacts.contact_id = conversations.external_contact_id
