{# Schemas are named as configured (staging, intermediate, marts, snapshots), not prefixed with the
   target schema: BI tools and the design's warehouse contract refer to them by these names. #}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ (custom_schema_name or target.schema) | trim }}
{%- endmacro %}
