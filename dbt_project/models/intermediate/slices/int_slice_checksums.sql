{{ config(materialized='view') }}
-- One content checksum per stream and day over all of the day's parts: incremental models rebuild a
-- day exactly when this changes.
select
    stream,
    slice_date,
    md5(string_agg(part || ':' || slice_checksum, ',' order by part)) as slice_checksum
from {{ ref('stg_genesys__slice_manifests') }}
group by stream, slice_date
