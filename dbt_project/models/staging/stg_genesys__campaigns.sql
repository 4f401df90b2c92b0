-- The campaign list as each day's extract saw it.
select
    date as slice_date,
    json ->> 'id' as campaign_id,
    json ->> 'name' as campaign_name,
    json ->> 'status' as campaign_status,
    json ->> 'scorecardId' as scorecard_id,
    {{ utc_timestamp("json ->> 'createdDate'") }} as created_at,
    {{ utc_timestamp("json ->> 'modifiedDate'") }} as modified_at
from {{ raw_source('campaigns') }}
