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
-- counts once (see slice_records). Each slice is parsed once (see slice_pages).
select
    pages.date as slice_date,
    pages.slice_checksum,
    {{ build_stamp() }} as parsed_at,
    json ->> 'conversationId' as conversation_id,
    {{ utc_timestamp("json ->> 'conversationStart'") }} as started_at,
    {{ utc_timestamp("json ->> 'conversationEnd'") }} as ended_at,
    json ->> 'originatingDirection' as direction,
    cast(json -> 'divisionIds' as varchar) as division_ids,
    json -> 'participants' as participants
from {{ slice_records('conversations', id_key='conversationId') }} as pages
