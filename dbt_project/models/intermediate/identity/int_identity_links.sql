-- The edges that join records into customers: every identity edge but those that touch a demoted
-- identifier, and a conversation's address when it is a home or work line. One row per linked
-- pair, with its first rule and the day it was first seen.

with identifiers as (
    select * from {{ ref('int_identity_identifiers') }}
)

select node_a, node_b, min(rule) as rule, min(seen_on) as seen_on
from {{ ref('int_identity_edges') }} as edges
where not exists (
    select 1 from identifiers
    where identifiers.identifier in (edges.node_a, edges.node_b)
        and (identifiers.demoted_because is not null
             or (edges.rule = 'conversation_address' and not identifiers.joins_addresses))
)
    -- An address no contact holds (no contact field, no conversation naming its contact) says only
    -- that the same line was used: a household's or an office's line as often as a person's.
    and (edges.rule <> 'conversation_address'
         or exists (select 1 from identifiers where identifiers.identifier = edges.node_b))
group by node_a, node_b
