-- The campaign list as each day's extract saw it: the seed contract's campaigns, or a real org's
-- action maps (an action map is active, or inactive for a while, or ended for good).
with listings as (
    select * from {{ raw_source('campaigns') }}
),

manifests as (
    select slice_date, source
    from {{ ref('stg_genesys__slice_manifests') }}
    where stream = 'campaigns'
)

select
    -- ids
    listings.date as slice_date,
    listings.json ->> 'id' as campaign_id,
    listings.json ->> 'scorecardId' as scorecard_id,
    -- the campaign
    coalesce(listings.json ->> 'name', listings.json ->> 'displayName') as campaign_name,
    case
        when listings.json ->> 'status' is not null then listings.json ->> 'status'
        when cast(listings.json ->> 'isActive' as boolean) then 'active'
        when listings.json ->> 'endDate' is not null then 'archived'
        else 'paused'
    end as campaign_status,
    cast(listings.json ->> 'version' as integer) as campaign_version,
    -- timestamps
    {{ utc_timestamp("listings.json ->> 'createdDate'") }} as created_at,
    {{ utc_timestamp("listings.json ->> 'modifiedDate'") }} as modified_at,
    manifests.source
from listings
left join manifests on manifests.slice_date = listings.date
