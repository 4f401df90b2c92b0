-- One row per Predictive Engagement campaign, with its status as last seen (the contract in the
-- model's yml fixes the columns and their order).
select * from {{ ref('int_campaign_latest') }}
