{{ config(materialized='view') }}
-- Each campaign's most recent listing, with the days it was first and last seen: the state the
-- campaign_history snapshot records and dim_predictive_campaign publishes.
with ranked as (
    select
        *,
        row_number() over (partition by campaign_id order by slice_date desc) as recency,
        min(slice_date) over (partition by campaign_id) as first_seen_date
    from {{ ref('stg_genesys__campaigns') }}
)

select
    campaign_id,
    campaign_name,
    scorecard_id,
    campaign_status,
    created_at,
    modified_at,
    first_seen_date,
    slice_date as last_seen_date,
    source
from ranked
where recency = 1
