{#
  A directory entity's versions from its daily listings (`staged`, one row per entity and slice
  day): consecutive days with the same `attributes` are one version, valid from its first day until
  the next version's first day (null while current). Rebuilt from the slices, so a re-run gives the
  same versions; a day whose listing is missing does not end a version.
#}
{% macro directory_versions(staged, id_column, attributes) -%}
with listed as (
    select
        {{ id_column }},
        slice_date,
        {%- for column in attributes %}
        {{ column }},
        lag({{ column }}) over (partition by {{ id_column }} order by slice_date) as previous_{{ column }},
        {%- endfor %}
        row_number() over (partition by {{ id_column }} order by slice_date) as listing_number
    from {{ staged }}
),

marked as (
    select
        listed.*,
        case
            when listing_number = 1 then 1
            {%- for column in attributes %}
            when not coalesce({{ column }} = previous_{{ column }}, {{ column }} is null and previous_{{ column }} is null)
                then 1
            {%- endfor %}
            else 0
        end as starts_version
    from listed
),

numbered as (
    select
        marked.*,
        sum(starts_version) over (partition by {{ id_column }} order by slice_date
                                  rows between unbounded preceding and current row) as version_number
    from marked
),

spans as (
    select {{ id_column }}, version_number, min(slice_date) as valid_from, max(slice_date) as last_listed_on
    from numbered
    group by {{ id_column }}, version_number
),

-- A version's attributes are those of its first listing (its later ones hold the same).
versions as (
    select
        spans.*,
        {%- for column in attributes %}
        numbered.{{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from spans
    join numbered
        on numbered.{{ id_column }} = spans.{{ id_column }}
        and numbered.slice_date = spans.valid_from
)

select
    versions.*,
    lead(valid_from) over (partition by {{ id_column }} order by version_number) as valid_to,
    lead(valid_from) over (partition by {{ id_column }} order by version_number) is null as is_current
from versions
{%- endmacro %}
