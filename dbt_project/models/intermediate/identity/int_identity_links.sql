-- The edges that join records into customers: every identity edge but those that touch a demoted
-- identifier. One row per linked pair, with its first rule and the day it was first seen.

with demoted as (
    select identifier from {{ ref('int_identity_identifiers') }} where demoted_because is not null
)

select node_a, node_b, min(rule) as rule, min(seen_on) as seen_on
from {{ ref('int_identity_edges') }} as edges
where not exists (select 1 from demoted where demoted.identifier in (edges.node_a, edges.node_b))
group by node_a, node_b
