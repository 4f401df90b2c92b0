-- Every identity edge joins two nodes of the same customer: the components were fully propagated.
select edges.node_a, edges.node_b, a.customer_key as key_a, b.customer_key as key_b
from {{ ref('int_identity_edges') }} as edges
join {{ ref('int_customer_keys') }} as a on a.node = edges.node_a
join {{ ref('int_customer_keys') }} as b on b.node = edges.node_b
where a.customer_key <> b.customer_key
