{# The channel a customer would name: messaging splits by platform, everything else is its media. #}
{% macro conversation_channel(media_type, message_type) -%}
    case
        when {{ media_type }} = 'message' then coalesce({{ message_type }}, 'message')
        else {{ media_type }}
    end
{%- endmacro %}

{% macro seconds_between(start, finish) -%}
    {{ return(adapter.dispatch('seconds_between', 'genesys_journey')(start, finish)) }}
{%- endmacro %}

{% macro duckdb__seconds_between(start, finish) -%}
    date_diff('second', {{ start }}, {{ finish }})
{%- endmacro %}

{# Whole-second boundaries crossed, as DuckDB's date_diff counts them (not a rounded duration). #}
{% macro default__seconds_between(start, finish) -%}
    (floor(extract(epoch from {{ finish }})) - floor(extract(epoch from {{ start }})))
{%- endmacro %}

{% macro add_seconds(timestamp, seconds) -%}
    ({{ timestamp }} + {{ seconds }} * interval '1 second')
{%- endmacro %}
