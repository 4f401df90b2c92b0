{# The few JSON operations whose spelling differs between DuckDB and PostgreSQL. #}

{# A set-returning expression for FROM: one row per element of a JSON array, column `value`. #}
{% macro json_array_elements(expression) -%}
    {{ return(adapter.dispatch('json_array_elements', 'genesys_journey')(expression)) }}
{%- endmacro %}

{% macro duckdb__json_array_elements(expression) -%}
    unnest(json_extract({{ expression }}, '$[*]'))
{%- endmacro %}

{% macro default__json_array_elements(expression) -%}
    jsonb_array_elements(cast({{ expression }} as jsonb))
{%- endmacro %}

{# A relation of (key, value) text pairs from a JSON object held in a varchar column. #}
{% macro json_object_entries(expression) -%}
    {{ return(adapter.dispatch('json_object_entries', 'genesys_journey')(expression)) }}
{%- endmacro %}

{% macro duckdb__json_object_entries(expression) -%}
    (select unnest(json_keys(cast({{ expression }} as json))) as key)
{%- endmacro %}

{% macro default__json_object_entries(expression) -%}
    (select key from jsonb_object_keys(cast({{ expression }} as jsonb)) as key)
{%- endmacro %}

{# The text value at a top-level key of a JSON object held in a varchar column. #}
{% macro json_text_at(expression, key) -%}
    (cast({{ expression }} as {{ 'json' if target.type == 'duckdb' else 'jsonb' }}) ->> {{ key }})
{%- endmacro %}
