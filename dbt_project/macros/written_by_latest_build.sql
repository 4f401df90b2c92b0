{#
  A predicate on `relation`'s rows: written by its latest build, as the build stamp each row carries
  (`written_at`) says. The tests that check only what the latest build wrote select with it: a row
  an earlier build wrote was checked by that build, and a full refresh writes, and so checks, every
  row. Run on its own (`dbt test`), a test then checks the rows of the model's last build.
#}
{% macro written_by_latest_build(relation, written_at='built_at') -%}
    {{ written_at }} = (select max(latest.{{ written_at }}) from {{ relation }} as latest)
{%- endmacro %}
