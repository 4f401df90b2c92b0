-- One row per journey session, as last extracted (a session is re-read on every day its contact
-- is seen).
with ranked as (
    select
        *,
        row_number() over (partition by json ->> 'id' order by date desc) as recency
    from {{ raw_source('journey_sessions') }}
)

select
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
    json -> 'lastPage' ->> 'url' as last_page_url,
    date as last_extracted_date
from ranked
where recency = 1
