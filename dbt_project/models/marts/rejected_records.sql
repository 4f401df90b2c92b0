-- Every record an extract task refused, with the reason. Nothing is dropped silently.
select stream, slice_date, part, line, reason, record_hash, record
from {{ ref('stg_genesys__slice_rejects') }}
