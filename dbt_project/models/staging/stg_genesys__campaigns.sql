-- The campaign list as each day's extract saw it.
select
    date as slice_date,
    json ->> 'id' as campaign_id,
    json ->> 'name' as campaign_name,
    json ->> 'status' as campaign_status,
    json ->> 'scorecardId' as scorecard_id,
    cast(json ->> 'createdDate' as timestamp) as created_at,
    cast(json ->> 'modifiedDate' as timestamp) as modified_at
from {{ raw_source('campaigns') }}
