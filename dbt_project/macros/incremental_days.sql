{#
  For a model rebuilt by day: in an incremental build, keeps only the candidate days whose content
  checksum differs from the one the model was last built from (a new day, or a slice re-landed
  with other content). Use as the WHERE clause of the CTE that lists the candidate days.
#}
{% macro changed_days_only(candidates, day_column, checksum_column) -%}
    {%- if is_incremental() %}
    where not exists (
        {#- the built days first: a few hundred pairs, against as many rows as the model holds -#}
        select 1 from (select distinct {{ day_column }}, {{ checksum_column }} from {{ this }}) as built
        where built.{{ day_column }} = {{ candidates }}.{{ day_column }}
            and built.{{ checksum_column }} = {{ candidates }}.{{ checksum_column }}
    )
    {%- endif %}
{%- endmacro %}

{#
  The pre-hook of a model rebuilt by day from `upstream`: in an incremental build, deletes the days
  whose checksum `upstream` no longer holds (a slice re-landed with other content, or removed), so
  that changed_days_only then appends exactly those days again.
#}
{% macro delete_days_not_in(upstream, day_column='slice_date', checksum_column='slice_checksum') -%}
    {%- if is_incremental() -%}
    delete from {{ this }}
    where {{ day_column }} in (
        select built.{{ day_column }}
        from (select distinct {{ day_column }}, {{ checksum_column }} from {{ this }}) as built
        where not exists (
            select 1 from (select distinct {{ day_column }}, {{ checksum_column }} from {{ upstream }}) as current_days
            where current_days.{{ day_column }} = built.{{ day_column }}
                and current_days.{{ checksum_column }} = built.{{ checksum_column }}
        )
    )
    {%- endif -%}
{%- endmacro %}

{#
  The rows of `upstream` a model rebuilt by day builds from: every day's in a full build, in an
  incremental one those of the days whose checksum changed. The days are listed first (one row per
  day) and the rows joined to them, so that the scan of `upstream` skips the other days' rows.
#}
{% macro rows_of_days_to_build(upstream, day_column='slice_date', checksum_column='slice_checksum') -%}
    select upstream_rows.*
    from {{ upstream }} as upstream_rows
    join (
        select * from (select distinct {{ day_column }}, {{ checksum_column }} from {{ upstream }}) as upstream_days
        {{ changed_days_only('upstream_days', day_column, checksum_column) }}
    ) as days_to_build on days_to_build.{{ day_column }} = upstream_rows.{{ day_column }}
{%- endmacro %}
