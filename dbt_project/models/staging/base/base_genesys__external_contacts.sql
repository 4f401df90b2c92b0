{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_changed_slices('external_contacts') }}",
    )
}}
-- One row per external contact and slice: the contacts' JSON parsed once per slice (see
-- slice_pages). stg_genesys__external_contacts keeps each contact as last extracted.
select
    pages.date as slice_date,
    pages.slice_checksum,
    {{ build_stamp() }} as parsed_at,
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
    {{ utc_timestamp("json ->> 'modifyDate'") }} as modified_at
from {{ slice_records('external_contacts') }} as pages
