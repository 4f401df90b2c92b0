{#
  customer_timeline is kept per customer from the first position that changed. A customer active
  again after years of history gets its new touchpoints appended, not its whole history ordered again.

  Where a customer's order can change: a touchpoint written since the last build (its customer's),
  the previous row of a touchpoint written again (under whichever customer held it), and a previous
  row whose touchpoint is gone or belongs to another customer now. From the earliest of their times,
  less twice the clock tolerance, on: a call moves after correlated web events at most one tolerance
  later, so a row that much earlier can neither move nor be passed. Rows before the first previous
  row from that time keep their positions; the build writes the rest again and a post-hook deletes
  the rows they replace. Appending first and deleting after lets the body and the post-hook read the
  same previous rows and so find the same tails.
#}

{#
  customer_key, first_position and tail_occurred_from: where each changed customer's tail starts,
  and the earliest time a row of it can have occurred. Every row of the tail sorts at or after the
  time before which rows can neither move nor be passed, so it occurred at most one clock tolerance
  before that (null when no change has a time: then any row may be in the tail).
#}
{% macro timeline_tails(since) -%}
    with previous as (
        select customer_key, timeline_position, source_type, source_id, occurred_at
        from {{ this }}
        where built_at < {{ build_stamp() }}
    ),

    rewritten as (
        select customer_key, source_type, source_id, occurred_at
        from {{ ref('int_timeline_touchpoints') }}
        where built_at > {{ since }}
    ),

    -- A touchpoint gone from a customer went with a slice parsed again or removed (its node's other
    -- touchpoints were written again) or with a change of identity (the registry resolved its node):
    -- only those customers' rows are looked for.
    candidates as (
        select customer_key from rewritten
        union
        {{ reresolved_customers(since) }}
    ),

    candidate_rows as (
        select previous.*
        from previous
        where previous.customer_key in (select candidates.customer_key from candidates)
    ),

    changes as (
        select customer_key, occurred_at from rewritten
        union all
        select previous.customer_key, previous.occurred_at
        from previous
        join rewritten on rewritten.source_type = previous.source_type and rewritten.source_id = previous.source_id
        union all
        select candidate_rows.customer_key, candidate_rows.occurred_at
        from candidate_rows
        left join (
            select source_type, source_id, customer_key
            from {{ ref('int_timeline_touchpoints') }}
            where customer_key in (select candidates.customer_key from candidates)
        ) as current_touchpoints
            on current_touchpoints.source_type = candidate_rows.source_type
            and current_touchpoints.source_id = candidate_rows.source_id
            and current_touchpoints.customer_key = candidate_rows.customer_key
        where current_touchpoints.source_id is null
    ),

    changed_from as (
        select
            customer_key,
            {{ add_seconds('min(occurred_at)', -2 * var('clock_tolerance_seconds')) }} as unsettled_from
        from changes
        group by customer_key
    )

    select
        changed_from.customer_key,
        {{ add_seconds('changed_from.unsettled_from', -var('clock_tolerance_seconds')) }} as tail_occurred_from,
        coalesce(
            min(case when previous.occurred_at >= changed_from.unsettled_from then previous.timeline_position end),
            max(previous.timeline_position) + 1,
            1
        ) as first_position
    from changed_from
    left join previous on previous.customer_key = changed_from.customer_key
    group by changed_from.customer_key, changed_from.unsettled_from
{%- endmacro %}

{#
  The tails are worked out once per build, by a pre-hook, into a work table beside the model: the
  body reads it to write the tails, and the post-hook to delete the rows they replace, then drops it.
  (Worked out twice, the tails cost a second read of the customers' touchpoints and timeline rows.)
  A build that fails in between leaves the table; the next one replaces it.
#}
{% macro timeline_tails_relation() -%}
    {{ return(api.Relation.create(database=this.database, schema=this.schema,
                                  identifier=this.identifier ~ '__tails', type='table')) }}
{%- endmacro %}

{# First pre-hook and last post-hook: no work table of tails outlives its build. #}
{% macro drop_timeline_tails() -%}
    {%- if is_incremental() -%}
    drop table if exists {{ timeline_tails_relation() }}
    {%- endif -%}
{%- endmacro %}

{# Second pre-hook: this build's tails, in an incremental build. #}
{% macro stash_timeline_tails() -%}
    {%- set since = last_built_at() -%}
    {%- if since is not none -%}
    create table {{ timeline_tails_relation() }} as
    {{ timeline_tails(since) }}
    {%- endif -%}
{%- endmacro %}

{# The post-hook: the rows that the tails written by this build replace. #}
{% macro delete_superseded_timeline_rows() -%}
    {%- set since = last_built_at() -%}
    {%- if since is not none -%}
    delete from {{ this }} as built
    using {{ timeline_tails_relation() }} as tails
    where built.built_at < {{ build_stamp() }}
        and tails.customer_key = built.customer_key
        and built.timeline_position >= tails.first_position
    {%- endif -%}
{%- endmacro %}
