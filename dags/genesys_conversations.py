"""Conversations and their external contacts for day D, once the API says its data is complete
past the end of D. The days before D are pulled again (five, unless the connection's
``trailing_days`` says otherwise): records change days after the fact. Beside
them, the directory that names their queues, agents, wrap-up codes and divisions."""

from __future__ import annotations

from airflow.sdk import DAG, task

from genesys_elt.dag_support.defaults import (
    DAILY,
    DEFAULT_ARGS,
    SENSOR_POKE_SECONDS,
    SENSOR_TIMEOUT_SECONDS,
    START,
)
from genesys_elt.dag_support.operators import ExtractOperator
from genesys_elt.streams import CONVERSATIONS_DAG, DIRECTORY

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

    # D and its trailing days, as the registry says; then the contacts those conversations name.
    conversations = ExtractOperator(stream="conversations")
    external_contacts = ExtractOperator(stream="external_contacts")

    wait_for_data_availability() >> conversations >> external_contacts

    # The directory that names the ids conversations carry (queues, agents, wrap-up codes,
    # divisions): listed as the run sees it, with no wait.
    for directory_stream in DIRECTORY:
        ExtractOperator(stream=directory_stream.name)
