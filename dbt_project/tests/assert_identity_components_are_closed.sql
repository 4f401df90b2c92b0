-- Every identity link joins two nodes of the same customer: the components were fully propagated,
-- in the build that resolved them or in an earlier one.
select links.node_a, links.node_b, a.customer_key as key_a, b.customer_key as key_b
from {{ ref('int_identity_links') }} as links
join {{ ref('int_customer_keys') }} as a on a.node = links.node_a
join {{ ref('int_customer_keys') }} as b on b.node = links.node_b
where links.unlinked_at is null and a.customer_key <> b.customer_key
