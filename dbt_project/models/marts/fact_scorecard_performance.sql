-- One row per scorecard, day and model version: how well the model predicted conversions.
select
    metric_date,
    scorecard_id,
    scorecard_name,
    model_version,
    retraining_timestamp,
    precision,
    recall,
    f1_score,
    auc,
    actual_conversion_rate,
    predicted_conversion_rate,
    pending_backfill
from {{ ref('stg_genesys__scorecards') }}
