"""Running one job now: under its lock, over every window due or made stale by late
records, one transaction per window."""

import logging
from dataclasses import dataclass
from datetime import datetime

from evaluators.jobs import Job
from evaluators.lock import job_lock
from evaluators.run_state import last_window_end, record_success
from evaluators.staleness import record_evaluation, stale_windows, touch_sum
from evaluators.windows import Window, due_windows
from metrics.store.database import Store
from metrics.types import utc_now

log = logging.getLogger("valuewatch.evaluators")


@dataclass(frozen=True)
class JobRun:
    """What one run of a job did."""

    job: str
    ran: bool  # False when another replica held the job's lock
    windows: tuple[Window, ...] = ()
    rows: int = 0  # rows written, or deleted by retention

    @property
    def revised(self) -> int:
        """How many of the windows were evaluated again because late records arrived."""
        return sum(1 for window in self.windows if window.revision > 1)


def run_job(
    store: Store, job: Job, now: datetime | None = None, *, every_stale: bool = False
) -> JobRun:
    """Evaluate every window of `job` due at `now`, then the windows late records made
    stale (newest first, at most `job.stale_limit` unless `every_stale`), unless another
    replica is running the job.

    Each window's results, its evaluation note and the job's progress commit together,
    so a run that dies half way resumes at the first window it did not finish.
    """
    now = now or utc_now()
    limit = None if every_stale else job.stale_limit
    with job_lock(store, job.name) as held:
        if not held:
            log.info("job %s: skipped, another replica is running it", job.name)
            return JobRun(job.name, ran=False)
        last_end = last_window_end(store, job.name)
        stale = stale_windows(
            store, job=job.name, sources=job.sources, step=job.step, length=job.length,
            last_end=last_end, since=now - job.horizon,
        )[:limit]
        due = _due(store, job, now, last_end)
        windows = [*due, *stale]
        rows = 0
        for index, window in enumerate(windows):
            with store.engine.begin() as connection:
                # Read before the records, so that anything committed later counts as new.
                seen = touch_sum(connection, job.sources, window) if job.sources else 0
                rows += job.evaluate_window(store, connection, window)
                if job.sources:
                    record_evaluation(connection, job.name, window, seen=seen)
                progress = window.end if index < len(due) else None  # stale ones are older
                record_success(connection, job.name, at=utc_now(), window_end=progress)
        if not windows:
            with store.engine.begin() as connection:
                record_success(connection, job.name, at=utc_now(), window_end=None)
    run = JobRun(job.name, ran=True, windows=tuple(windows), rows=rows)
    log.info("job %s: %d window(s) (%d revised), %d row(s)", job.name, len(windows),
             run.revised, rows)
    return run


def _due(store: Store, job: Job, now: datetime, last_end: datetime | None) -> list[Window]:
    """The windows of `job` that closed since `last_end`. A job that starts from its
    earliest record (the rollup) has nothing due until a record exists."""
    earliest = None
    if job.earliest is not None and last_end is None:
        earliest = job.earliest(store)
        if earliest is None:
            return []
    return due_windows(
        now=now, step=job.step, length=job.length, lateness=job.lateness,
        last_end=last_end, limit=job.catch_up, earliest=earliest,
    )
