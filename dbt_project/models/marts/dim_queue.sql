-- Routing queues, one row per queue and version: a rename starts a new version. Built from the
-- daily listings: join a fact to the version valid on its day for the name it had then, or to
-- is_current for today's.
{{ directory_versions(
    ref('stg_genesys__queues'), 'queue_id',
    ['queue_name', 'division_id']
) }}
