-- One row per journey session, as last extracted (a session can land in the slice of every day it
-- was seen).
with ranked as (
    select
        *,
        row_number() over (partition by session_id order by slice_date desc) as recency
    from {{ ref('base_genesys__journey_sessions') }}
)

select
    session_id,
    session_type,
    journey_customer_id,
    journey_customer_id_type,
    authenticated,
    external_contact_id,
    created_at,
    ended_at,
    duration_seconds,
    pageview_count,
    event_count,
    last_page_url,
    slice_date as last_extracted_date
from ranked
where recency = 1
