"""Predictive Engagement: campaigns, each campaign's step funnel for day D and the two days
before it (the figures fill in after the day ends), and scorecard (model) performance for D-2,
once outcomes have had 48 hours to arrive."""

from __future__ import annotations

from airflow.sdk import DAG, task

from genesys_elt.dag_support.defaults import DAILY, DEFAULT_ARGS, START, raw_asset
from genesys_elt.dag_support.operators import ExtractOperator
from genesys_elt.streams import PREDICTIVE_ENGAGEMENT_DAG

with DAG(
    dag_id=PREDICTIVE_ENGAGEMENT_DAG,
    schedule=DAILY,
    start_date=START,
    catchup=False,
    max_active_runs=3,
    default_args=DEFAULT_ARGS,
    tags=["genesys", "extract", "predictive-engagement"],
    doc_md=__doc__,
):
    campaigns = ExtractOperator(stream="campaigns")

    # The listing decides the source for the run (the seed contract's campaigns, or a real org's
    # action maps); each funnel task is told which.
    @task
    def list_campaigns(data_interval_start=None):
        from genesys_elt.dag_support.tasks import campaign_parts, slice_day

        return campaign_parts(slice_day(data_interval_start))

    # One task per campaign (dynamic task mapping); its outlets are named here, where Airflow reads
    # a mapped task's.
    campaign_journey = ExtractOperator.partial(
        task_id="campaign_journey",
        stream="campaign_journey",
        outlets=[raw_asset("campaign_journey")],
        max_active_tis_per_dagrun=4,
    ).expand_kwargs(list_campaigns())
    scorecards = ExtractOperator(stream="scorecards")  # lands D-2, as the registry says
