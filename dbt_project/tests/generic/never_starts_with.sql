{# Fails with every value of `column_name` that starts with one of `prefixes`. #}
{% test never_starts_with(model, column_name, prefixes) %}
select {{ column_name }}
from {{ model }}
where {% for prefix in prefixes %}{{ column_name }} like '{{ prefix }}%'{% if not loop.last %} or {% endif %}{% endfor %}
{% endtest %}
