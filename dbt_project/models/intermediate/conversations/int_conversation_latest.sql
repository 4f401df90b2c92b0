{{ config(materialized='table') }}
-- One row per conversation: the copy the warehouse builds it from. A details job returns a
-- conversation on every UTC day it had activity, and the trailing re-pulls land it again, so
-- several slices can carry it. The platform answers every request with the conversation's current
-- state, so the copy extracted last is the latest and wins. Among the slices holding that same
-- content the latest day is its home: re-running an older day, which returns the same content,
-- leaves it where it is, and a re-run of any range gives the same tables.
-- Reads only ids, days and hashes (no payloads): the per-day models below rebuild a day exactly
-- when its home conversations or its slice change (slice_checksum here).

with copies as (
    select
        conversations.conversation_id,
        conversations.slice_date,
        conversations.slice_checksum,
        conversations.record_hash,
        manifests.extracted_at
    from {{ ref('stg_genesys__conversations') }} as conversations
    join {{ ref('stg_genesys__slice_manifests') }} as manifests
        on manifests.stream = 'conversations' and manifests.slice_date = conversations.slice_date
),

latest as (
    select
        conversation_id,
        record_hash,
        row_number() over (partition by conversation_id order by extracted_at desc, slice_date desc) as recency,
        count(*) over (partition by conversation_id) as slices_carrying
    from copies
),

homes as (
    select
        copies.conversation_id,
        max(copies.slice_date) as slice_date,
        min(latest.slices_carrying) as slices_carrying
    from copies
    join latest
        on
            latest.conversation_id = copies.conversation_id
            and latest.recency = 1
            and latest.record_hash = copies.record_hash
    group by copies.conversation_id
),

home_copies as (
    select copies.conversation_id, copies.slice_date, copies.slice_checksum, homes.slices_carrying
    from copies
    join homes on homes.conversation_id = copies.conversation_id and homes.slice_date = copies.slice_date
),

home_days as (
    select
        slice_date,
        md5(min(slice_checksum) || ':' || string_agg(conversation_id, ',' order by conversation_id)) as slice_checksum
    from home_copies
    group by slice_date
)

select
    home_copies.conversation_id,
    home_copies.slice_date,
    home_days.slice_checksum,
    home_copies.slices_carrying
from home_copies
join home_days on home_days.slice_date = home_copies.slice_date
