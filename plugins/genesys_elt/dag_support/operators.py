"""The extract task as an operator: it lands a stream's slices for the run's day, emits the stream's
raw Asset, and tells the OpenLineage provider what it read and wrote when it completes. Imported at
DAG parse time: the work and its imports wait for ``execute``."""

from __future__ import annotations

from airflow.sdk import BaseOperator

from .defaults import raw_asset


class ExtractOperator(BaseOperator):
    """Every slice the daily run covers of ``stream`` (the registry gives the days), or, with
    ``campaign_id`` and ``source``, that one campaign's part of the day's funnel."""

    ui_color = "#e8f1fb"

    def __init__(self, *, stream: str, campaign_id: str | None = None, source: str | None = None, **kwargs):
        kwargs.setdefault("task_id", stream)
        kwargs.setdefault("outlets", [raw_asset(stream)])  # a mapped task names them in .partial()
        super().__init__(**kwargs)
        self.stream, self.campaign_id, self.source = stream, campaign_id, source
        self._landed: list[dict] = []

    def execute(self, context):
        from . import tasks

        day = tasks.slice_day(context["data_interval_start"])
        if self.campaign_id is None:
            self._landed = tasks.extract(self.stream, day)
            return self._landed
        self._landed = tasks.campaign_journey(day, self.campaign_id, self.source)
        return self._landed

    def get_openlineage_facets_on_complete(self, task_instance):
        from .hook import GenesysCloudHook
        from .lineage import extract_lineage

        return extract_lineage(GenesysCloudHook().settings(), self.stream, self._landed, self.source)
