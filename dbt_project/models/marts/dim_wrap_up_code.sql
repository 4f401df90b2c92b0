-- Wrap-up codes, one row per code and version: a rename starts a new version. Built from the daily
-- listings: join a fact to the version valid on its day for the name it had then, or to is_current
-- for today's.
{{ directory_versions(
    ref('stg_genesys__wrap_up_codes'), 'wrap_up_code_id',
    ['wrap_up_code_name']
) }}
