"""Asynchronous queries: submit, poll with backoff and jitter (never faster than once a second,
within a budget), then read every results page. A job that ends FAILED, CANCELLED or EXPIRED, or
outlives the budget, fails the slice clearly; a task retry submits a fresh job."""

from __future__ import annotations

import logging
import random
import time
from typing import Iterator

from ..errors import JobFailed, RateLimited
from .catalogue import AsyncQuery
from .client import ApiClient

log = logging.getLogger(__name__)
MIN_POLL_SECONDS = 1.0
MAX_POLL_SECONDS = 30.0


def run_async_query(
    client: ApiClient, query: AsyncQuery, values: dict, budget_seconds: float, sleep=time.sleep, clock=time.monotonic
) -> Iterator[dict]:
    deadline = clock() + budget_seconds
    submitted = _submit(client, query, values, deadline, sleep, clock)
    path = query.submit.render(**values)[0]
    job_id = submitted.get(query.id_key) if isinstance(submitted, dict) else None
    if not job_id:
        raise JobFailed(f"{path}: the submission answered without {query.id_key}")
    values = {**values, "job_id": job_id}
    status_path, _, _ = query.status.render(**values)
    delay = MIN_POLL_SECONDS
    while True:
        sleep(delay * random.uniform(1.0, 1.25))  # jitter above the floor: never faster than once a second
        status = client.call("GET", status_path)
        state = status.get("state")
        if state == query.done:
            break
        if state in query.failed:
            raise JobFailed(f"job {job_id} ended {state}: {status.get('errorMessage', 'no reason given')}")
        if clock() > deadline:
            raise JobFailed(f"job {job_id} still {state} after {budget_seconds:.0f}s; a retry submits a new job")
        delay = min(MAX_POLL_SECONDS, delay * 1.5)
    log.info("job %s %s", job_id, state)
    results_path, results_params, _ = query.results.render(**values)
    yield from query.results.paginator.pages(client.call, results_path, results_params)


def _submit(client: ApiClient, query: AsyncQuery, values: dict, deadline: float, sleep, clock) -> dict:
    """Submits the job. The platform limits how many jobs run at once and how many are submitted a
    minute, apart from the request budget, and refuses one more with 429: the submission waits its
    Retry-After and tries again until the poll budget runs out, without holding back other calls."""
    path, params, body = query.submit.render(**values)
    while True:
        try:
            return client.call(query.submit.method, path, params=params or None, json=body, own_limit=True)
        except RateLimited as exc:
            if clock() + exc.retry_after > deadline:
                raise JobFailed(f"{path}: job submissions still refused ({exc}); a retry submits again") from None
            log.warning("%s refused (%s); submitting again in %.0fs", path, exc, exc.retry_after)
            sleep(exc.retry_after)
