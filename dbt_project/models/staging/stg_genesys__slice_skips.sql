-- Slices the extract task could not take and recorded as skipped (an archived campaign).
select
    json ->> 'stream' as stream,
    cast(json ->> 'date' as date) as slice_date,
    coalesce(json ->> 'part', '') as part,
    json ->> 'reason' as reason,
    cast(json ->> 'skipped_at' as timestamp) as skipped_at
from {{ optional_json_files(['_skips/*/date=*/*.json']) }}
