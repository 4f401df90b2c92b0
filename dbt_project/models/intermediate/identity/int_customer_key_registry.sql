{{
    config(
        materialized='incremental',
        unique_key='node',
        incremental_strategy='delete+insert',
        full_refresh=false,
        on_schema_change='fail',
    )
}}
-- The customer key of every identity node, kept from build to build. A build resolves again only
-- the customers one of whose nodes gained or lost a link, and new nodes, and of those writes only
-- the nodes whose key, links or first sighting changed; every other node keeps the row it has, so
-- that `resolved_at > x` names exactly what moved or changed since x. A key belongs to its anchor,
-- the oldest node that held it (first seen, then smallest id): the customer holding the anchor
-- keeps the key, so a customer that merges keeps the older key and retires the younger one, a part
-- split off gets a key of its own, and a newer node, however small its id, never renames anyone.
-- Never fully refreshed: the keys are promises to the people who saved them.

with identity_links as (
    select node_a, node_b from {{ ref('int_identity_links') }}
    where unlinked_at is null
),

adjacency as (
    select node_a as node, node_b as neighbour from identity_links
    union all
    select node_b, node_a from identity_links
),

{% if is_incremental() %}
-- Only a node at one end of a pair written since the registry's last build (linked or unlinked)
-- can have other links than it had then. Every node is compared when the links hold no older pair:
-- they were rebuilt whole (a full refresh), or they are as old as this registry.
last_resolution as (
    select max(resolved_at) as resolved_at from {{ this }}
),

changed_links as (
    select node_a, node_b from {{ ref('int_identity_links') }}
    where changed_at > (select last_resolution.resolved_at from last_resolution)
),

links_rebuilt as (
    select not exists (
        select 1 from {{ ref('int_identity_links') }}
        where changed_at <= (select last_resolution.resolved_at from last_resolution)
    ) as rebuilt
),

checked as (
    select node_a as node from changed_links
    union
    select node_b from changed_links
),

linked as (
    select node, {{ links_fingerprint('neighbour') }} as links_fingerprint
    from adjacency
    where (select rebuilt from links_rebuilt) or node in (select checked.node from checked)
    group by node
),

-- Every node landed or in the registry beside its previous row: the one join of the two that
-- finds the new nodes, the vanished ones and the previous keys of the rest.
node_states as (
    select coalesce(landed.node, previous.node) as node,
           landed.node is not null as is_landed,
           landed.first_seen_on,
           previous.node is null as is_new,
           previous.node_type, previous.node_id,
           previous.customer_key as previous_key,
           previous.links_fingerprint as previous_fingerprint,
           previous.first_seen_on as previous_first_seen_on
    from {{ ref('int_identity_nodes') }} as landed
    full outer join {{ this }} as previous on previous.node = landed.node
),

-- The landed nodes checked, new or back, fingerprinted; every other node keeps its links.
compared as (
    select node, first_seen_on, links_fingerprint, previous_key, previous_fingerprint, previous_first_seen_on,
           is_new, previous_fingerprint is distinct from links_fingerprint as links_changed
    from (
        select node_states.*, coalesce(linked.links_fingerprint, {{ no_links_fingerprint() }}) as links_fingerprint
        from node_states
        left join linked on linked.node = node_states.node
        where node_states.is_landed
            and ((select rebuilt from links_rebuilt)
                 or node_states.is_new
                 or node_states.previous_fingerprint is null
                 or node_states.node in (select checked.node from checked))
    ) as fingerprinted
),

-- What the new nodes add to each existing node's links.
gained as (
    select adjacency.node, {{ links_fingerprint('adjacency.neighbour') }} as gained_fingerprint
    from adjacency
    join compared as neighbour on neighbour.node = adjacency.neighbour
    where neighbour.is_new
    group by adjacency.node
),

-- A customer some of whose nodes' links changed. When every change is links gained to new nodes,
-- it lost no link: it is as connected as it was and only grew.
touched_keys as (
    select compared.previous_key as customer_key,
           bool_and(coalesce({{ only_gained_links('compared.previous_fingerprint', 'compared.links_fingerprint',
                                                   'gained.gained_fingerprint') }}, false)) as only_grew
    from compared
    left join gained on gained.node = compared.node
    where compared.links_changed and compared.previous_key is not null
    group by compared.previous_key
),

affected as (
    select compared.node, compared.first_seen_on, compared.links_fingerprint, compared.previous_key,
           compared.previous_fingerprint, compared.previous_first_seen_on, touched_keys.only_grew as in_grown_customer
    from compared
    left join touched_keys on touched_keys.customer_key = compared.previous_key
    where compared.is_new or touched_keys.customer_key is not null
    union all
    -- The touched customers' other nodes, still landed: not compared, their links are as they were.
    select node_states.node, node_states.first_seen_on, node_states.previous_fingerprint, node_states.previous_key,
           node_states.previous_fingerprint, node_states.previous_first_seen_on, touched_keys.only_grew
    from node_states
    join touched_keys on touched_keys.customer_key = node_states.previous_key
    where node_states.is_landed
        and not exists (select 1 from compared where compared.node = node_states.node)
),

-- A node whose slices are gone keeps its key but forgets its links: should it land again (a day
-- re-landed after a removal), its links count as changed and its customer is resolved again,
-- although its neighbours may have moved to other keys while it was away. Its resolved_at marks
-- its customer for the per-customer models; it moved nowhere, so its previous key is its key.
vanished as (
    select node, node_type, node_id, previous_key as customer_key, previous_key, previous_first_seen_on as first_seen_on,
           cast(null as varchar) as links_fingerprint, {{ build_stamp() }} as resolved_at
    from node_states
    where not is_landed and previous_fingerprint is not null
),
{% else %}
{#- A first build over a warehouse that already published keys (one built before the registry
    existed, or whose registry was dropped) starts from those keys, so that nobody's changes. -#}
{%- set published = adapter.get_relation(this.database, this.schema, 'int_customer_keys')
    if execute and var('identity_keys_from_published', true) else none %}
-- Most nodes have a link or two: fingerprinted from the links alone, then joined to every node once.
linked as (
    select node, {{ links_fingerprint('neighbour') }} as links_fingerprint
    from adjacency
    group by node
),

nodes as (
    select nodes.node, nodes.first_seen_on,
           coalesce(linked.links_fingerprint, {{ no_links_fingerprint() }}) as links_fingerprint
    from {{ ref('int_identity_nodes') }} as nodes
    left join linked on linked.node = nodes.node
),

affected as (
    select nodes.node, nodes.first_seen_on, nodes.links_fingerprint,
           {{ 'published.customer_key' if published else 'cast(null as varchar)' }} as previous_key,
           cast(null as varchar) as previous_fingerprint, cast(null as date) as previous_first_seen_on,
           cast(null as boolean) as in_grown_customer
    from nodes
    {%- if published %}
    left join {{ published }} as published on published.node = nodes.node
    {%- endif %}
),
{% endif %}

-- A customer that only grew is resolved as one node of the graph: the links inside it are all
-- still there, and only those to its new nodes, or to other customers, need following.
graph_nodes as (
    select node, case when in_grown_customer then 'key:' || previous_key else node end as graph_node
    from affected
),

-- The linter reads the two CTEs below only through DuckDB's keyed recursive CTE, which it cannot parse.
affected_nodes as (  -- noqa: ST03
    select distinct graph_node as node from graph_nodes
),

-- Unchanged links never leave a resolved customer, so the affected nodes' links are all inside.
affected_links as (  -- noqa: ST03
    select node_a.graph_node as node_a, node_b.graph_node as node_b
    from identity_links
    join graph_nodes as node_a on node_a.node = identity_links.node_a
    join graph_nodes as node_b on node_b.node = identity_links.node_b
    where node_a.graph_node <> node_b.graph_node
),

components as (
    {{ connected_components('affected_links', 'affected_nodes') }}  -- noqa: PRS
),

members as (
    select components.component, affected.*
    from components
    join graph_nodes on graph_nodes.graph_node = components.node
    join affected on affected.node = graph_nodes.node
),

holders as (
    select * from members where previous_key is not null
),

key_anchors as (
    select previous_key as customer_key, anchor, anchor_seen_on
    from ({{ oldest_nodes('holders', 'previous_key') }}) as oldest
),

owned as (
    select members.component, key_anchors.*
    from key_anchors
    join members on members.node = key_anchors.anchor
),

kept as (
    select component, customer_key
    from (
        select owned.*, row_number() over (partition by component order by anchor_seen_on, anchor) as age
        from owned
    ) as by_age
    where age = 1
),

component_anchors as (
    select component, anchor, anchor_previous_key
    from ({{ oldest_nodes('members', 'component') }}) as oldest
),

-- A customer that owns no key gets one made from its anchor, unless another customer still
-- holds that key (its anchor once joined an older node, and has now split away from it).
candidates as (
    select component, anchor, anchor_previous_key, 'cust_' || substr(md5(anchor), 1, 20) as customer_key
    from component_anchors
    where not exists (select 1 from kept where kept.component = component_anchors.component)
),

{%- if is_incremental() %}

-- Candidate keys still held by a node this build does not resolve again: looked up for the few
-- candidates only, not for every key the registry holds.
held_elsewhere as (
    select distinct node_states.previous_key as customer_key
    from node_states
    join candidates on candidates.customer_key = node_states.previous_key
    where not exists (select 1 from affected where affected.node = node_states.node)
),
{%- endif %}

issued as (
    select
        component,
        case
            when candidates.customer_key in (select kept.customer_key from kept)
            {%- if is_incremental() %}
                or candidates.customer_key in (select held_elsewhere.customer_key from held_elsewhere)
            {%- endif %}
            then 'cust_' || substr(md5(anchor || ':' || coalesce(anchor_previous_key, '')), 1, 20)
            else customer_key
        end as customer_key
    from candidates
),

assigned as (
    select component, customer_key from kept
    union all
    select component, customer_key from issued
)

select
    members.node,
    split_part(members.node, ':', 1) as node_type,
    substr(members.node, length(split_part(members.node, ':', 1)) + 2) as node_id,
    assigned.customer_key,
    members.previous_key,
    members.first_seen_on,
    members.links_fingerprint,
    {{ build_stamp() }} as resolved_at
from members
join assigned on assigned.component = members.component
{%- if is_incremental() %}
-- A node resolved again that kept its key, links and first sighting keeps its row.
where members.previous_key is null
    or assigned.customer_key <> members.previous_key
    or members.links_fingerprint is distinct from members.previous_fingerprint
    or members.first_seen_on is distinct from members.previous_first_seen_on
union all
select * from vanished
{%- endif %}
