{#
  Files that a healthy run may never write (rejects, skipped campaigns). DuckDB refuses a glob that
  matches nothing, so it looks first and falls back to an empty relation with the same columns; a
  server warehouse reads the loaded table, which exists (empty) from the first sync.
#}
{% macro optional_json_files(table, patterns) -%}
    {{ return(adapter.dispatch('optional_json_files', 'genesys_journey')(table, patterns)) }}
{%- endmacro %}

{% macro duckdb__optional_json_files(table, patterns) -%}
    {%- set data_dir = env_var('GENESYS_ELT_DATA_DIR', 'data') -%}
    {#- read_ndjson_objects fails if any one of its globs matches nothing: keep those that match. -#}
    {%- set globs = [] -%}
    {%- for pattern in patterns -%}
        {%- set glob = "'" ~ data_dir ~ "/raw/genesys/" ~ pattern ~ "'" -%}
        {%- if execute and run_query("select count(*) from glob(" ~ glob ~ ")").columns[0].values()[0] > 0 -%}
            {%- do globs.append(glob) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if globs -%}
        (select json, filename from read_ndjson_objects([{{ globs | join(', ') }}], filename = true))
    {%- else -%}
        (select cast(null as json) as json, cast(null as varchar) as filename where false)
    {%- endif -%}
{%- endmacro %}

{% macro default__optional_json_files(table, patterns) -%}
    (select json, filename from {{ source('genesys_raw', table) }})
{%- endmacro %}

{#
  A raw stream's pages. Before a stream's first slice lands (scorecards run two days behind, a new
  deployment has nothing yet) there are no files; the model then reads an empty relation of the
  same shape instead of failing. Views are re-created on every build, so the files are picked up
  as soon as they exist.
#}
{% macro raw_source(table, pages='date=*/page-*.jsonl') -%}
    {%- set relation = source('genesys_raw', table) -%}
    {{ return(adapter.dispatch('raw_source', 'genesys_journey')(relation, table, pages)) }}
{%- endmacro %}

{% macro duckdb__raw_source(relation, table, pages) -%}
    {%- set pattern = env_var('GENESYS_ELT_DATA_DIR', 'data') ~ '/raw/genesys/' ~ table ~ '/' ~ pages -%}
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
