{#
  An ISO 8601 text timestamp as a UTC timestamp without zone. A plain cast to timestamp drops the
  offset on both DuckDB and PostgreSQL ('10:00+02:00' would read as 10:00); going through
  timestamptz applies it.
#}
{% macro utc_timestamp(text) -%}
    (cast({{ text }} as timestamptz) at time zone 'UTC')
{%- endmacro %}
