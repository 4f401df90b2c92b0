{#
  The slices int_timeline_touchpoints' rows come from, per source type and day, with when each was
  last parsed (see nodes_changed_since in rows_by_node.sql). A journey session read from its events comes
  from an events slice.
#}
{% macro touchpoint_slices() -%}
    select 'web_event' as source_type, slice_date, max(parsed_at) as parsed_at
    from {{ ref('stg_genesys__journey_events') }} group by slice_date
    union all
    select 'journey_session', slice_date, max(parsed_at)
    from (select slice_date, parsed_at from {{ ref('base_genesys__journey_sessions') }}
          union all
          select slice_date, parsed_at from {{ ref('stg_genesys__journey_events') }}) as session_slices
    group by slice_date
    union all
    select 'conversation', slice_date, max(parsed_at)
    from {{ ref('stg_genesys__conversations') }} group by slice_date
{%- endmacro %}
