"""Conversations and their external contacts for day D, once the API says its data is complete
past the end of D. The two days before D are pulled again: records change after the fact."""

from __future__ import annotations

from airflow.sdk import DAG, task
from genesys_elt.dag_support.defaults import (
    DAILY,
    DEFAULT_ARGS,
    SENSOR_POKE_SECONDS,
    SENSOR_TIMEOUT_SECONDS,
    START,
    raw_asset,
)
from genesys_elt.streams import CONVERSATIONS_DAG

with DAG(
    dag_id=CONVERSATIONS_DAG,
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
        from genesys_elt.dag_support.tasks import conversations_available, slice_day

        return conversations_available(slice_day(data_interval_start))

    @task(outlets=[raw_asset("conversations")])
    def conversations(data_interval_start=None):
        from genesys_elt.dag_support.tasks import extract, slice_day

        return extract("conversations", slice_day(data_interval_start))  # D and its trailing days

    @task(outlets=[raw_asset("external_contacts")])
    def external_contacts(data_interval_start=None):
        from genesys_elt.dag_support.tasks import extract, slice_day

        return extract("external_contacts", slice_day(data_interval_start))

    wait_for_data_availability() >> conversations() >> external_contacts()
