-- One row per scorecard, day, model version and score bucket ("0.0-0.2" becomes 0.0 to 0.2).
with scorecards as (
    select * from {{ ref('stg_genesys__scorecards') }}
),

buckets as (
    select
        scorecards.metric_date,
        scorecards.scorecard_id,
        scorecards.model_version,
        scorecards.pending_backfill,
        entries.key as bucket,
        cast({{ json_text_at('scorecards.score_distribution', 'entries.key') }} as integer) as contact_count
    from scorecards, lateral {{ json_object_entries('scorecards.score_distribution') }} as entries
)

select
    metric_date,
    scorecard_id,
    model_version,
    bucket,
    cast(split_part(bucket, '-', 1) as double precision) as bucket_lower,
    cast(split_part(bucket, '-', 2) as double precision) as bucket_upper,
    contact_count,
    pending_backfill
from buckets
