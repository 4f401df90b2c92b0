-- One row per conversation, by the UTC day it started; participants stay JSON for the
-- intermediate layer to flatten.
select
    date as slice_date,
    json ->> 'conversationId' as conversation_id,
    cast(json ->> 'conversationStart' as timestamp) as conversation_start,
    cast(json ->> 'conversationEnd' as timestamp) as conversation_end,
    json ->> 'originatingDirection' as originating_direction,
    cast(json -> 'divisionIds' as varchar) as division_ids,
    json -> 'participants' as participants
from {{ raw_source('conversations') }}
