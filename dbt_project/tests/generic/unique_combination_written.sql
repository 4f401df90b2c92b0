{#
  unique_combination for an incremental model, checked where its latest build wrote: fails with
  every combination of `columns` that occurs more than once among the rows sharing their `within`
  columns (by default `columns` themselves) with a row of the latest build (`written_at`, the build
  stamp each row carries). A row an earlier build wrote was checked by that build, and a row of
  the latest build is checked against every other row; a full refresh writes every row and so
  checks the whole table. `within` columns must not be null.
#}
{% test unique_combination_written(model, columns, within=none, written_at='built_at') %}
{%- set within = within or columns %}
with written as (
    select distinct {{ within | join(', ') }}
    from {{ model }}
    where {{ written_by_latest_build(model, written_at) }}
)

select {% for column in columns %}rows_.{{ column }}, {% endfor %}count(*) as occurrences
from {{ model }} as rows_
where exists (
    select 1 from written
    where {% for column in within %}written.{{ column }} = rows_.{{ column }}{% if not loop.last %} and {% endif %}{% endfor %}
)
group by {% for column in columns %}rows_.{{ column }}{% if not loop.last %}, {% endif %}{% endfor %}
having count(*) > 1
{% endtest %}
