{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_changed_slices('journey_sessions') }}",
    )
}}
-- One row per journey session and slice: the sessions' JSON parsed once per slice (see
-- slice_pages). stg_genesys__journey_sessions keeps each session as last extracted.
select
    pages.date as slice_date,
    pages.slice_checksum,
    {{ build_stamp() }} as parsed_at,
    json ->> 'id' as session_id,
    json ->> 'type' as session_type,
    json ->> 'customerId' as journey_customer_id,
    json ->> 'customerIdType' as journey_customer_id_type,
    cast(json ->> 'authenticated' as boolean) as authenticated,
    json -> 'externalContact' ->> 'id' as external_contact_id,
    {{ utc_timestamp("json ->> 'createdDate'") }} as created_at,
    {{ utc_timestamp("json ->> 'endedDate'") }} as ended_at,
    cast(json ->> 'durationInSeconds' as integer) as duration_seconds,
    cast(json ->> 'pageviewCount' as integer) as pageview_count,
    cast(json ->> 'eventCount' as integer) as event_count,
    json -> 'lastPage' ->> 'url' as last_page_url
from {{ slice_records('journey_sessions') }} as pages
