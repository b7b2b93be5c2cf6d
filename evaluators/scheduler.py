"""The scheduler: every job on its interval in background threads, as an async context
manager for the serve lifespan or for `valuewatch evaluate`."""

import asyncio
import logging
from collections import deque
from collections.abc import Callable
from datetime import timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from evaluators.jobs import Job
from evaluators.runner import JobRun, run_job
from evaluators.windows import EPOCH
from metrics.store.database import Store
from metrics.types import utc_now

log = logging.getLogger("valuewatch.evaluators")


class EvaluatorScheduler:
    """Runs each job at start (to catch up) and then every `interval`.

    Runs fire just after windows close (at multiples of the interval, plus the job's
    lateness); a run that is late or overlaps the previous one is merged into one.
    Leaving the context waits for running jobs to finish. `after_run`, when given, is
    called in the job's thread after each run (to refresh the exported results).
    """

    def __init__(
        self, store: Store, jobs: tuple[Job, ...], history: int = 100,
        after_run: Callable[[], None] | None = None,
    ) -> None:
        self._store = store
        self._jobs = jobs
        self._after_run = after_run
        self._scheduler = BackgroundScheduler(
            timezone="UTC",
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )
        self.runs: deque[JobRun] = deque(maxlen=history)

    async def __aenter__(self) -> "EvaluatorScheduler":
        for job in self._jobs:
            self._scheduler.add_job(
                self._run, _trigger(job.interval, job.lateness), args=(job,),
                id=job.name, name=job.name, next_run_time=utc_now(),
            )
        self._scheduler.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await asyncio.to_thread(self._scheduler.shutdown, True)

    def _run(self, job: Job) -> None:
        try:
            self.runs.append(run_job(self._store, job))
        except Exception:
            log.exception("evaluator job %s failed", job.name)
        if self._after_run is not None:
            try:
                self._after_run()
            except Exception:
                log.exception("refresh after evaluator job %s failed", job.name)


def _trigger(interval: timedelta, lateness: timedelta) -> IntervalTrigger:
    """Every `interval`, at `lateness` past each multiple of it since the epoch."""
    return IntervalTrigger(
        seconds=interval.total_seconds(), start_date=EPOCH + lateness, timezone="UTC"
    )
