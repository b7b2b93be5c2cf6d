"""What a drift window is compared with: last week's same window by default, the window
before while no week is stored, or the setting's choice."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from sqlmodel import Session, select

from evaluators.jobs import Job
from evaluators.runner import run_job
from evaluators.windows import Window
from metrics.store.database import Store
from metrics.store.tables import EvaluationResult, Inference

NOW = datetime(2026, 3, 9, 11, 5, tzinfo=UTC)
CURRENT = Window(datetime(2026, 3, 9, 10, tzinfo=UTC), datetime(2026, 3, 9, 11, tzinfo=UTC))
LAST_WEEK = Window(CURRENT.start - timedelta(days=7), CURRENT.end - timedelta(days=7))
Rows = Callable[..., list[dict[str, Any]]]


def latency_result(store: Store) -> EvaluationResult:
    with Session(store.engine) as session:
        return session.exec(
            select(EvaluationResult).where(
                EvaluationResult.evaluator == "drift", EvaluationResult.subject == "latency_s",
                EvaluationResult.window_start == CURRENT.start,
            )
        ).one()


def test_the_same_hour_last_week_is_the_default_reference(
    store: Store, insert: Callable, call_rows: Rows, jobs: Callable[..., Job]
) -> None:
    # The hour before is quieter and faster, as nights are; last week's 10:00 matches.
    rng = np.random.default_rng(5)
    insert(Inference, call_rows(LAST_WEEK, rng.normal(2.0, 0.2, 400)))
    insert(Inference, call_rows(CURRENT.previous(), rng.normal(1.6, 0.2, 400)))
    insert(Inference, call_rows(CURRENT, rng.normal(2.0, 0.2, 400)))

    run_job(store, jobs("drift"), NOW)

    latency = latency_result(store)
    assert latency.details["reference_start"] == LAST_WEEK.start.isoformat()
    assert latency.detected is False


def test_the_previous_window_is_the_reference_when_set(
    store: Store, insert: Callable, call_rows: Rows, jobs: Callable[..., Job]
) -> None:
    rng = np.random.default_rng(5)
    insert(Inference, call_rows(LAST_WEEK, rng.normal(2.0, 0.2, 400)))
    insert(Inference, call_rows(CURRENT.previous(), rng.normal(1.6, 0.2, 400)))
    insert(Inference, call_rows(CURRENT, rng.normal(2.0, 0.2, 400)))

    run_job(store, jobs("drift", drift_reference="previous_window"), NOW)

    latency = latency_result(store)
    assert latency.details["reference_start"] == CURRENT.previous().start.isoformat()
    assert latency.detected is True


def test_the_window_before_stands_in_until_a_week_is_stored(
    store: Store, insert: Callable, call_rows: Rows, jobs: Callable[..., Job]
) -> None:
    rng = np.random.default_rng(5)
    insert(Inference, call_rows(CURRENT.previous(), rng.normal(2.0, 0.2, 400)))
    insert(Inference, call_rows(CURRENT, rng.normal(2.0, 0.2, 400)))

    run_job(store, jobs("drift"), NOW)

    latency = latency_result(store)
    assert latency.details["reference_start"] == CURRENT.previous().start.isoformat()
    assert latency.reference_count == 400


def test_the_previous_7_days_pool_into_one_reference(
    store: Store, insert: Callable, call_rows: Rows, jobs: Callable[..., Job]
) -> None:
    rng = np.random.default_rng(5)
    week = Window(CURRENT.start - timedelta(days=7), CURRENT.start)
    insert(Inference, call_rows(week, rng.normal(2.0, 0.2, 700)))
    insert(Inference, call_rows(CURRENT, rng.normal(2.0, 0.2, 400)))

    run_job(store, jobs("drift", drift_reference="previous_7_days"), NOW)

    latency = latency_result(store)
    assert latency.details["reference_start"] == week.start.isoformat()
    assert latency.details["reference_end"] == CURRENT.start.isoformat()
    assert latency.reference_count == 700
