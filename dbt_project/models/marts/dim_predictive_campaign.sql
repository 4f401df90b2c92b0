-- One row per Predictive Engagement campaign, with its status as last seen.
select
    campaign_id,
    campaign_name,
    scorecard_id,
    campaign_status,
    created_at,
    modified_at,
    first_seen_date,
    last_seen_date
from {{ ref('int_campaign_latest') }}
