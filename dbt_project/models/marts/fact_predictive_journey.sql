{{
    config(
        materialized='incremental',
        unique_key='journey_date',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
    )
}}
-- One row per campaign, day and funnel step, with the campaign's scorecard metrics for that day
-- joined at build time. Scorecard outcomes settle var('scorecard_settle_hours') after the day: until
-- then the row is pending_backfill and is rebuilt when the settled scorecard slice lands. Incremental by day: a day
-- is rebuilt only when its funnel slices or its scorecard slice changed.

with day_checksums as (
    select
        slice_date as journey_date,
        md5(string_agg(stream || ':' || slice_checksum, ',' order by stream)) as source_checksum
    from {{ ref('int_slice_checksums') }}
    where stream in ('campaign_journey', 'scorecards')
    group by slice_date
),

days as (
    select * from day_checksums
    {{ changed_days_only('day_checksums', 'journey_date', 'source_checksum') }}
),

steps as (
    select steps.*, days.source_checksum
    from {{ ref('stg_genesys__campaign_journey') }} as steps
    join days on days.journey_date = steps.journey_date
),

scorecards as (
    select * from {{ ref('stg_genesys__scorecards') }}
)

select
    steps.journey_date,
    steps.campaign_id,
    steps.scorecard_id,
    steps.step_id,
    steps.step_name,
    steps.step_sequence,
    steps.contact_count,
    steps.conversion_rate,
    steps.average_score,
    steps.exit_reason,
    scorecards.precision,
    scorecards.recall,
    scorecards.f1_score,
    scorecards.actual_conversion_rate,
    -- An action map's own version on the Platform source; the scorecard's model on the seed contract.
    cast(coalesce(steps.model_version, scorecards.model_version) as text) as model_version,
    scorecards.retraining_timestamp,
    -- The Platform source has no scorecard outcomes to wait for, but its funnel figures fill in
    -- after the day ends: pending until a slice taken after they settled lands.
    case
        when steps.source = 'platform' then steps.pending_backfill
        else {{ scorecard_pending('scorecards.metric_date', 'scorecards.pending_backfill') }}
    end as pending_backfill,
    steps.source,
    steps.source_checksum
from steps
left join scorecards
    on scorecards.scorecard_id = steps.scorecard_id
    and scorecards.metric_date = steps.journey_date
