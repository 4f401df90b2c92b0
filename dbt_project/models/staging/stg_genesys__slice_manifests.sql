-- One row per landed slice: what the extract task wrote and when.
select
    json ->> 'stream' as stream,
    cast(json ->> 'date' as date) as slice_date,
    coalesce(json ->> 'part', '') as part,
    json ->> 'run_id' as run_id,
    {{ utc_timestamp("json ->> 'extracted_at'") }} as extracted_at,
    cast(json ->> 'pages' as integer) as pages,
    cast(json ->> 'received' as integer) as received,
    cast(json ->> 'records' as integer) as records,
    cast(json ->> 'rejected' as integer) as rejected,
    coalesce(cast(json ->> 'kept' as integer), 0) as kept,
    json ->> 'kept_reason' as kept_reason,
    cast(json ->> 'requests' as integer) as requests,
    coalesce(cast(json ->> 'pending_backfill' as boolean), false) as pending_backfill,
    json ->> 'withdrawn_metrics' as withdrawn_metrics,
    json ->> 'source' as source,
    -- The page checksums identify the slice's content: equal content, equal checksum.
    md5(cast(json -> 'files' as varchar)) as slice_checksum
from {{ source('genesys_raw', 'slice_manifests') }}
