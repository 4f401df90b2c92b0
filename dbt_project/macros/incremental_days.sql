{#
  For a model rebuilt by day: in an incremental build, keeps only the candidate days whose content
  checksum differs from the one the model was last built from (a new day, or a slice re-landed
  with other content). Use as the WHERE clause of the CTE that lists the candidate days.
#}
{% macro changed_days_only(candidates, day_column, checksum_column) -%}
    {%- if is_incremental() %}
    where not exists (
        select 1 from {{ this }} as built
        where built.{{ day_column }} = {{ candidates }}.{{ day_column }}
            and built.{{ checksum_column }} = {{ candidates }}.{{ checksum_column }}
    )
    {%- endif %}
{%- endmacro %}
