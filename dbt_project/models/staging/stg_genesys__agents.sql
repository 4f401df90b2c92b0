{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_changed_slices('agents') }}",
    )
}}
-- One row per user (agent) as listed that day, those who left included: each slice parsed once (see slice_pages).
select
    pages.date as slice_date,
    pages.slice_checksum,
    {{ build_stamp() }} as parsed_at,
    json ->> 'id' as agent_id,
    json ->> 'name' as agent_name,
    json ->> 'state' as agent_state,
    json -> 'division' ->> 'id' as division_id,
    json ->> 'title' as title,
    json ->> 'department' as department,
    json ->> 'email' as email_token
from {{ slice_records('agents') }} as pages
