-- Divisions, one row per division and version. Built from the daily listings: join a fact to the
-- version valid on its day for the name it had then, or to is_current for today's.
{{ directory_versions(
    ref('stg_genesys__divisions'), 'division_id',
    ['division_name', 'is_home_division']
) }}
