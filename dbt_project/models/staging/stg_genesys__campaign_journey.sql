-- One row per campaign, day and funnel step.
select
    -- ids
    date as journey_date,
    json ->> 'campaignId' as campaign_id,
    json ->> 'scorecardId' as scorecard_id,
    json ->> 'stepId' as step_id,
    -- step
    json ->> 'stepName' as step_name,
    cast(json ->> 'stepSequence' as integer) as step_sequence,
    -- numbers
    cast(json ->> 'contactCount' as integer) as contact_count,
    cast(json ->> 'conversionRate' as double precision) as conversion_rate,
    cast(json ->> 'averageScore' as double precision) as average_score,
    json ->> 'exitReason' as exit_reason
from {{ raw_source('campaign_journey', 'part_pages') }}
