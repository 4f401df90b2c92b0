-- One row per conversation, by the UTC day it started; participants stay JSON for the
-- intermediate layer to flatten.
select
    date as slice_date,
    json ->> 'conversationId' as conversation_id,
    {{ utc_timestamp("json ->> 'conversationStart'") }} as conversation_start,
    {{ utc_timestamp("json ->> 'conversationEnd'") }} as conversation_end,
    json ->> 'originatingDirection' as originating_direction,
    cast(json -> 'divisionIds' as varchar) as division_ids,
    json -> 'participants' as participants
from {{ raw_source('conversations') }}
