{#
  Files that a healthy run may never write (rejects, skipped campaigns): DuckDB refuses a glob that
  matches nothing, so look first and fall back to an empty relation with the same columns.
#}
{% macro optional_json_files(patterns) -%}
    {%- set data_dir = env_var('GENESYS_ELT_DATA_DIR', 'data') -%}
    {%- set globs = [] -%}
    {%- for pattern in patterns -%}{%- do globs.append("'" ~ data_dir ~ "/raw/genesys/" ~ pattern ~ "'") -%}{%- endfor -%}
    {%- set found = 0 -%}
    {%- if execute -%}
        {%- set result = run_query("select count(*) from glob([" ~ globs | join(', ') ~ "])") -%}
        {%- set found = result.columns[0].values()[0] -%}
    {%- endif -%}
    {%- if found > 0 -%}
        (select json, filename from read_ndjson_objects([{{ globs | join(', ') }}], filename = true))
    {%- else -%}
        (select cast(null as json) as json, cast(null as varchar) as filename where false)
    {%- endif -%}
{%- endmacro %}
