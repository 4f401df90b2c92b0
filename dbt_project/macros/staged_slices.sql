{#
  The staged slices of one kind of row, one per day with when it was last parsed: (label_column,
  slice_date, parsed_at). `relations` are staging models with slice_date and parsed_at; a day staged
  by several of them counts as parsed when the latest did. Per-node and per-source models compare
  these with their own rows' slices to find the slices parsed again or no longer landed.
#}
{% macro staged_slices(label, relations, label_column='source_type') -%}
    select '{{ label }}' as {{ label_column }}, slice_date, max(parsed_at) as parsed_at
    from (
        {%- for relation in relations %}
        select slice_date, parsed_at from {{ relation }}
        {%- if not loop.last %} union all{% endif %}
        {%- endfor %}
    ) as staged
    group by slice_date
{%- endmacro %}

{#
  The slices int_timeline_touchpoints' rows come from, per source type (see nodes_changed_since in
  rows_by_node.sql). A journey session read from its events comes from an events slice.
#}
{% macro touchpoint_slices() -%}
    {{ staged_slices('web_event', [ref('stg_genesys__journey_events')]) }}
    union all
    {{ staged_slices('journey_session', [ref('base_genesys__journey_sessions'), ref('stg_genesys__journey_events')]) }}
    union all
    {{ staged_slices('conversation', [ref('stg_genesys__conversations')]) }}
{%- endmacro %}
