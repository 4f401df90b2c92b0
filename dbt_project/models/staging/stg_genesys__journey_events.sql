-- One row per journey event: web page views, clicks and forms, and telephony events. An event
-- repeated across result pages counts once (the copy on the later page).
with pages as (
    select
        *,
        row_number() over (partition by date, json ->> 'id' order by filename desc, cast(json as varchar)) as copy_number
    from {{ raw_source('journey_events') }}
)

select
    date as slice_date,
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
from pages
where copy_number = 1
