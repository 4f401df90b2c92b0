-- Slices the extract task could not take and recorded as skipped (an archived campaign).
select
    json ->> 'stream' as stream,
    cast(json ->> 'date' as date) as slice_date,
    coalesce(json ->> 'part', '') as part,
    json ->> 'reason' as reason,
    {{ utc_timestamp("json ->> 'skipped_at'") }} as skipped_at,
    json ->> 'source' as source
from {{ optional_json_files('slice_skips', 'skips') }} as skips
