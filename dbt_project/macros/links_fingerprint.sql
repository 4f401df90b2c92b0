{#
  An aggregate that summarizes a node's neighbours in one value, the same whatever their order:
  the identity registry compares it with the last build's to find the customers whose links
  changed. DuckDB xors the neighbours' hashes; elsewhere the sorted neighbour list is hashed.
#}
{% macro links_fingerprint(neighbour) -%}
    {{ return(adapter.dispatch('links_fingerprint', 'genesys_journey')(neighbour)) }}
{%- endmacro %}

{% macro duckdb__links_fingerprint(neighbour) -%}
    count({{ neighbour }}) || '/' || coalesce(cast(bit_xor(hash({{ neighbour }})) as varchar), '')
{%- endmacro %}

{% macro default__links_fingerprint(neighbour) -%}
    count({{ neighbour }}) || '/' || coalesce(md5(string_agg({{ neighbour }}, ',' order by {{ neighbour }})), '')
{%- endmacro %}

{#
  What links_fingerprint gives a node without links (the aggregate over its left join's single null
  neighbour), so that a node fingerprinted without that join gets the same value.
#}
{% macro no_links_fingerprint() -%}
    {{ return(adapter.dispatch('no_links_fingerprint', 'genesys_journey')()) }}
{%- endmacro %}

{% macro duckdb__no_links_fingerprint() -%}
    '0/' || cast(hash(cast(null as varchar)) as varchar)
{%- endmacro %}

{% macro default__no_links_fingerprint() -%}
    '0/'
{%- endmacro %}
