{{ config(materialized='view') }}
-- Each funnel step of a campaign (or action map) and day beside the step before it, so that
-- step-to-step conversion sums over any grouping: contacts at the step over contacts at the
-- previous step. The first step is its own previous step (conversion 1). A view, like the other
-- inputs of the metrics layer.

select
    journey_date,
    campaign_id,
    scorecard_id,
    step_id,
    step_name,
    step_sequence,
    model_version,
    source,
    contact_count,
    coalesce(
        lag(contact_count) over (partition by campaign_id, journey_date order by step_sequence),
        contact_count
    ) as previous_step_contact_count
from {{ ref('fact_predictive_journey') }}
