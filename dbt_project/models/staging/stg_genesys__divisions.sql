{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_changed_slices('divisions') }}",
    )
}}
-- One row per division as listed that day: each slice parsed once (see slice_pages).
select
    pages.date as slice_date,
    pages.slice_checksum,
    {{ build_stamp() }} as parsed_at,
    json ->> 'id' as division_id,
    json ->> 'name' as division_name,
    cast(json ->> 'homeDivision' as boolean) as is_home_division
from {{ slice_records('divisions') }} as pages
