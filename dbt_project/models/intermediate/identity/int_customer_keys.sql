-- Every identity node (contact, conversation, journey session, identifier) with the customer it
-- resolves to: one customer per connected component of the identity graph.

with nodes as (
    select node_a as node from {{ ref('int_identity_edges') }}
    union
    select node_b from {{ ref('int_identity_edges') }}
    union
    select 'conversation:' || conversation_id from {{ ref('stg_genesys__conversations') }}
    union
    select 'session:' || session_id from {{ ref('stg_genesys__journey_sessions') }}
    union
    select 'session:' || session_id from {{ ref('stg_genesys__journey_events') }} where session_type = 'web'
    union
    select 'contact:' || contact_id from {{ ref('stg_genesys__external_contacts') }}
),

components as (
    {{ connected_components(ref('int_identity_edges'), 'nodes') }}
)

select
    node,
    split_part(node, ':', 1) as node_type,
    substr(node, length(split_part(node, ':', 1)) + 2) as node_id,
    'cust_' || substr(md5(component), 1, 20) as customer_key
from components
