{#
  Models kept per customer (fact_conversation, the customer dimension, the last context) rebuild in an
  incremental build only the customers whose records or identity changed since their own last
  build, and replace each such customer's rows whole. Every row carries `built_at`, the start of the
  build that wrote it; a model's latest one is its watermark. Records carry `parsed_at` (staging)
  and keys `resolved_at` (the key registry) the same way, so "changed since the watermark" reads
  only what recent builds appended. A failed build leaves the watermark where it was: the next one
  picks up everything since.

    {{ config(materialized='incremental', incremental_strategy='append',
              pre_hook="{{ delete_changed_customers() }}") }}
    {%- set since = last_built_at() %}
    ... where customer_key in ({{ customers_changed_since(since) }})

  The pre-hook deletes the rows of every customer the body writes again, by the same rule. (A
  delete+insert on the written keys would miss a customer left with no rows at all, such as one
  whose last conversation a split moved to another key.)
#}

{# The start of this build, the value of built_at, parsed_at and resolved_at. #}
{% macro build_stamp() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp)
{%- endmacro %}

{#
  The model's watermark as a SQL literal, read when the model is compiled (before its pre-hook
  deletes anything, so that hook and body agree); none on a first build or a full refresh, and
  when the model is empty (everyone is rebuilt). Only rows of earlier builds count, so that a
  post-hook, which runs after the body's rows are in, reads the same value as the body.
#}
{% macro last_built_at() -%}
    {#- a unit test has no relation of its own: it checks a first build unless it says otherwise -#}
    {%- if not execute or this is none or not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {#- a table from before the model was incremental: built whole, and on_schema_change says why -#}
    {%- if not this_has_column('built_at') -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set value = run_query("select cast(max(built_at) as varchar) from " ~ this
                              ~ " where built_at < " ~ build_stamp()).columns[0].values()[0] -%}
    {{ return(none if value is none else "cast('" ~ value ~ "' as timestamp)") }}
{%- endmacro %}

{#
  Whether the model's relation, as the warehouse holds it before this build, has `column`: a table
  from before a column was added answers no. A unit test's `this` is a fixture's name: no.
#}
{% macro this_has_column(column) -%}
    {%- if not execute or this is none or this is string -%}
        {{ return(false) }}
    {%- endif -%}
    {{ return(column in adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list) }}
{%- endmacro %}

{# Customers (old and new keys) whose identity the key registry resolved again since `since`. #}
{% macro reresolved_customers(since) -%}
    select customer_key from {{ ref('int_customer_key_registry') }} where resolved_at > {{ since }}
    union
    select previous_key from {{ ref('int_customer_key_registry') }}
    where resolved_at > {{ since }} and previous_key is not null
{%- endmacro %}

{# The identity nodes of records (events, sessions, conversations, and contacts) parsed since `since`. #}
{% macro nodes_parsed_since(since, contacts=true) -%}
    select 'session:' || session_id as node from {{ ref('stg_genesys__journey_events') }} where parsed_at > {{ since }}
    union
    select 'session:' || session_id from {{ ref('base_genesys__journey_sessions') }} where parsed_at > {{ since }}
    union
    select 'conversation:' || conversation_id from {{ ref('stg_genesys__conversations') }}
    where parsed_at > {{ since }}
    {%- if contacts %}
    union
    select 'contact:' || contact_id from {{ ref('base_genesys__external_contacts') }} where parsed_at > {{ since }}
    {%- endif %}
{%- endmacro %}

{# Customers holding a record (event, session, conversation, contact) parsed since `since`. #}
{% macro customers_with_new_records(since) -%}
    select keys.customer_key
    from {{ ref('int_customer_keys') }} as keys
    join ({{ nodes_parsed_since(since) }}) as changed on changed.node = keys.node
{%- endmacro %}

{# The pre-hook: the rows of the customers `keys_sql` selects go before they are written again. #}
{% macro delete_customers(keys_sql) -%}
    {%- if is_incremental() -%}
        {%- if keys_sql is none -%}
    delete from {{ this }}
        {%- else -%}
    delete from {{ this }} where customer_key in ({{ keys_sql }})
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#
  The post-hook: rows of customer keys that no longer name anyone (retired by a merge, or whose
  records are all gone) leave the model.
#}
{% macro delete_customers_without_key() -%}
    {%- if is_incremental() -%}
    delete from {{ this }} as built
    where not exists (select 1 from {{ ref('int_customer_keys') }} as keys where keys.customer_key = built.customer_key)
    {%- endif -%}
{%- endmacro %}

{#
  The customers a per-customer model rebuilds since `since`: those the registry re-resolved, those
  holding a record parsed since (`records`), and those that `upstream`, a per-customer model itself,
  wrote again since.
#}
{% macro customers_changed_since(since, records=true, upstream=none) -%}
    {#- called on every build, so that its relations are the model's dependencies; used when `since` is set -#}
    {%- set since = since or 'null' -%}
    {{ reresolved_customers(since) }}
    {%- if records %}
    union
    {{ customers_with_new_records(since) }}
    {%- endif %}
    {%- if upstream is not none %}
    union
    select customer_key from {{ upstream }} where built_at > {{ since }}
    {%- endif %}
{%- endmacro %}

{# The pre-hook of a per-customer model: its arguments are those of customers_changed_since. #}
{% macro delete_changed_customers(records=true, upstream=none) -%}
    {%- if is_incremental() -%}
        {%- set since = last_built_at() -%}
        {{ delete_customers(none if since is none else customers_changed_since(since, records, upstream)) }}
    {%- endif -%}
{%- endmacro %}

{# int_customer_keys' post-hook: nodes no longer landed (the registry forgot their links) leave it. #}
{% macro delete_nodes_no_longer_landed() -%}
    {%- if is_incremental() -%}
    delete from {{ this }}
    where node in (select node from {{ ref('int_customer_key_registry') }} where links_fingerprint is null)
    {%- endif -%}
{%- endmacro %}
