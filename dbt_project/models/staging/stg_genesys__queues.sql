{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_changed_slices('queues') }}",
    )
}}
-- One row per routing queue as listed that day: each slice parsed once (see slice_pages).
select
    pages.date as slice_date,
    pages.slice_checksum,
    {{ build_stamp() }} as parsed_at,
    json ->> 'id' as queue_id,
    json ->> 'name' as queue_name,
    json -> 'division' ->> 'id' as division_id,
    {{ utc_timestamp("json ->> 'dateModified'") }} as modified_at
from {{ slice_records('queues') }} as pages
