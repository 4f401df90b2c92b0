{#
  Models kept per identity node (int_timeline_touchpoints, fact_conversation): each row comes from
  one node's record (a journey session's or a conversation's), and a build writes again only the
  nodes that changed since the model's last build, then deletes their rows from earlier builds.
  Appending first and deleting after lets the body and the post-hook read the same rows and so pick
  the same nodes.
#}

{#
  The nodes whose rows a build writes again: those with a record parsed since `since`, those whose
  key changed (their rows carry a key the registry no longer gives them), those with a row from a
  slice parsed again or no longer landed, and those `extra` selects (a model's own reasons).
  `node` and `source_type` are SQL over the model's earlier rows (`built`); `slices` lists
  (source_type, slice_date, parsed_at). Reads rows of `this` from earlier builds only.
#}
{% macro nodes_changed_since(since, slices, node='built.node', source_type='built.source_type', extra=none) -%}
    {{ nodes_parsed_since(since, contacts=false) }}
    union
    select {{ node }}
    from {{ this }} as built
    join {{ ref('int_customer_key_registry') }} as registry on registry.node = {{ node }}
    where registry.resolved_at > {{ since }} and built.customer_key <> registry.customer_key
        and built.built_at < {{ build_stamp() }}
    union
    -- the slices parsed again or gone are found first: a few, joined to the rows by day
    select {{ node }}
    from {{ this }} as built
    join (
        select built_slices.source_type, built_slices.slice_date
        from (
            select distinct {{ source_type }} as source_type, built.slice_date
            from {{ this }} as built
            where built.built_at < {{ build_stamp() }}
        ) as built_slices
        left join ({{ slices }}) as staged
            on staged.source_type = built_slices.source_type and staged.slice_date = built_slices.slice_date
        where staged.parsed_at is null or staged.parsed_at > {{ since }}
    ) as changed_slices
        on changed_slices.source_type = {{ source_type }} and changed_slices.slice_date is not distinct from built.slice_date
    where built.built_at < {{ build_stamp() }}
    {%- if extra is not none %}
    union
    {{ extra }}
    {%- endif %}
{%- endmacro %}

{# The post-hook: the changed nodes' rows from earlier builds go, now that their new rows are in. #}
{% macro delete_superseded_rows(changed_nodes, node='node') -%}
    {%- set since = last_built_at() -%}
    {%- if since is not none -%}
    delete from {{ this }}
    where built_at < {{ build_stamp() }} and {{ node }} in ({{ changed_nodes(since) }})
    {%- endif -%}
{%- endmacro %}

{#
  int_timeline_touchpoints' nodes to write again (touchpoint_slices, in staged_slices.sql: where its
  rows come from).
#}
{% macro touchpoint_nodes_changed_since(since) -%}
    {{ nodes_changed_since(since, touchpoint_slices()) }}
{%- endmacro %}

{#
  fact_conversation's conversations to write again: besides nodes_changed_since's reasons, those
  whose contact was extracted again (it may have merged into another: the row shows the canonical one).
#}
{% macro fact_conversation_nodes_changed_since(since) -%}
    {%- set recontacted -%}
    select 'conversation:' || conversations.conversation_id
    from {{ ref('int_conversations') }} as conversations
    join {{ ref('stg_genesys__external_contacts') }} as contacts on contacts.contact_id = conversations.external_contact_id
    where contacts.built_at > {{ since }}
    {%- endset -%}
    {{ nodes_changed_since(since, staged_slices('conversation', [ref('stg_genesys__conversations')]),
                           node="'conversation:' || built.conversation_id", source_type="'conversation'",
                           extra=recontacted) }}
{%- endmacro %}

{# fact_conversation's post-hook: its rows name their node by conversation id. #}
{% macro delete_superseded_conversations() -%}
    {{ delete_superseded_rows(fact_conversation_nodes_changed_since, node="'conversation:' || conversation_id") }}
{%- endmacro %}
