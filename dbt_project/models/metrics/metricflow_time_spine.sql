{{ config(materialized='table') }}
-- One row per day, the calendar MetricFlow joins metrics to (a day with no rows still has a place).
-- Fixed bounds: the platform keeps no analytics older than 2020, and the spine is cheap to widen.

select cast(date_day as date) as date_day
from ({{ dbt.date_spine('day', "cast('2020-01-01' as date)", "cast('2036-01-01' as date)") }}) as days
