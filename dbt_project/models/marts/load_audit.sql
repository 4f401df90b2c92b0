-- One row per slice: landed (with its counts) or skipped (with the reason).
select
    stream,
    slice_date,
    part,
    'landed' as status,
    run_id,
    extracted_at,
    pages,
    received,
    records,
    rejected,
    kept,
    kept_reason,
    requests,
    pending_backfill,
    withdrawn_metrics,
    slice_checksum,
    cast(null as varchar) as reason,
    source
from {{ ref('stg_genesys__slice_manifests') }}
union all
select
    skips.stream,
    skips.slice_date,
    skips.part,
    'skipped',
    cast(null as varchar),
    skips.skipped_at,
    0,
    0,
    0,
    0,
    0,
    cast(null as varchar),
    0,
    false,
    cast(null as varchar),
    cast(null as varchar),
    skips.reason,
    skips.source
from {{ ref('stg_genesys__slice_skips') }} as skips
where not exists (
    select 1 from {{ ref('stg_genesys__slice_manifests') }} as landed
    where landed.stream = skips.stream and landed.slice_date = skips.slice_date and landed.part = skips.part
)
