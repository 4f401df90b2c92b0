{{
    config(
        materialized='incremental',
        unique_key='contact_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        post_hook="{{ delete_records_no_longer_extracted('contact_id', ref('base_genesys__external_contacts')) }}",
    )
}}
{%- set since = last_built_at() %}
-- One row per external contact, as last extracted. A merged contact points at its canonical one.
-- Only the contacts extracted again since the last build, or whose first or last slice is gone,
-- are ranked again (see incremental_latest.sql).
with ranked as (
    select
        *,
        row_number() over (partition by contact_id order by slice_date desc) as recency,
        min(slice_date) over (partition by contact_id) as first_extracted_date
    from {{ ref('base_genesys__external_contacts') }}
    {%- if since %}
    where contact_id in (
        {{ records_extracted_since('contact_id', ref('base_genesys__external_contacts'), since,
                                   ['last_extracted_date', 'first_extracted_date']) }}
    )
    {%- endif %}
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
    slice_date as last_extracted_date,
    {{ build_stamp() }} as built_at
from ranked
where recency = 1
