-- One row per external contact, as last extracted. A merged contact points at its canonical one.
with ranked as (
    select
        *,
        row_number() over (partition by json ->> 'id' order by date desc) as recency,
        min(date) over (partition by json ->> 'id') as first_extracted_date
    from {{ raw_source('external_contacts') }}
)

select
    json ->> 'id' as contact_id,
    coalesce(json -> 'canonicalContact' ->> 'id', json ->> 'id') as canonical_contact_id,
    json ->> 'type' as contact_type,
    json -> 'externalIds' -> 0 ->> 'value' as crm_external_id,
    json -> 'cellPhone' ->> 'e164' as cell_phone_token,
    json -> 'homePhone' ->> 'e164' as home_phone_token,
    json -> 'workPhone' ->> 'e164' as work_phone_token,
    json ->> 'personalEmail' as personal_email_token,
    json ->> 'workEmail' as work_email_token,
    {{ utc_timestamp("json ->> 'createDate'") }} as created_at,
    {{ utc_timestamp("json ->> 'modifyDate'") }} as modified_at,
    first_extracted_date,
    date as last_extracted_date
from ranked
where recency = 1
