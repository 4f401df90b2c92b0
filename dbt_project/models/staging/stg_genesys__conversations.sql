-- One row per conversation, by the UTC day it started; participants stay JSON for the
-- intermediate layer to flatten. A record repeated across result pages (overlapping cursor windows)
-- counts once: the copy on the later page.
with pages as (
    select
        *,
        row_number() over (
            partition by date, json ->> 'conversationId' order by filename desc, cast(json as varchar)
        ) as copy_number
    from {{ raw_source('conversations') }}
)

select
    date as slice_date,
    json ->> 'conversationId' as conversation_id,
    {{ utc_timestamp("json ->> 'conversationStart'") }} as started_at,
    {{ utc_timestamp("json ->> 'conversationEnd'") }} as ended_at,
    json ->> 'originatingDirection' as direction,
    cast(json -> 'divisionIds' as varchar) as division_ids,
    json -> 'participants' as participants
from pages
where copy_number = 1
