"""Conversations and their external contacts for day D, once the API says its data is complete
past the end of D. The two days before D are pulled again: records change after the fact."""

from __future__ import annotations

from airflow.sdk import DAG, task
from genesys_elt.dag_defaults import (
    DAILY,
    DEFAULT_ARGS,
    SENSOR_POKE_SECONDS,
    SENSOR_TIMEOUT_SECONDS,
    START,
    raw_asset,
)

with DAG(
    dag_id="genesys_conversations",
    schedule=DAILY,
    start_date=START,
    catchup=False,
    max_active_runs=3,
    default_args=DEFAULT_ARGS,
    tags=["genesys", "extract", "conversations"],
    doc_md=__doc__,
):

    # Rescheduled between pokes: waiting holds no worker slot.
    @task.sensor(poke_interval=SENSOR_POKE_SECONDS, timeout=SENSOR_TIMEOUT_SECONDS, mode="reschedule")
    def wait_for_data_availability(data_interval_start=None):
        from genesys_elt.orchestration import conversations_available, slice_day

        return conversations_available(slice_day(data_interval_start))

    @task(outlets=[raw_asset("conversations")])
    def conversations(data_interval_start=None):
        from genesys_elt.orchestration import extract, slice_day, trailing_days

        return [m for day in trailing_days(slice_day(data_interval_start)) for m in extract("conversations", day)]

    @task(outlets=[raw_asset("external_contacts")])
    def external_contacts(data_interval_start=None):
        from genesys_elt.orchestration import extract, slice_day, trailing_days

        return [m for day in trailing_days(slice_day(data_interval_start)) for m in extract("external_contacts", day)]

    wait_for_data_availability() >> conversations() >> external_contacts()
