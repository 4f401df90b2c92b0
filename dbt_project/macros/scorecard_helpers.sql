{#
  The settle rule (var scorecard_settle_hours): a scorecard day is final only once a slice taken
  after its outcomes settled has landed. Missing metrics (not extracted yet) are pending as well.
#}
{% macro scorecard_pending(metric_date, pending_flag) -%}
    ({{ metric_date }} is null or coalesce({{ pending_flag }}, true))
{%- endmacro %}
