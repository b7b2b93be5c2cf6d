"""`valuewatch evaluate`, and the evaluators that `valuewatch serve` runs in-process."""

import asyncio
import contextlib
import logging
import signal
from contextlib import AbstractAsyncContextManager
from typing import Any

from prometheus_client import CollectorRegistry, start_http_server

from collector.periodic import Periodic
from evaluators.exporter import EvaluationCollector
from evaluators.jobs import Job, build_jobs, job_named
from evaluators.runner import run_job
from evaluators.scheduler import EvaluatorScheduler
from metrics.settings import Settings
from metrics.store.database import Store

log = logging.getLogger("valuewatch.evaluate")


def chosen_jobs(settings: Settings, name: str | None) -> tuple[Job, ...]:
    """Every job, or only the one called `name`; ValueError names a bad one."""
    jobs = build_jobs(settings)
    return jobs if name is None else (job_named(jobs, name),)


def evaluate_once(store: Store, jobs: tuple[Job, ...]) -> int:
    """Run `jobs` now, one after another, over every window due or made stale by late
    records, and say what each did."""
    for job in jobs:
        run = run_job(store, job, every_stale=True)
        if not run.ran:
            print(f"{job.name}: skipped, another replica is running it")
            continue
        print(f"{job.name}: {len(run.windows)} window(s) ({run.revised} revised), "
              f"{run.rows} row(s)")
    return 0


def evaluate_forever(
    store: Store, jobs: tuple[Job, ...], *, host: str, port: int, refresh_s: float,
    label_limit: int,
) -> int:
    """Run the scheduler until SIGINT or SIGTERM, with the evaluators' /metrics on `port`."""
    registry = CollectorRegistry()
    results = EvaluationCollector(store, label_limit=label_limit)
    registry.register(results)
    start_http_server(port, addr=host, registry=registry)
    log.info("evaluator metrics on http://%s:%d/metrics", host, port)
    asyncio.run(_until_stopped(*evaluator_work(store, jobs, results, refresh_s)))
    return 0


def in_process_evaluators(
    settings: Settings, store: Store, registry: CollectorRegistry
) -> list[AbstractAsyncContextManager[Any]]:
    """For `serve`: the scheduler for the app's lifespan, with its metrics added to the
    app's registry; nothing when VALUEWATCH_SCHEDULER_ENABLED=false (sidecars)."""
    if not settings.scheduler_enabled:
        return []
    results = EvaluationCollector(store, label_limit=settings.label_value_limit)
    registry.register(results)
    return evaluator_work(
        store, build_jobs(settings), results, settings.evaluator_metrics_refresh_s
    )


def evaluator_work(
    store: Store, jobs: tuple[Job, ...], results: EvaluationCollector, refresh_s: float
) -> list[AbstractAsyncContextManager[Any]]:
    """The scheduler, and the timer that re-reads `results` in a thread every `refresh_s`
    (the scheduler also re-reads them after each job)."""
    return [
        Periodic("evaluator metrics refresh", results.refresh, refresh_s),
        EvaluatorScheduler(store, jobs, after_run=results.refresh),
    ]


async def _until_stopped(*work: AbstractAsyncContextManager[Any]) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with contextlib.AsyncExitStack() as stack:
        for each in work:
            await stack.enter_async_context(each)
        await stop.wait()
