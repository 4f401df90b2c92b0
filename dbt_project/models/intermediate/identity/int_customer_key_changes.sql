{{
    config(
        materialized='incremental',
        full_refresh=false,
        on_schema_change='fail',
    )
}}
-- Every change the key registry made, appended build after build: the nodes of a key that moved
-- to another key. A merge retires a key into the older one; a split leaves the key with the part
-- holding its anchor and moves the rest to a new key. Never fully refreshed, like the registry.

with registry as (
    select * from {{ ref('int_customer_key_registry') }}
),

resolved as (
    select * from registry
    {% if is_incremental() %}
    where resolved_at > (select coalesce(max(changed_at), cast('1970-01-01' as timestamp)) from {{ this }})
    {% endif %}
),

moved_nodes as (
    select * from resolved where previous_key <> customer_key
),

moved as (
    select previous_key, customer_key, min(node) as sample_node, count(*) as nodes, max(resolved_at) as changed_at
    from moved_nodes
    group by previous_key, customer_key
),

-- The link that brought a retired key's nodes to their new customer: one to a node that held
-- another key (or none) before the build. Only the moved nodes' links are read: a build moves few.
links as (
    select node_a, node_b, rule from {{ ref('int_identity_links') }}
    where unlinked_at is null
        and (
            node_a in (select moved_nodes.node from moved_nodes)
            or node_b in (select moved_nodes.node from moved_nodes)
        )
),

neighbours as (
    select node_a as node, node_b as neighbour, rule from links
    union all
    select node_b, node_a, rule from links
),

bridges as (
    select moved_nodes.previous_key, moved_nodes.customer_key, neighbours.rule, neighbours.neighbour,
           row_number() over (partition by moved_nodes.previous_key, moved_nodes.customer_key
                              order by neighbours.rule, neighbours.neighbour) as preference
    from moved_nodes
    join neighbours on neighbours.node = moved_nodes.node
    join resolved as other on other.node = neighbours.neighbour
    where other.customer_key = moved_nodes.customer_key
        and (other.previous_key is null or other.previous_key <> moved_nodes.previous_key)
)

select
    moved.previous_key as previous_customer_key,
    moved.customer_key,
    case when exists (select 1 from registry where registry.customer_key = moved.previous_key)
         then 'split' else 'merge' end as change,
    moved.changed_at,
    moved.nodes,
    moved.sample_node,
    bridges.rule as via_rule,
    bridges.neighbour as via_node
from moved
left join bridges
    on bridges.previous_key = moved.previous_key
    and bridges.customer_key = moved.customer_key
    and bridges.preference = 1
