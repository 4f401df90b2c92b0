-- The edges that join records into customers: every identity edge but those that touch a demoted
-- identifier, and a conversation's address when it is a home or work line. One row per linked
-- pair, with its first rule and the day it was first seen.

with identifiers as (
    select * from {{ ref('int_identity_identifiers') }}
)

-- A phone or email is only ever an edge's second node, so one equality join finds its identifier.
select edges.node_a, edges.node_b, min(edges.rule) as rule, min(edges.seen_on) as seen_on
from {{ ref('int_identity_edges') }} as edges
left join identifiers on identifiers.identifier = edges.node_b
where identifiers.demoted_because is null
    -- An address no contact holds (no contact field, no conversation naming its contact) has no
    -- identifier row, so joins_addresses is null and the edge drops: it says only that the same line
    -- was used, a household's or an office's as often as a person's.
    and (edges.rule <> 'conversation_address' or identifiers.joins_addresses)
group by edges.node_a, edges.node_b
