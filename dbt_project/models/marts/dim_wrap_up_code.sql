-- Wrap-up codes, one row per code and version: a rename starts a new version. Built from the daily
-- listings: join a fact to the version valid on its day for the name it had then, or to is_current
-- for today's. A deleted code keeps the last version it was listed with. Codes the conversations
-- carry that no listing ever showed get one row too, so no code goes unnamed: the platform's own
-- (system) codes by their documented names, any other as 'unknown'.
with listed as (
    {{ directory_versions(ref('stg_genesys__wrap_up_codes'), 'wrap_up_code_id', ['wrap_up_code_name']) }}
),

carried as (
    select wrap_up_code as wrap_up_code_id, min(slice_date) as first_carried_on
    from {{ ref('int_conversations') }}
    where wrap_up_code is not null
    group by wrap_up_code
),

system_codes as (
    select wrap_up_code_id, wrap_up_code_name from {{ ref('genesys__system_wrap_up_codes') }}
)

select
    listed.wrap_up_code_id,
    listed.wrap_up_code_name,
    listed.version_number,
    listed.valid_from,
    listed.last_listed_on,
    listed.valid_to,
    listed.is_current,
    true as is_listed,
    false as is_system
from listed
union all
select
    carried.wrap_up_code_id,
    coalesce(
        system_codes.wrap_up_code_name,
        case when carried.wrap_up_code_id like 'ININ-%' then carried.wrap_up_code_id else 'unknown' end
    ),
    1,
    carried.first_carried_on,
    cast(null as date),
    cast(null as date),
    true,
    false,
    system_codes.wrap_up_code_id is not null or carried.wrap_up_code_id like 'ININ-%'
from carried
left join system_codes on carried.wrap_up_code_id = system_codes.wrap_up_code_id
where not exists (select 1 from listed where listed.wrap_up_code_id = carried.wrap_up_code_id)
