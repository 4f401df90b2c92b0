{{
    config(
        materialized='incremental',
        unique_key='session_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        post_hook="{{ delete_records_no_longer_extracted('session_id', ref('base_genesys__journey_sessions')) }}",
    )
}}
{%- set since = last_built_at() %}
-- One row per journey session, as last extracted (a session can land in the slice of every day it
-- was seen). Only the sessions extracted again since the last build are ranked again (see
-- incremental_latest.sql).
with ranked as (
    select
        *,
        row_number() over (partition by session_id order by slice_date desc) as recency
    from {{ ref('base_genesys__journey_sessions') }}
    {%- if since %}
    where session_id in (
        {{ records_extracted_since('session_id', ref('base_genesys__journey_sessions'), since, ['last_extracted_date']) }}
    )
    {%- endif %}
)

select
    session_id,
    session_type,
    journey_customer_id,
    journey_customer_id_type,
    authenticated,
    external_contact_id,
    created_at,
    ended_at,
    duration_seconds,
    pageview_count,
    event_count,
    last_page_url,
    slice_date as last_extracted_date,
    {{ build_stamp() }} as built_at
from ranked
where recency = 1
