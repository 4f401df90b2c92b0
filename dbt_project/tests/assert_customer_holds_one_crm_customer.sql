{{ config(severity='warn') }}
-- A resolved customer holds CRM ids of one CRM customer only, unless the platform merged the
-- contacts that carry them. A row here is a link the identifier limits did not catch (a chain of
-- different identifiers): a warning for the data steward, not a reason to stop the warehouse.
with contacts as (
    select keys.customer_key, contacts.canonical_contact_id, contacts.crm_external_id
    from {{ ref('stg_genesys__external_contacts') }} as contacts
    join {{ ref('int_customer_keys') }} as keys on keys.node = 'contact:' || contacts.contact_id
    where contacts.crm_external_id is not null
),

per_group as (
    select customer_key, canonical_contact_id, count(distinct crm_external_id) as crm_ids
    from contacts
    group by customer_key, canonical_contact_id
)

select contacts.customer_key, count(distinct contacts.crm_external_id) as crm_ids,
       max(per_group.crm_ids) as merged_crm_ids
from contacts
join per_group on per_group.customer_key = contacts.customer_key
group by contacts.customer_key
having count(distinct contacts.crm_external_id) > max(per_group.crm_ids)
