-- Every identity node present in the landed data with the customer it resolves to: the key
-- registry, without the nodes that are no longer landed.

select registry.node, registry.node_type, registry.node_id, registry.customer_key
from {{ ref('int_customer_key_registry') }} as registry
join {{ ref('int_identity_nodes') }} as nodes on nodes.node = registry.node
