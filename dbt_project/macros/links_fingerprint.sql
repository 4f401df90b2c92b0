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

{#
  Whether a node's links are its earlier links plus the gained ones, none lost: `fingerprint` is
  `previous` combined with `gained` (all three links_fingerprint values). DuckDB's fingerprint
  combines by adding counts and xoring hashes; elsewhere the sorted list cannot be combined, and
  the answer is false (every changed customer is resolved node by node).
#}
{% macro only_gained_links(previous, fingerprint, gained) -%}
    {{ return(adapter.dispatch('only_gained_links', 'genesys_journey')(previous, fingerprint, gained)) }}
{%- endmacro %}

{% macro duckdb__only_gained_links(previous, fingerprint, gained) -%}
    (try_cast(split_part({{ previous }}, '/', 1) as bigint) + try_cast(split_part({{ gained }}, '/', 1) as bigint)
        = try_cast(split_part({{ fingerprint }}, '/', 1) as bigint)
     and xor(
             -- a node without links xors the hash of one null neighbour (no_links_fingerprint)
             case when split_part({{ previous }}, '/', 1) = '0' then cast(0 as ubigint)
                  else try_cast(split_part({{ previous }}, '/', 2) as ubigint) end,
             try_cast(split_part({{ gained }}, '/', 2) as ubigint))
        = try_cast(split_part({{ fingerprint }}, '/', 2) as ubigint))
{%- endmacro %}

{% macro default__only_gained_links(previous, fingerprint, gained) -%}
    false
{%- endmacro %}
