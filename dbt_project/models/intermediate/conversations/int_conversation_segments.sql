{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_days_not_in(ref('int_conversation_latest')) }}",
    )
}}
-- Conversations flattened to one row per participant session segment, from each conversation's
-- latest copy (int_conversation_latest). The costly step of the conversation models, so it is
-- incremental: only days whose home conversations or slice content changed are rebuilt.

with home_copies as (
    {{ rows_of_days_to_build(ref('int_conversation_latest')) }}
),

-- Only the days to build are read: the scan of the staged conversations skips the other days' payloads.
conversations as (
    select
        staged.slice_date,
        home_copies.slice_checksum,
        staged.conversation_id,
        staged.started_at,
        staged.ended_at,
        staged.direction,
        staged.division_ids,
        staged.participants
    from {{ ref('stg_genesys__conversations') }} as staged
    join home_copies
        on home_copies.slice_date = staged.slice_date and home_copies.conversation_id = staged.conversation_id
),

participants as (
    select conversations.*, participant.value as participant
    from conversations, {{ json_array_elements('conversations.participants') }} as participant (value)
),

sessions as (
    select participants.*, customer_session.value as session
    from participants, {{ json_array_elements("participants.participant -> 'sessions'") }} as customer_session (value)
),

segments as (
    select sessions.*, segment.value as segment, segment.segment_number
    from sessions,
        {{ json_array_elements("sessions.session -> 'segments'") }} with ordinality as segment (value, segment_number)
)

select
    slice_date,
    slice_checksum,
    {{ build_stamp() }} as built_at,
    conversation_id,
    started_at,
    ended_at,
    direction,
    division_ids,
    participant ->> 'participantId' as participant_id,
    participant ->> 'purpose' as purpose,
    participant ->> 'userId' as user_id,
    participant ->> 'externalContactId' as external_contact_id,
    participant -> 'attributes' ->> 'correlationId' as correlation_id,
    session ->> 'sessionId' as session_id,
    session ->> 'mediaType' as media_type,
    session ->> 'messageType' as message_type,
    session ->> 'direction' as session_direction,
    session ->> 'ani' as ani,
    session ->> 'addressFrom' as address_from,
    session ->> 'journeyCustomerSessionId' as journey_session_id,
    session ->> 'journeyActionId' as journey_action_id,
    session ->> 'journeyActionMapId' as journey_action_map_id,
    cast(session ->> 'journeyActionMapVersion' as integer) as journey_action_map_version,
    cast(segment_number as integer) as segment_number,
    {{ utc_timestamp("segment ->> 'segmentStart'") }} as segment_start,
    {{ utc_timestamp("segment ->> 'segmentEnd'") }} as segment_end,
    segment ->> 'segmentType' as segment_type,
    segment ->> 'queueId' as queue_id,
    segment ->> 'wrapUpCode' as wrap_up_code
from segments
