{#
  The oldest node of each group of `rows` (a CTE with node, first_seen_on and previous_key): first
  seen, then smallest id, a node never seen last. One row per group: the group column, anchor,
  anchor_seen_on and anchor_previous_key. DuckDB takes it with one aggregate pass; elsewhere a
  window orders each group.
#}
{% macro oldest_nodes(rows, group_by) -%}
    {{ return(adapter.dispatch('oldest_nodes', 'genesys_journey')(rows, group_by)) }}
{%- endmacro %}

{% macro duckdb__oldest_nodes(rows, group_by) -%}
    {%- set age = "(coalesce(first_seen_on, date '9999-12-31'), node)" -%}
    select {{ group_by }}, arg_min(node, {{ age }}) as anchor, arg_min_null(first_seen_on, {{ age }}) as anchor_seen_on,
           arg_min_null(previous_key, {{ age }}) as anchor_previous_key
    from {{ rows }}
    group by {{ group_by }}
{%- endmacro %}

{% macro default__oldest_nodes(rows, group_by) -%}
    select {{ group_by }}, node as anchor, first_seen_on as anchor_seen_on, previous_key as anchor_previous_key
    from (
        select {{ rows }}.*, row_number() over (partition by {{ group_by }} order by first_seen_on, node) as age
        from {{ rows }}
    ) as by_age
    where age = 1
{%- endmacro %}
