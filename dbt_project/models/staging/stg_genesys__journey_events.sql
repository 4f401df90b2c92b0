{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_changed_slices('journey_events') }}",
    )
}}
-- One row per journey event: web page views, clicks and forms, and telephony events. The seed
-- contract names the channel (or types events web.pageview, voice.call, ...); the Platform API's
-- types are the SDK's (com.genesys.journey.WebEvent, ...WebActionEvent, ...OutcomeAchievedEvent,
-- ...SegmentAssignmentEvent), whose channel is the type of the session they belong to; a web
-- action names its action map and state, a segment assignment its segment, an outcome its outcome. An event
-- repeated across result pages counts once (the copy on the later page). Each slice is parsed once:
-- a build reads only the slices that are new or changed since the last one.
select
    pages.date as slice_date,
    pages.slice_checksum,
    {{ build_stamp() }} as parsed_at,
    json ->> 'id' as event_id,
    {{ utc_timestamp("json ->> 'createdDate'") }} as created_at,
    json ->> 'eventType' as event_type,
    case
        when json ->> 'channel' is not null then json ->> 'channel'
        when json ->> 'eventType' like 'com.genesys.%' then coalesce(json -> 'session' ->> 'type', 'web')
        else split_part(json ->> 'eventType', '.', 1)
    end as channel,
    json ->> 'customerId' as journey_customer_id,
    json ->> 'customerIdType' as journey_customer_id_type,
    json -> 'session' ->> 'id' as session_id,
    json -> 'session' ->> 'type' as session_type,
    json ->> 'correlationId' as correlation_id,
    json -> 'webEvent' ->> 'eventName' as event_name,
    cast(json -> 'webEvent' ->> 'authenticated' as boolean) as authenticated,
    json -> 'webEvent' -> 'page' ->> 'url' as page_url,
    json -> 'webEvent' -> 'page' ->> 'title' as page_title,
    json -> 'webActionEvent' -> 'action' ->> 'id' as action_id,
    json -> 'webActionEvent' -> 'action' ->> 'state' as action_state,
    json -> 'webActionEvent' -> 'actionMap' ->> 'id' as action_map_id,
    cast(json -> 'webActionEvent' -> 'actionMap' ->> 'version' as integer) as action_map_version,
    json -> 'segmentAssignmentEvent' -> 'segment' ->> 'id' as segment_id,
    json -> 'outcomeAchievedEvent' -> 'outcome' ->> 'id' as outcome_id
from {{ slice_records('journey_events') }} as pages
