{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_changed_slices('conversations') }}",
    )
}}
-- One row per conversation and slice that carries it: a details job returns a conversation on
-- every day it had activity, so a thread open for days lands in several slices
-- (int_conversation_latest picks the copy the warehouse builds from). Participants stay JSON for the
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
    json -> 'participants' as participants,
    -- equal copies of a conversation in two slices have equal hashes
    md5(cast(json as varchar)) as record_hash
from {{ slice_records('conversations', id_key='conversationId') }} as pages
