-- One row per scorecard, day and model version: how well the model predicted conversions.
select
    metric_date,
    scorecard_id,
    scorecard_name,
    model_version,
    retrained_at as retraining_timestamp,
    precision_score as precision,
    recall_score as recall,
    f1_score,
    auc,
    actual_conversion_rate,
    predicted_conversion_rate,
    pending_backfill
from {{ ref('stg_genesys__scorecards') }}
