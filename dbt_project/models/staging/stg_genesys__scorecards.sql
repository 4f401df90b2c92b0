-- One row per scorecard, model version and day. A slice taken before outcomes settled (48 h) is
-- flagged pending_backfill by its manifest and replaced when re-extracted.
with scorecards as (
    select * from {{ raw_source('scorecards') }}
),

manifests as (
    select slice_date, pending_backfill
    from {{ ref('stg_genesys__slice_manifests') }}
    where stream = 'scorecards'
)

select
    scorecards.date as metric_date,
    scorecards.json ->> 'scorecardId' as scorecard_id,
    scorecards.json ->> 'scorecardName' as scorecard_name,
    scorecards.json ->> 'modelVersion' as model_version,
    {{ utc_timestamp("scorecards.json ->> 'retrainedAt'") }} as retrained_at,
    cast(scorecards.json -> 'performanceMetrics' ->> 'precision' as double precision) as precision_score,
    cast(scorecards.json -> 'performanceMetrics' ->> 'recall' as double precision) as recall_score,
    cast(scorecards.json -> 'performanceMetrics' ->> 'f1Score' as double precision) as f1_score,
    cast(scorecards.json -> 'performanceMetrics' ->> 'auc' as double precision) as auc,
    cast(scorecards.json -> 'performanceMetrics' ->> 'actualConversionRate' as double precision) as actual_conversion_rate,
    cast(scorecards.json -> 'performanceMetrics' ->> 'predictedConversionRate' as double precision) as predicted_conversion_rate,
    cast(scorecards.json -> 'scoreDistribution' as varchar) as score_distribution,
    coalesce(manifests.pending_backfill, false) as pending_backfill
from scorecards
left join manifests on manifests.slice_date = scorecards.date
