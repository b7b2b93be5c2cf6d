"""Running jobs: closed windows only, bounded catch-up, idempotent windows, one runner."""

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import delete, select
from sqlmodel import Session

from evaluators.jobs import Job
from evaluators.lock import job_lock
from evaluators.results import EVALUATION_RESULTS
from evaluators.run_state import EVALUATOR_RUNS, last_successes, last_window_end
from evaluators.runner import run_job
from evaluators.windows import Window
from metrics.store.database import Store
from metrics.store.tables import AccuracySample, Inference

NOW = datetime(2026, 3, 2, 11, 5, tzinfo=UTC)
CURRENT = Window(datetime(2026, 3, 2, 10, tzinfo=UTC), datetime(2026, 3, 2, 11, tzinfo=UTC))
Rows = Callable[..., list[dict[str, Any]]]


def stored_results(store: Store) -> list[tuple[Any, ...]]:
    """Every stored result, without its surrogate id and creation time."""
    kept = [c for c in EVALUATION_RESULTS.c if c.name not in ("id", "created_at")]
    with store.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(
            select(*kept).order_by(EVALUATION_RESULTS.c.id)
        )]


def seed_two_hours(insert: Callable, call_rows: Rows) -> None:
    rng = np.random.default_rng(1)
    insert(Inference, call_rows(CURRENT.previous(), rng.normal(1.0, 0.1, 300)))
    insert(Inference, call_rows(CURRENT, rng.normal(1.5, 0.1, 300), use_case="billing"))


def forget_progress(store: Store) -> None:
    with store.engine.begin() as connection:
        connection.execute(delete(EVALUATOR_RUNS))


def test_a_window_evaluated_twice_replaces_its_rows_with_the_same_ones(
    store: Store, insert: Callable, call_rows: Rows, jobs: Callable[..., Job]
) -> None:
    seed_two_hours(insert, call_rows)
    job = jobs("drift")

    first = run_job(store, job, NOW)
    before = stored_results(store)
    forget_progress(store)
    again = run_job(store, job, NOW)

    assert first.windows == again.windows
    assert len(before) == 5  # latency, input and output tokens, cost, use case
    assert stored_results(store) == before


def test_a_second_run_has_nothing_new_to_do_but_still_counts_as_a_success(
    store: Store, jobs: Callable[..., Job]
) -> None:
    job = jobs("accuracy")
    first = run_job(store, job, NOW)
    second = run_job(store, job, NOW + timedelta(minutes=1))

    assert len(first.windows) == 24
    assert second.windows == ()
    assert last_window_end(store, "accuracy") == datetime(2026, 3, 2, 11, 0, tzinfo=UTC)
    assert last_successes(store)["accuracy"] > NOW - timedelta(days=1)  # wall clock


def test_a_window_waits_for_late_records_before_it_is_evaluated(
    store: Store, jobs: Callable[..., Job]
) -> None:
    job = jobs("drift", catch_up_windows=1)
    just_closed = run_job(store, job, datetime(2026, 3, 2, 11, 1, tzinfo=UTC))
    later = run_job(store, job, datetime(2026, 3, 2, 11, 2, tzinfo=UTC))

    assert [w.end.hour for w in just_closed.windows] == [10]
    assert [w.end.hour for w in later.windows] == [11]


def test_after_a_long_downtime_only_the_most_recent_windows_are_caught_up(
    store: Store, jobs: Callable[..., Job]
) -> None:
    job = jobs("accuracy", catch_up_windows=6)
    run_job(store, job, NOW - timedelta(days=5))

    run = run_job(store, job, NOW)

    assert [w.end.strftime("%H:%M") for w in run.windows] == [
        "10:35", "10:40", "10:45", "10:50", "10:55", "11:00"
    ]


def test_a_job_whose_lock_is_held_elsewhere_is_skipped(
    store: Store, jobs: Callable[..., Job]
) -> None:
    with job_lock(store, "feedback") as held:
        assert held
        run = run_job(store, jobs("feedback"), NOW)

    assert run.ran is False
    assert last_window_end(store, "feedback") is None
    assert run_job(store, jobs("feedback"), NOW).ran is True


def test_two_runners_started_together_evaluate_each_window_once(
    store: Store, insert: Callable, jobs: Callable[..., Job]
) -> None:
    insert(AccuracySample, [
        {"id": f"s{i}", "inference_id": None, "app": "support", "model": "m", "task": "qa",
         "correct": i % 3 > 0, "score": None, "grader": "exact",
         "timestamp": NOW - timedelta(minutes=5 * i + 6)}
        for i in range(200)
    ])
    job = jobs("accuracy")
    start = threading.Barrier(2)
    runs = []

    def runner() -> None:
        start.wait()
        runs.append(run_job(store, job, NOW))

    threads = [threading.Thread(target=runner) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    evaluated = [window for run in runs for window in run.windows]
    assert len(evaluated) == len(set(evaluated)) == 24
    with Session(store.engine) as session:
        assert len(session.exec(select(EVALUATION_RESULTS.c.id)).all()) == 24
