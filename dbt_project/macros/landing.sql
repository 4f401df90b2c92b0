{#
  The landing area as the models read it. Its layout is not spelled here: it comes from the
  `genesys_landing` var, which genesys_elt.landing.layout supplies to every dbt invocation (the CLI
  and the Cosmos DAG alike); the data directory comes from GENESYS_ELT_DATA_DIR.
#}
{% macro landing(key) -%}
    {{ return(var('genesys_landing')[key]) }}
{%- endmacro %}

{% macro landing_root() -%}
    {{ return(env_var('GENESYS_ELT_DATA_DIR', 'data') ~ '/' ~ landing('root')) }}
{%- endmacro %}

{#
  Files that a healthy run may never write (rejects, skipped campaigns), read through their source:
  `kind` is the layout var's key of its glob. DuckDB refuses a glob that matches nothing, so it
  looks first and falls back to an empty relation with the same columns; and its glob also
  matches a slice being written or replaced (under a hidden directory), which is left out. A server
  warehouse reads the loaded table, which holds published slices only and exists (empty) from the
  first sync.
#}
{% macro optional_json_files(table, kind) -%}
    {%- set relation = source('genesys_raw', table) -%}
    {{ return(adapter.dispatch('optional_json_files', 'genesys_journey')(relation, kind)) }}
{%- endmacro %}

{% macro duckdb__optional_json_files(relation, kind) -%}
    {%- set found = 1 -%}
    {%- if execute -%}
        {%- set found = run_query("select count(*) from glob('" ~ landing_root() ~ "/" ~ landing(kind) ~ "')").columns[0].values()[0] -%}
    {%- endif -%}
    {%- if found > 0 -%}
        (select json, filename from {{ relation }} where filename not like '{{ landing_root() }}/%/.%')
    {%- else -%}
        (select cast(null as json) as json, cast(null as varchar) as filename where false)
    {%- endif -%}
{%- endmacro %}

{% macro default__optional_json_files(relation, kind) -%}
    (select json, filename from {{ relation }})
{%- endmacro %}

{#
  A raw stream's pages (`pages` or, for a stream split into parts, `part_pages`). Before a stream's
  first slice lands (scorecards run two days behind, a new deployment has nothing yet) there are
  no files; the model then reads an empty relation of the same shape instead of failing. Views are
  re-created on every build, so the files are picked up as soon as they exist.
#}
{% macro raw_source(table, pages='pages') -%}
    {%- set relation = source('genesys_raw', table) -%}
    {{ return(adapter.dispatch('raw_source', 'genesys_journey')(relation, table, pages)) }}
{%- endmacro %}

{% macro duckdb__raw_source(relation, table, pages) -%}
    {%- set pattern = landing_root() ~ '/' ~ table ~ '/' ~ landing(pages) -%}
    {%- set found = 1 -%}
    {%- if execute -%}
        {%- set found = run_query("select count(*) from glob('" ~ pattern ~ "')").columns[0].values()[0] -%}
    {%- endif -%}
    {%- if found > 0 -%}
        {{ relation }}
    {%- else -%}
        (select cast(null as json) as json, cast(null as varchar) as filename, cast(null as date) as date,
                cast(null as varchar) as part
         where false)
    {%- endif -%}
{%- endmacro %}

{% macro default__raw_source(relation, table, pages) -%}
    {{ relation }}
{%- endmacro %}
