-- One row per external contact, as last extracted. A merged contact points at its canonical one.
with ranked as (
    select
        *,
        row_number() over (partition by contact_id order by slice_date desc) as recency,
        min(slice_date) over (partition by contact_id) as first_extracted_date
    from {{ ref('base_genesys__external_contacts') }}
)

select
    contact_id,
    canonical_contact_id,
    contact_type,
    crm_external_id,
    cell_phone_token,
    home_phone_token,
    work_phone_token,
    personal_email_token,
    work_email_token,
    created_at,
    modified_at,
    first_extracted_date,
    slice_date as last_extracted_date
from ranked
where recency = 1
