-- Every identity node (contact, conversation, journey session, identifier) with the day it was
-- first seen. A demoted identifier is still a node; it just has no links. An Ephemeral contact (a
-- cookie's record) is none: it names no one.

with seen as (
    select node_a as node, seen_on from {{ ref('int_identity_edges') }}
    union all
    select node_b, seen_on from {{ ref('int_identity_edges') }}
    union all
    select 'conversation:' || conversation_id, slice_date from {{ ref('stg_genesys__conversations') }}
    union all
    select 'session:' || session_id, cast(created_at as date) from {{ ref('stg_genesys__journey_sessions') }}
    union all
    -- a session has many events: its first day is taken before the node id is spelled
    select 'session:' || session_id, min(slice_date)
    from {{ ref('stg_genesys__journey_events') }} where session_type = 'web' group by session_id
    union all
    select 'contact:' || contact_id, first_extracted_date from {{ ref('stg_genesys__external_contacts') }}
    where contact_type is null or contact_type <> 'Ephemeral'
)

select node, min(seen_on) as first_seen_on
from seen
group by node
