{#
  A staging model that keeps each record as last extracted (one row per contact, per journey
  session) from a base model that holds one row per record and slice. Incremental on the record's
  key: a build ranks again only the records with a base row parsed since the model's last build,
  and those one of whose remembered slice days (`days`: the row's columns holding a slice date of
  its base rows) is no longer among them (its slice removed, or re-landed without the record).

    {{ config(materialized='incremental', unique_key='contact_id', incremental_strategy='delete+insert',
              post_hook="{{ delete_records_no_longer_extracted('contact_id', ref('base_...')) }}") }}
#}

{# The keys to rank again since `since` (a SQL timestamp). #}
{% macro records_extracted_since(key, base, since, days) -%}
    select {{ key }} from {{ base }} where parsed_at > {{ since }}
    union
    select built.{{ key }}
    from {{ this }} as built
    where {% for day in days %}not exists (
            select 1 from {{ base }} as base_rows
            where base_rows.{{ key }} = built.{{ key }} and base_rows.slice_date = built.{{ day }}
        ){{ ' or ' if not loop.last }}{% endfor %}
{%- endmacro %}

{# The post-hook: records with no base row left (every slice that held them is gone). #}
{% macro delete_records_no_longer_extracted(key, base) -%}
    {%- if is_incremental() -%}
    delete from {{ this }} as built
    where not exists (select 1 from {{ base }} as base_rows where base_rows.{{ key }} = built.{{ key }})
    {%- endif -%}
{%- endmacro %}
