{{ config(materialized='view') }}
-- Each campaign's most recent listing: the state the campaign_history snapshot records.
with ranked as (
    select *, row_number() over (partition by campaign_id order by slice_date desc) as recency
    from {{ ref('stg_genesys__campaigns') }}
)

select campaign_id, campaign_name, campaign_status, scorecard_id, modified_at, slice_date as observed_date
from ranked
where recency = 1
