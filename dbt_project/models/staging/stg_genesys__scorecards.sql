-- One row per scorecard, model version and day. Outcomes keep arriving for
-- var('scorecard_settle_hours') after the day: a slice taken sooner is pending_backfill (its
-- manifest says so, and its extraction time shows it) and is replaced when re-extracted.
with scorecards as (
    select * from {{ raw_source('scorecards') }}
),

manifests as (
    select slice_date, pending_backfill, extracted_at
    from {{ ref('stg_genesys__slice_manifests') }}
    where stream = 'scorecards'
)

select
    -- ids
    scorecards.date as metric_date,
    scorecards.json ->> 'scorecardId' as scorecard_id,
    scorecards.json ->> 'scorecardName' as scorecard_name,
    scorecards.json ->> 'modelVersion' as model_version,
    -- timestamps
    {{ utc_timestamp("scorecards.json ->> 'retrainedAt'") }} as retraining_timestamp,
    -- metrics
    cast(scorecards.json -> 'performanceMetrics' ->> 'precision' as double precision) as precision,
    cast(scorecards.json -> 'performanceMetrics' ->> 'recall' as double precision) as recall,
    cast(scorecards.json -> 'performanceMetrics' ->> 'f1Score' as double precision) as f1_score,
    cast(scorecards.json -> 'performanceMetrics' ->> 'auc' as double precision) as auc,
    cast(scorecards.json -> 'performanceMetrics' ->> 'actualConversionRate' as double precision)
        as actual_conversion_rate,
    cast(scorecards.json -> 'performanceMetrics' ->> 'predictedConversionRate' as double precision)
        as predicted_conversion_rate,
    cast(scorecards.json -> 'scoreDistribution' as varchar) as score_distribution,
    coalesce(
        manifests.pending_backfill
        or manifests.extracted_at < {{ add_seconds("cast(scorecards.date as timestamp) + interval '1 day'",
                                                   var('scorecard_settle_hours') * 3600) }},
        false
    ) as pending_backfill
from scorecards
left join manifests on manifests.slice_date = scorecards.date
