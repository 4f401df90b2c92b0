-- Every customer key that stopped naming (all of) its customer, and the key that names them now: a
-- saved key that no longer appears in the marts is looked up here. A merge retires a key into the
-- older one it joined; a split moves part of a customer to a new key.

select
    changes.previous_customer_key,
    changes.customer_key as changed_to_customer_key,
    registry.customer_key as current_customer_key,
    changes.change,
    changes.changed_at,
    changes.nodes,
    changes.via_rule,
    changes.via_node
from {{ ref('int_customer_key_changes') }} as changes
left join {{ ref('int_customer_key_registry') }} as registry on registry.node = changes.sample_node
