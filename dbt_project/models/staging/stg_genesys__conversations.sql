{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_changed_slices('conversations') }}",
    )
}}
-- One row per conversation, by the UTC day it started; participants stay JSON for the
-- intermediate layer to flatten. A record repeated across result pages (overlapping cursor windows)
-- counts once: the copy on the later page. Each slice is parsed once (see slice_pages).
with pages as (
    select
        *,
        row_number() over (
            partition by date, json ->> 'conversationId' order by filename desc, cast(json as varchar)
        ) as copy_number
    from {{ slice_pages('conversations') }} as raw_pages
)

select
    pages.date as slice_date,
    slices.slice_checksum,
    {{ build_stamp() }} as parsed_at,
    json ->> 'conversationId' as conversation_id,
    {{ utc_timestamp("json ->> 'conversationStart'") }} as started_at,
    {{ utc_timestamp("json ->> 'conversationEnd'") }} as ended_at,
    json ->> 'originatingDirection' as direction,
    cast(json -> 'divisionIds' as varchar) as division_ids,
    json -> 'participants' as participants
from pages
join {{ slice_checksums('conversations') }} as slices on slices.slice_date = pages.date
where copy_number = 1
