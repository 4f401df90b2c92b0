-- Records the extract task refused, with the reason, kept for inspection and replay.
select
    json ->> 'stream' as stream,
    cast(json ->> 'date' as date) as slice_date,
    coalesce(json ->> 'part', '') as part,
    -- files written before records carried their line: numbered in a stable order
    coalesce(
        cast(json ->> 'line' as integer),
        cast(row_number() over (partition by filename order by cast(json as varchar)) as integer)
    ) as line,
    json ->> 'reason' as reason,
    cast(json -> 'record' as varchar) as record,
    md5(cast(json -> 'record' as varchar)) as record_hash
from {{ optional_json_files('slice_rejects', 'rejects') }} as rejects
