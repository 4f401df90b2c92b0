"""Journey events for day D (the async journey query, or on a real org the events of the day's
known sessions), then the journey sessions of that day: those of the contacts the conversations
DAG saw, and the signed-in web sessions among the day's events."""

from __future__ import annotations

from airflow.providers.standard.sensors.external_task import ExternalTaskSensor
from airflow.sdk import DAG

from genesys_elt.dag_support.defaults import (
    DAILY,
    DEFAULT_ARGS,
    SENSOR_POKE_SECONDS,
    SENSOR_TIMEOUT_SECONDS,
    START,
)
from genesys_elt.dag_support.operators import ExtractOperator
from genesys_elt.streams import CONVERSATIONS_DAG, JOURNEY_DAG

with DAG(
    dag_id=JOURNEY_DAG,
    schedule=DAILY,
    start_date=START,
    catchup=False,
    max_active_runs=3,
    default_args=DEFAULT_ARGS,
    tags=["genesys", "extract", "journey"],
    doc_md=__doc__,
):
    journey_events = ExtractOperator(stream="journey_events")

    contacts_landed = ExternalTaskSensor(
        task_id="wait_for_external_contacts",
        external_dag_id=CONVERSATIONS_DAG,
        external_task_id="external_contacts",
        mode="reschedule",
        poke_interval=SENSOR_POKE_SECONDS,
        timeout=SENSOR_TIMEOUT_SECONDS,
    )

    journey_sessions = ExtractOperator(stream="journey_sessions")

    # On a real org the day's events are read session by session, from the sessions of the day's
    # contacts: the events wait for those, and the sessions for the events' signed-in sessions.
    contacts_landed >> journey_events >> journey_sessions
