"""The scheduled jobs, built once from the settings."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import Connection

from evaluators.drift.config import baseline_window, drift_overrides
from evaluators.drift.evaluate import evaluate_drift
from evaluators.fairness.evaluate import FairnessConfig, evaluate_fairness
from evaluators.quality.accuracy import evaluate_accuracy
from evaluators.quality.feedback import evaluate_feedback
from evaluators.topics.job import evaluate_topics
from evaluators.upkeep.retention import delete_rolled_up
from evaluators.upkeep.rollup import RAW_SOURCES, earliest_raw_record, roll_up_day
from evaluators.value.job import evaluate_kpis
from evaluators.value.report.delivery import deliver_reports, delivery_targets
from evaluators.value.report.job import evaluate_report
from evaluators.windows import Window
from metrics.settings import Settings
from metrics.store.database import Store
from metrics.value.config import load_value_config

DAY = timedelta(days=1)
Evaluate = Callable[[Connection, Window], int]
"""An evaluator: reads a window's records and writes its results on the window's
connection; returns the rows written."""
StoreEvaluate = Callable[[Store, Connection, Window], int]
"""An evaluator that also reads from the store on connections of its own (drift streams
its samples), writing on the window's connection."""


@dataclass(frozen=True, kw_only=True)
class Job:
    """A job: how often it runs, the windows it evaluates, and what it does with one.

    Window ends are multiples of `step` since the epoch; each window is `length` long
    (longer than `step` for sliding windows) and is due `lateness` after its end.
    Exactly one of `evaluate` and `evaluate_with_store` is given.
    """

    name: str
    interval: timedelta
    step: timedelta
    length: timedelta
    lateness: timedelta
    catch_up: int  # at most this many windows per run
    evaluate: Evaluate | None = None
    evaluate_with_store: StoreEvaluate | None = None
    earliest: Callable[[Store], datetime | None] | None = None  # where a first run starts
    # The raw tables a window reads: records arriving there late make the window stale,
    # and it is evaluated again if it started within `horizon`, at most `stale_limit` a run.
    sources: tuple[str, ...] = ()
    horizon: timedelta = timedelta(0)
    stale_limit: int = 0

    def __post_init__(self) -> None:
        if (self.evaluate is None) == (self.evaluate_with_store is None):
            raise ValueError(f"job {self.name}: give exactly one of evaluate, evaluate_with_store")

    def evaluate_window(self, store: Store, connection: Connection, window: Window) -> int:
        """Evaluate `window` on `connection`; only an evaluator that reads from the store
        is handed it."""
        if self.evaluate_with_store is not None:
            return self.evaluate_with_store(store, connection, window)
        assert self.evaluate is not None  # __post_init__ saw to it
        return self.evaluate(connection, window)


def build_jobs(settings: Settings) -> tuple[Job, ...]:
    """Every job, configured; raises ValueError on a bad drift or value configuration."""
    s = settings
    value = load_value_config(s.value_config)
    kpis = timedelta(seconds=s.kpi_interval_s)
    lateness = timedelta(seconds=s.evaluation_lateness_s)
    drift = timedelta(seconds=s.drift_interval_s)
    accuracy = timedelta(seconds=s.accuracy_interval_s)
    feedback = timedelta(seconds=s.feedback_interval_s)
    late = {"horizon": s.reevaluation_horizon, "stale_limit": s.reevaluation_windows_per_run}
    windows = {"lateness": lateness, "catch_up": s.catch_up_windows}
    topics = (
        Job(name="topics", interval=timedelta(seconds=s.topics_interval_s), step=DAY,
            length=DAY, lateness=lateness, catch_up=1,
            evaluate=partial(evaluate_topics, min_users=s.topics_min_users,
                             max_themes=s.topics_max_themes,
                             content_hours=s.topics_content_hours)),
    ) if s.topics_enabled else ()
    return (
        Job(name="drift", interval=drift, step=drift, length=drift, **windows,
            evaluate_with_store=partial(
                evaluate_drift, overrides=drift_overrides(s), baseline=baseline_window(s),
                capacity=s.drift_sample_size, reference=s.drift_reference,
            ), sources=("inference", "feedback"), **late),
        Job(name="accuracy", interval=accuracy, step=accuracy,
            length=timedelta(seconds=s.accuracy_window_s), **windows,
            evaluate=partial(evaluate_accuracy, target=s.accuracy_target),
            sources=("accuracy_sample",), **late),
        Job(name="feedback", interval=feedback, step=feedback,
            length=timedelta(seconds=s.feedback_window_s), **windows,
            evaluate=evaluate_feedback, sources=("feedback",), **late),
        Job(name="fairness", interval=timedelta(seconds=s.fairness_interval_s),
            step=timedelta(seconds=s.fairness_interval_s),
            length=timedelta(seconds=s.fairness_window_s), **windows,
            evaluate=partial(evaluate_fairness, config=fairness_config(s)),
            sources=("inference", "feedback", "accuracy_sample"), **late),
        # Every day ingest still accepts records for can be rolled up after downtime, and
        # rolled up again when late records reach it, however old (see roll_up_day).
        Job(name="rollup", interval=timedelta(seconds=s.rollup_interval_s), step=DAY,
            length=DAY, lateness=lateness, catch_up=s.max_record_age_days,
            evaluate=roll_up_day, earliest=earliest_raw_record, sources=RAW_SOURCES,
            horizon=DAY * (s.max_record_age_days + 1), stale_limit=s.max_record_age_days + 1),
        # The latest day's cutoff covers every older day, so one window is enough.
        Job(name="retention", interval=timedelta(seconds=s.retention_interval_s), step=DAY,
            length=DAY, lateness=lateness, catch_up=1,
            evaluate=partial(delete_rolled_up, retention_days=s.retention_days,
                             forget_after_days=s.max_record_age_days + 2,
                             content_hours=s.content_retention_hours,
                             content_keys=tuple(s.content_keys),
                             partition_days_ahead=s.partition_days_ahead)),
        # Each run recomputes the month to date, so only the latest window matters.
        Job(name="kpis", interval=kpis, step=kpis, length=kpis, lateness=lateness, catch_up=1,
            evaluate=partial(evaluate_kpis, config=value)),
        # Prompt content lives a day at most, so only the latest day can be read.
        *topics,
        Job(name="report", interval=timedelta(seconds=s.report_interval_s), step=DAY,
            length=DAY, lateness=lateness, catch_up=1,
            evaluate=partial(evaluate_report, config=value, report_dir=s.report_dir,
                             channels=s.report_channels)),
        # After the report job, so that a month that closed is sent in the same pass.
        Job(name="delivery", interval=timedelta(seconds=s.delivery_interval_s),
            step=timedelta(seconds=s.delivery_interval_s),
            length=timedelta(seconds=s.delivery_interval_s), lateness=timedelta(0), catch_up=1,
            evaluate_with_store=partial(deliver_reports, targets=delivery_targets(s))),
    )


def fairness_config(settings: Settings) -> FairnessConfig:
    """What the fairness job compares, from the settings."""
    s = settings
    return FairnessConfig(
        segments=s.segment_keys, values_max=s.segment_values_max, alpha=s.fairness_alpha,
        min_samples=s.fairness_min_samples, gap_min_ratio=s.fairness_gap_min_ratio,
        gap_min_latency_s=s.fairness_gap_min_latency_s,
    )


def job_named(jobs: tuple[Job, ...], name: str) -> Job:
    """The job called `name`; ValueError lists the known ones."""
    for job in jobs:
        if job.name == name:
            return job
    raise ValueError(f"unknown job {name!r}; known jobs: {', '.join(j.name for j in jobs)}")
