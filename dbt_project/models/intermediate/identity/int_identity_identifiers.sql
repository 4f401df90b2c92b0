-- Every phone and email a contact holds, in one of its fields or as the address of a conversation
-- that names the contact, and whether it may join records. One that different people plainly
-- share (a company switchboard, a team mailbox, a family landline) is demoted: it stays on its
-- records but bridges nothing. Contacts that the platform merged count as one, with all their CRM ids.

with contacts as (
    select contact_id, canonical_contact_id as contact_group, crm_external_id
    from {{ ref('stg_genesys__external_contacts') }}
),

edges as (
    select * from {{ ref('int_identity_edges') }}
),

held_by_contacts as (
    select edges.node_b as identifier, contacts.contact_id, contacts.contact_group, edges.rule as held_as
    from edges
    join contacts on edges.node_a = 'contact:' || contacts.contact_id
    where edges.rule in ('contact_cell_phone', 'contact_home_phone', 'contact_work_phone',
                         'contact_personal_email', 'contact_work_email')
),

held_through_conversations as (
    select address.node_b as identifier, contacts.contact_id, contacts.contact_group, address.rule as held_as
    from edges as address
    join edges as named on named.node_a = address.node_a and named.rule = 'conversation_contact'
    join contacts on named.node_b = 'contact:' || contacts.contact_id
    where address.rule = 'conversation_address'
),

holders as (
    select * from held_by_contacts
    union
    select * from held_through_conversations
),

group_crm_ids as (
    select contact_group, crm_external_id, count(*) over (partition by contact_group) as group_crm_ids
    from (select distinct contact_group, crm_external_id from contacts where crm_external_id is not null) as crm
),

holder_crm_ids as (
    select holders.identifier,
           count(distinct group_crm_ids.crm_external_id) as crm_ids,
           max(group_crm_ids.group_crm_ids) as largest_group_crm_ids
    from (select distinct identifier, contact_group from holders) as holders
    join group_crm_ids on group_crm_ids.contact_group = holders.contact_group
    group by holders.identifier
),

usage as (
    select
        identifier,
        count(distinct contact_id) as contacts,
        count(distinct contact_group) as contact_groups,
        string_agg(distinct held_as, ',' order by held_as) as held_as,
        max(case when held_as in ('contact_home_phone', 'contact_work_phone', 'contact_work_email')
                 then 1 else 0 end) = 1 as held_as_shared_line
    from holders
    group by identifier
)

select
    usage.identifier,
    split_part(usage.identifier, ':', 1) as identifier_kind,
    substr(usage.identifier, length(split_part(usage.identifier, ':', 1)) + 2) as identifier_token,
    usage.contacts,
    usage.contact_groups,
    coalesce(holder_crm_ids.crm_ids, 0) as crm_ids,
    usage.held_as,
    -- A home or work line names a household or a company, not a person: a conversation that only
    -- comes from it (without naming its contact) is not joined through it, whoever holds it.
    not usage.held_as_shared_line as joins_addresses,
    case
        -- It would put two CRM customers together that no platform merge joined.
        when holder_crm_ids.crm_ids > holder_crm_ids.largest_group_crm_ids then 'distinct_crm_ids'
        when usage.held_as_shared_line
            and usage.contact_groups > {{ var('identity_shared_line_contact_limit') }} then 'shared_line_limit'
        when usage.contact_groups > {{ var('identity_contact_limit') }} then 'contact_limit'
    end as demoted_because
from usage
left join holder_crm_ids on holder_crm_ids.identifier = usage.identifier
