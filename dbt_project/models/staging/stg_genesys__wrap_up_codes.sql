{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_changed_slices('wrap_up_codes') }}",
    )
}}
-- One row per wrap-up code as listed that day: each slice parsed once (see slice_pages).
select
    pages.date as slice_date,
    pages.slice_checksum,
    {{ build_stamp() }} as parsed_at,
    json ->> 'id' as wrap_up_code_id,
    json ->> 'name' as wrap_up_code_name
from {{ slice_records('wrap_up_codes') }} as pages
