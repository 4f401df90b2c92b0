{{
    config(
        materialized='incremental',
        unique_key=['node_a', 'node_b'],
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
    )
}}
{#- A table from before links were kept from build to build has no changed_at: every row is written
    once, those that no longer link as unlinked. -#}
{%- set rewrite_all = is_incremental() and execute and this is not string and not this_has_column('changed_at') %}
-- The edges that join records into customers: every identity edge but those that touch a demoted
-- identifier, and a conversation's address when it is a home or work line. One row per linked
-- pair, with its first rule and the day it was first seen.
--
-- Kept from build to build: the pairs are worked out whole, but a build writes only the pairs
-- that changed (new, rule or first day moved, gone, back), each stamped changed_at. A pair that
-- stops linking keeps its row with unlinked_at set, so that the key registry, which reads only
-- the pairs changed since its last build, sees that both ends lost a link. Readers of the links
-- take the rows where unlinked_at is null.

with identifiers as (
    select * from {{ ref('int_identity_identifiers') }}
),

-- A phone or email is only ever an edge's second node, so one equality join finds its identifier.
linked as (
    select edges.node_a, edges.node_b, min(edges.rule) as rule, min(edges.seen_on) as seen_on
    from {{ ref('int_identity_edges') }} as edges
    left join identifiers on identifiers.identifier = edges.node_b
    where identifiers.demoted_because is null
        -- An address no contact holds (no contact field, no conversation naming its contact) has no
        -- identifier row, so joins_addresses is null and the edge drops: it says only that the same line
        -- was used, a household's or an office's as often as a person's.
        and (edges.rule <> 'conversation_address' or identifiers.joins_addresses)
    group by edges.node_a, edges.node_b
)

{% if is_incremental() -%}
select
    coalesce(linked.node_a, previous.node_a) as node_a,
    coalesce(linked.node_b, previous.node_b) as node_b,
    coalesce(linked.rule, previous.rule) as rule,
    coalesce(linked.seen_on, previous.seen_on) as seen_on,
    case when linked.node_a is null then {{ build_stamp() }} end as unlinked_at,
    {{ build_stamp() }} as changed_at
from linked
full outer join {{ this }} as previous on previous.node_a = linked.node_a and previous.node_b = linked.node_b
{%- if not rewrite_all %}
where previous.node_a is null
    or (linked.node_a is null and previous.unlinked_at is null)
    or (linked.node_a is not null and (previous.unlinked_at is not null or linked.rule is distinct from previous.rule
                                       or linked.seen_on is distinct from previous.seen_on))
{%- endif %}
{%- else -%}
select node_a, node_b, rule, seen_on, cast(null as timestamp) as unlinked_at, {{ build_stamp() }} as changed_at
from linked
{%- endif %}
