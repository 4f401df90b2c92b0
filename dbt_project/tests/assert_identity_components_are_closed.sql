-- Every identity link joins two nodes of the same customer: the components were fully propagated,
-- in the build that resolved them or in an earlier one.
--
-- Checked where the latest build wrote, like unique_combination_written: the links it changed and
-- the links of the nodes whose key rows it wrote. A link that did not change between two nodes whose
-- keys did not move was checked by an earlier build; a full refresh writes every row and so checks
-- every link.
with keys as (
    select node, customer_key from {{ ref('int_customer_keys') }}
),

links as (
    select node_a, node_b, changed_at from {{ ref('int_identity_links') }}
    where unlinked_at is null
),

written_nodes as (
    select node from {{ ref('int_customer_keys') }}
    where {{ written_by_latest_build(ref('int_customer_keys')) }}
),

checked_links as (
    select node_a, node_b from links
    where {{ written_by_latest_build(ref('int_identity_links'), 'changed_at') }}
        or node_a in (select written_nodes.node from written_nodes)
        or node_b in (select written_nodes.node from written_nodes)
)

select checked_links.node_a, checked_links.node_b, a.customer_key as key_a, b.customer_key as key_b
from checked_links
join keys as a on a.node = checked_links.node_a
join keys as b on b.node = checked_links.node_b
where a.customer_key <> b.customer_key
