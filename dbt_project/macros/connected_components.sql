{#
  Connected components of an undirected graph given as a relation of (node_a, node_b) edges and a
  relation of (node) nodes. Returns (node, component) where component is the smallest node id in the
  node's component. DuckDB propagates the minimum label with a keyed recursive CTE (one row per
  node, updated in place); the portable version walks reachability, fine for per-person graphs.
#}
{% macro connected_components(edges, nodes) -%}
    {{ return(adapter.dispatch('connected_components', 'genesys_journey')(edges, nodes)) }}
{%- endmacro %}

{% macro duckdb__connected_components(edges, nodes) -%}
with recursive
    links as (
        select node_a as src, node_b as dst from {{ edges }}
        union
        select node_b, node_a from {{ edges }}
    ),
    labels(node, component) using key (node) as (
        select node, node from {{ nodes }}
        union
        (
            select links.dst, min(labels.component)
            from labels
            join links on links.src = labels.node
            join recurring.labels as current_label on current_label.node = links.dst
            group by links.dst, current_label.component
            having min(labels.component) < current_label.component
        )
    )
select node, component from labels
{%- endmacro %}

{% macro default__connected_components(edges, nodes) -%}
with recursive
    links as (
        select node_a as src, node_b as dst from {{ edges }}
        union
        select node_b, node_a from {{ edges }}
    ),
    reach(node, reached) as (
        select node, node from {{ nodes }}
        union
        select reach.node, links.dst
        from reach
        join links on links.src = reach.reached
    )
select node, min(reached) as component from reach group by node
{%- endmacro %}
