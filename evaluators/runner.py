"""Running one job now: under its lock, over every window due, one transaction per window."""

import logging
from dataclasses import dataclass
from datetime import datetime

from evaluators.jobs import Job
from evaluators.lock import job_lock
from evaluators.run_state import last_window_end, record_success
from evaluators.windows import Window, due_windows
from metrics.store import Store
from metrics.types import utc_now

log = logging.getLogger("valuewatch.evaluators")


@dataclass(frozen=True)
class JobRun:
    """What one run of a job did."""

    job: str
    ran: bool  # False when another replica held the job's lock
    windows: tuple[Window, ...] = ()
    rows: int = 0  # rows written, or deleted by retention


def run_job(store: Store, job: Job, now: datetime | None = None) -> JobRun:
    """Evaluate every window of `job` due at `now`, unless another replica is running it.

    Each window's results and the job's progress commit together, so a run that dies
    half way resumes at the first window it did not finish.
    """
    now = now or utc_now()
    with job_lock(store, job.name) as held:
        if not held:
            log.info("job %s: skipped, another replica is running it", job.name)
            return JobRun(job.name, ran=False)
        windows = _due(store, job, now)
        rows = 0
        for window in windows:
            with store.engine.begin() as connection:
                rows += job.evaluate(store, connection, window)
                record_success(connection, job.name, at=utc_now(), window_end=window.end)
        if not windows:
            with store.engine.begin() as connection:
                record_success(connection, job.name, at=utc_now(), window_end=None)
    log.info("job %s: %d window(s), %d row(s)", job.name, len(windows), rows)
    return JobRun(job.name, ran=True, windows=tuple(windows), rows=rows)


def _due(store: Store, job: Job, now: datetime) -> list[Window]:
    """The windows of `job` due at `now`. A job that starts from its earliest record
    (the rollup) has nothing due until a record exists: an empty day marked rolled up
    would let retention delete records that are later backfilled into it."""
    last_end = last_window_end(store, job.name)
    earliest = None
    if job.earliest is not None and last_end is None:
        earliest = job.earliest(store)
        if earliest is None:
            return []
    return due_windows(
        now=now, step=job.step, length=job.length, lateness=job.lateness,
        last_end=last_end, limit=job.catch_up, earliest=earliest,
    )
