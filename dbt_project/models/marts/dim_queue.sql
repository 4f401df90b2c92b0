-- Routing queues, one row per queue and version: a rename starts a new version. Built from the
-- daily listings: join a fact to the version valid on its day for the name it had then, or to
-- is_current for today's. A deleted queue keeps the last version it was listed with. A queue the
-- conversations name that no listing ever showed (deleted before the first listing, or in a
-- division the client cannot see) gets one row named 'unknown', so no queue goes unnamed.
with listed as (
    {{ directory_versions(ref('stg_genesys__queues'), 'queue_id', ['queue_name', 'division_id']) }}
),

carried as (
    select last_queue_id as queue_id, min(slice_date) as first_carried_on
    from {{ ref('int_conversations') }}
    where last_queue_id is not null
    group by last_queue_id
)

select
    listed.queue_id,
    listed.queue_name,
    listed.division_id,
    listed.version_number,
    listed.valid_from,
    listed.last_listed_on,
    listed.valid_to,
    listed.is_current,
    true as is_listed
from listed
union all
select
    carried.queue_id,
    'unknown',
    cast(null as varchar),
    1,
    carried.first_carried_on,
    cast(null as date),
    cast(null as date),
    true,
    false
from carried
where not exists (select 1 from listed where listed.queue_id = carried.queue_id)
