{#
  int_timeline_touchpoints is kept per identity node: each row carries the node it comes from (a
  journey session's or a conversation's), and a build writes again the nodes that changed since the
  model's last build, then deletes their rows from earlier builds. Appending first and deleting
  after lets the body and the post-hook read the same rows and so pick the same nodes.
#}

{#
  The nodes whose touchpoints a build writes again: those with a record parsed since `since`, those
  whose key changed (their rows carry a key the registry no longer gives them), and those with a row
  from a slice parsed again or no longer landed (touchpoint_slices). Reads rows of `this` from
  earlier builds only.
#}
{% macro touchpoint_nodes_changed_since(since) -%}
    {{ nodes_parsed_since(since, contacts=false) }}
    union
    select built.node
    from {{ this }} as built
    join {{ ref('int_customer_key_registry') }} as registry on registry.node = built.node
    where registry.resolved_at > {{ since }} and built.customer_key <> registry.customer_key
        and built.built_at < {{ build_stamp() }}
    union
    select built.node
    from {{ this }} as built
    left join ({{ touchpoint_slices() }}) as staged
        on staged.source_type = built.source_type and staged.slice_date = built.slice_date
    where (staged.parsed_at is null or staged.parsed_at > {{ since }}) and built.built_at < {{ build_stamp() }}
{%- endmacro %}

{# The post-hook: the changed nodes' rows from earlier builds go, now that their new rows are in. #}
{% macro delete_superseded_touchpoints() -%}
    {%- set since = last_built_at() -%}
    {%- if since is not none -%}
    delete from {{ this }}
    where built_at < {{ build_stamp() }} and node in ({{ touchpoint_nodes_changed_since(since) }})
    {%- endif -%}
{%- endmacro %}
