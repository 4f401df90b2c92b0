{#
  Each raw slice is parsed once. A staging model materialized by slice keeps, on every row, the
  checksum of the slice it was parsed from; an incremental build reads only the slices whose
  manifest checksum differs from that one (new or re-landed), and deletes first the rows of those
  slices and of slices no longer landed. A full refresh, or the first build, reads every slice.

    {{ config(materialized='incremental', incremental_strategy='append',
              pre_hook="{{ delete_changed_slices('journey_events') }}") }}
    ... from {{ slice_pages('journey_events') }} as pages
#}

{# The slice days of `stream` to (re)parse in this build: none means all of them. #}
{% macro changed_slice_days(stream) -%}
    {%- if not (execute and is_incremental()) -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set query -%}
        select cast(coalesce(landed.slice_date, built.slice_date) as varchar) as slice_date
        from {{ slice_checksums(stream) }} as landed
        full outer join (select distinct slice_date, slice_checksum from {{ this }}) as built
            on built.slice_date = landed.slice_date
        where landed.slice_checksum is distinct from built.slice_checksum
        order by 1
    {%- endset -%}
    {{ return(run_query(query).columns[0].values() | list) }}
{%- endmacro %}

{# The pre-hook: rows of changed and removed slices go before the changed slices are read again. #}
{% macro delete_changed_slices(stream) -%}
    {%- set days = changed_slice_days(stream) -%}
    {%- if days -%}
        delete from {{ this }} where slice_date in ({% for day in days %}'{{ day }}'{{ ', ' if not loop.last }}{% endfor %})
    {%- endif -%}
{%- endmacro %}

{# Each row's slice checksum: the value changed_slice_days compares with the landed manifests. #}
{% macro slice_checksums(stream) -%}
    (select slice_date, md5(string_agg(part || ':' || slice_checksum, ',' order by part)) as slice_checksum
     from {{ ref('stg_genesys__slice_manifests') }}
     where stream = '{{ stream }}'
     group by slice_date)
{%- endmacro %}

{# The raw pages (json, filename, date) of the slices this build parses, for a stream without parts. #}
{% macro slice_pages(stream) -%}
    {%- set days = changed_slice_days(stream) -%}
    {%- if days is none -%}
        {{ return(raw_source(stream)) }}
    {%- endif -%}
    {{ return(adapter.dispatch('slice_pages', 'genesys_journey')(stream, days)) }}
{%- endmacro %}

{% macro duckdb__slice_pages(stream, days) -%}
    {#- The changed days' page files, listed first: a slice's directory may be gone (re-landed empty, removed). -#}
    {%- set files = [] -%}
    {%- if days -%}
        {%- set globs = [] -%}
        {%- for day in days -%}
            {%- do globs.append("'" ~ landing_root() ~ "/" ~ stream ~ "/" ~ landing('day_pages') | replace('{day}', day) ~ "'") -%}
        {%- endfor -%}
        {%- set files = run_query("select file from glob([" ~ globs | join(', ') ~ "]) order by file").columns[0].values() -%}
    {%- endif -%}
    {%- if files -%}
        (select json, filename, date
         from read_ndjson_objects([{% for file in files %}'{{ file }}'{{ ', ' if not loop.last }}{% endfor %}],
                                  hive_partitioning = true, filename = true))
    {%- else -%}
        (select cast(null as json) as json, cast(null as varchar) as filename, cast(null as date) as date where false)
    {%- endif -%}
{%- endmacro %}

{% macro default__slice_pages(stream, days) -%}
    (select * from {{ source('genesys_raw', stream) }}
     where {% if days %}date in ({% for day in days %}'{{ day }}'{{ ', ' if not loop.last }}{% endfor %}){% else %}false{% endif %})
{%- endmacro %}

{#
  The records of the slices this build parses (json, filename, date, slice_checksum), one copy of
  each: a record repeated across result pages (overlapping cursor windows) counts once, the copy
  on the later page.
#}
{% macro slice_records(stream, id_key='id') -%}
    (select pages.*, slices.slice_checksum
     from (
         select raw_pages.*,
                row_number() over (partition by date, json ->> '{{ id_key }}'
                                   order by filename desc, cast(json as varchar)) as copy_number
         from {{ slice_pages(stream) }} as raw_pages
     ) as pages
     join {{ slice_checksums(stream) }} as slices on slices.slice_date = pages.date
     where pages.copy_number = 1)
{%- endmacro %}
