{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_changed_slices('journey_events') }}",
    )
}}
-- One row per journey event: web page views, clicks and forms, and telephony events. An event
-- repeated across result pages counts once (the copy on the later page). Each slice is parsed once:
-- a build reads only the slices that are new or changed since the last one.
select
    pages.date as slice_date,
    pages.slice_checksum,
    {{ build_stamp() }} as parsed_at,
    json ->> 'id' as event_id,
    {{ utc_timestamp("json ->> 'createdDate'") }} as created_at,
    json ->> 'eventType' as event_type,
    coalesce(json ->> 'channel', split_part(json ->> 'eventType', '.', 1)) as channel,
    json ->> 'customerId' as journey_customer_id,
    json ->> 'customerIdType' as journey_customer_id_type,
    json -> 'session' ->> 'id' as session_id,
    json -> 'session' ->> 'type' as session_type,
    json ->> 'correlationId' as correlation_id,
    json -> 'webEvent' ->> 'eventName' as event_name,
    cast(json -> 'webEvent' ->> 'authenticated' as boolean) as authenticated,
    json -> 'webEvent' -> 'page' ->> 'url' as page_url,
    json -> 'webEvent' -> 'page' ->> 'title' as page_title
from {{ slice_records('journey_events') }} as pages
