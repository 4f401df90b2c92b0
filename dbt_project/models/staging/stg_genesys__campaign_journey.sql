-- One row per campaign, day and funnel step. Seed slices hold the steps as the campaign analytics
-- list them; Platform slices hold an action map's web action counts for the day (one record per
-- map version), which become the steps of its funnel in order, relative to the qualified visitors.
-- A step whose metric the org no longer offers (journey outcomes) is simply absent.
with pages as (
    select * from {{ raw_source('campaign_journey', 'part_pages') }}
),

manifests as (
    select slice_date, part, source, pending_backfill
    from {{ ref('stg_genesys__slice_manifests') }}
    where stream = 'campaign_journey'
),

seed_steps as (
    select
        pages.date as journey_date,
        pages.json ->> 'campaignId' as campaign_id,
        pages.json ->> 'scorecardId' as scorecard_id,
        pages.json ->> 'stepId' as step_id,
        pages.json ->> 'stepName' as step_name,
        cast(pages.json ->> 'stepSequence' as integer) as step_sequence,
        cast(pages.json ->> 'contactCount' as integer) as contact_count,
        cast(pages.json ->> 'conversionRate' as double precision) as conversion_rate,
        cast(pages.json ->> 'averageScore' as double precision) as average_score,
        pages.json ->> 'exitReason' as exit_reason,
        cast(null as varchar) as model_version
    from pages
    where pages.json ->> 'stepId' is not null
),

action_map_counts as (
    select
        pages.date as journey_date,
        pages.json ->> 'journeyActionMapId' as campaign_id,
        cast(pages.json ->> 'journeyActionMapVersion' as integer) as model_version,
        metric.value ->> 'metric' as metric,
        cast(metric.value -> 'stats' ->> 'count' as integer) as metric_count
    from pages, {{ json_array_elements("pages.json -> 'metrics'") }} as metric (value)
    where pages.json ->> 'journeyActionMapId' is not null
),

funnel_order (metric, step_sequence, step_name) as (
    values
        ('nWebActionsQualified', 1, 'Qualified'),
        ('nWebActionsOffered', 2, 'Offered'),
        ('nWebActionsStarted', 3, 'Started'),
        ('nWebActionsEngaged', 4, 'Engaged'),
        ('nWebActionsAccepted', 5, 'Accepted'),
        ('nJourneyOutcomesAchieved', 6, 'Outcome achieved')
),

-- A map is versioned on every edit, so a day can hold several versions: the day's counts are their sum,
-- reported under the day's latest version (compared as numbers: 10 follows 9).
action_map_steps as (
    select
        counts.journey_date,
        counts.campaign_id,
        counts.metric as step_id,
        funnel_order.step_name,
        funnel_order.step_sequence,
        cast(sum(counts.metric_count) as integer) as contact_count,
        cast(max(counts.model_version) as varchar) as model_version
    from action_map_counts as counts
    join funnel_order on funnel_order.metric = counts.metric
    group by counts.journey_date, counts.campaign_id, counts.metric, funnel_order.step_name, funnel_order.step_sequence
),

platform_steps as (
    select
        journey_date,
        campaign_id,
        cast(null as varchar) as scorecard_id,
        step_id,
        step_name,
        step_sequence,
        contact_count,
        cast(contact_count as double precision) / nullif(first_value(contact_count) over (
            partition by journey_date, campaign_id order by step_sequence
        ), 0) as conversion_rate,
        cast(null as double precision) as average_score,
        cast(null as varchar) as exit_reason,
        model_version
    from action_map_steps
),

steps as (
    select * from seed_steps
    union all
    select * from platform_steps
)

select
    -- ids
    steps.journey_date,
    steps.campaign_id,
    steps.scorecard_id,
    steps.step_id,
    -- step
    steps.step_name,
    steps.step_sequence,
    -- numbers
    steps.contact_count,
    steps.conversion_rate,
    steps.average_score,
    steps.exit_reason,
    steps.model_version,
    manifests.source,
    coalesce(manifests.pending_backfill, false) as pending_backfill
from steps
left join manifests on manifests.slice_date = steps.journey_date and manifests.part = steps.campaign_id
