"""Predictive Engagement streams: the campaign list, each campaign's step funnel (one part per
campaign, skipped with the reason when the campaign is archived or gone), and scorecard model
performance, flagged pending_backfill while its outcomes are still settling."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from ..api.catalogue import ACTION_MAP_METRICS
from ..errors import ApiError, NotFound
from ..landing.writer import record_skip
from ..streams import PLATFORM, SEED, STREAMS
from .base import ExtractorBase, day_bounds, day_end

log = logging.getLogger(__name__)
EXTRACTABLE_STATUSES = {"active", "paused"}
SCORECARD_SETTLE = timedelta(hours=STREAMS["scorecards"].settle_hours)
JOURNEY_SETTLE = timedelta(hours=STREAMS["campaign_journey"].settle_hours)


class PredictiveEngagementStreams(ExtractorBase):
    def campaigns(self, day: date, requests_before: int) -> dict:
        return self._simple_slice("campaigns", day, SEED, self._pages("campaigns"), requests_before)

    def campaign_ids(self, day: date | None = None) -> list[str]:
        return [
            c["id"]
            for page, records in self._pages("campaigns")
            for c in records
            if isinstance(c, dict) and c.get("id")
        ]

    def campaign_journey(self, day: date, campaign_id: str) -> dict | None:
        """One campaign's step funnel for the day, landed as its own part of the slice. A campaign
        that is gone or no longer active or paused is skipped at once with the reason: archiving is
        final, so waiting would not bring it back. One that disappears mid-pagination is looked at
        again once after a delay, then extracted whole or skipped. A skipped campaign's previous
        slice stays."""
        before = self.pool.sent
        reason = ""
        for attempt in range(2):
            if attempt:
                log.warning(
                    "campaign %s: %s; retrying in %.0fs",
                    campaign_id,
                    reason,
                    self.settings.archived_retry_delay_seconds,
                )
                self.sleep(self.settings.archived_retry_delay_seconds)
            try:
                campaign = self._get("campaign", campaign_id=campaign_id)
            except NotFound:
                reason = "campaign not found (404)"
                break
            if campaign.get("status") not in EXTRACTABLE_STATUSES:
                reason = f"campaign status is {campaign.get('status')}"
                break
            try:
                return self._land_campaign_journey(day, campaign, before)
            except NotFound:
                reason = "campaign analytics answered 404 mid-extraction"
        record_skip(self.settings.landing, "campaign_journey", day, campaign_id, reason, self.clock(), SEED)
        return None

    def _land_campaign_journey(self, day: date, campaign: dict, before: int) -> dict:
        with self._writer("campaign_journey", day, SEED, part=campaign["id"]) as writer:
            sequence = 0
            for page, steps in self._pages("campaign_journey", campaign_id=campaign["id"], **day_bounds(day)):
                context = {
                    "campaignId": page.get("campaignId", campaign["id"]),
                    "scorecardId": page.get("scorecardId", campaign.get("scorecardId")),
                    "dateFrom": page.get("dateFrom"),
                    "dateTo": page.get("dateTo"),
                }
                records = []
                for step in steps:
                    sequence += 1
                    records.append({**step, **context, "stepSequence": sequence} if isinstance(step, dict) else step)
                writer.write_page(records)
            return writer.commit(requests=self.pool.sent - before, campaign_status=campaign["status"])

    def scorecards(self, day: date, requests_before: int) -> dict:
        """Model performance for ``day``. Outcomes keep arriving for the stream's settle window: a
        slice pulled sooner is flagged pending_backfill (the DAG pulls day D-2 to avoid it). A
        retrained model answers under its new modelVersion; the warehouse keeps every version."""
        scorecards = [s for _, records in self._pages("scorecards") for s in records if isinstance(s, dict)]
        pending = self.clock() < day_end(day) + SCORECARD_SETTLE

        def pull(scorecard: dict) -> dict:
            body = self._get("scorecard_analytics", scorecard_id=scorecard["id"], **day_bounds(day))
            return {**body, "scorecardName": body.get("scorecardName", scorecard.get("name"))}

        records = self._parallel(pull, scorecards)
        return self._simple_slice("scorecards", day, SEED, [(None, records)], requests_before, pending_backfill=pending)

    # ------------------------------------------------------------------ the Platform API's counterparts
    def action_maps(self, day: date, requests_before: int) -> dict:
        """The org's action maps as seen on ``day``: a real org's campaigns."""
        return self._simple_slice("campaigns", day, PLATFORM, self._pages("action_maps"), requests_before)

    def action_map_ids(self, day: date | None = None) -> list[str]:
        """The action maps listed now, and those whose funnel held records within the trailing
        window up to ``day``: a deleted map leaves the listing, but its last days are still landed."""
        listed = [
            m["id"] for _, records in self._pages("action_maps") for m in records if isinstance(m, dict) and m.get("id")
        ]
        gone = sorted(self.recent_parts("campaign_journey", day, PLATFORM) - set(listed))
        if gone:
            log.info("action maps no longer listed, landed for their last days: %s", ", ".join(gone))
        return listed + gone

    def action_map_funnel(self, day: date, action_map_id: str) -> dict:
        """One action map's web action counts for the day (journey aggregates, one interval per
        version the map had that day), landed as its part of the campaign_journey slice. A map
        without activity that day lands an empty part, so a re-run replaces whatever was there.
        A metric the org refuses by name (journey outcomes are deprecated) is left out of the query
        for the rest of the run and named in the manifest; a slice taken before the figures settle
        is pending_backfill."""
        before = self.pool.sent
        body = self._aggregates(day, action_map_id)
        records = [
            {**container.get("group", {}), **data} if isinstance(container, dict) and isinstance(data, dict) else data
            for container in body.get("results") or []
            for data in (container.get("data") or [])
        ]
        extra = {"pending_backfill": self.clock() < day_end(day) + JOURNEY_SETTLE}
        if self.withdrawn_metrics:
            extra["withdrawn_metrics"] = ",".join(sorted(self.withdrawn_metrics))
        with self._writer("campaign_journey", day, PLATFORM, part=action_map_id) as writer:
            writer.write_page(records)
            return writer.commit(requests=self.pool.sent - before, **extra)

    def _aggregates(self, day: date, action_map_id: str) -> dict:
        while True:
            metrics = [m for m in ACTION_MAP_METRICS if m not in self.withdrawn_metrics]
            try:
                return self._get("journey_aggregates", action_map_id=action_map_id, metrics=metrics, **day_bounds(day))
            except ApiError as exc:
                refused = {m for m in metrics if m in str(exc)} if exc.status == 400 else set()
                if not refused or refused == set(metrics):
                    raise
                log.warning("the org no longer offers %s: asking without them", ", ".join(sorted(refused)))
                self.withdrawn_metrics |= refused
