{#
  int_identity_edges is kept per source record: every edge's node_a is the contact, journey session
  or conversation it is read from, and an edge read from a daily slice (events, conversations) keeps
  one row per slice, so that a slice parsed again or no longer landed names the records it touched.
  A build writes again the records that changed since the model's last build, and a post-hook then
  deletes their rows from earlier builds (the pattern of rows_by_node.sql).
#}

{#
  The records whose edges a build writes again: contacts and journey sessions written again in their
  staging tables (extracted again, or ranked again because a slice went), events and conversations
  parsed since `since`, records with an edge from a slice parsed again or no longer landed, and
  contacts and sessions no longer staged at all. Reads rows of `this` from earlier builds only.
#}
{% macro edge_sources_changed_since(since) -%}
    select 'contact:' || contact_id as node from {{ ref('stg_genesys__external_contacts') }} where built_at > {{ since }}
    union
    select 'session:' || session_id from {{ ref('stg_genesys__journey_sessions') }} where built_at > {{ since }}
    union
    select 'conversation:' || conversation_id from {{ ref('stg_genesys__conversations') }} where parsed_at > {{ since }}
    union
    select case when session_type = 'conversation' then 'conversation:' else 'session:' end || session_id
    from {{ ref('stg_genesys__journey_events') }} where parsed_at > {{ since }}
    union
    select built.node_a
    from {{ this }} as built
    left join (
        {{ staged_slices('journey_events', [ref('stg_genesys__journey_events')], label_column='source') }}
        union all
        {{ staged_slices('conversations', [ref('stg_genesys__conversations')], label_column='source') }}
    ) as staged on staged.source = built.source and staged.slice_date = built.slice_date
    where built.slice_date is not null and (staged.parsed_at is null or staged.parsed_at > {{ since }})
        and built.built_at < {{ build_stamp() }}
    {%- for source, staged, node_type, key in [
        ('external_contacts', ref('stg_genesys__external_contacts'), 'contact', 'contact_id'),
        ('journey_sessions', ref('stg_genesys__journey_sessions'), 'session', 'session_id')] %}
    union
    select built.node_a
    from {{ this }} as built
    where built.source = '{{ source }}' and built.built_at < {{ build_stamp() }}
        and not exists (select 1 from {{ staged }} as staged where '{{ node_type }}:' || staged.{{ key }} = built.node_a)
    {%- endfor %}
{%- endmacro %}

{# The post-hook: the changed records' edges from earlier builds go, now that their new rows are in. #}
{% macro delete_superseded_edges() -%}
    {%- set since = last_built_at() -%}
    {%- if since is not none -%}
    delete from {{ this }}
    where built_at < {{ build_stamp() }} and node_a in ({{ edge_sources_changed_since(since) }})
    {%- endif -%}
{%- endmacro %}
