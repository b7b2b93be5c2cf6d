"""Late and back-filled records reach every evaluation: windows and days are evaluated
again, their results replaced (never doubled) and marked revised."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest
from pydantic import ValidationError
from sqlalchemy import func, select

from evaluators.jobs import Job
from evaluators.results import EVALUATION_RESULTS
from evaluators.runner import run_job
from evaluators.staleness import TOUCHES
from evaluators.windows import Window
from metrics.settings import Settings
from metrics.store import rollups
from metrics.store.database import Store
from metrics.store.tables import Inference

NOW = datetime(2026, 3, 2, 11, 5, tzinfo=UTC)
CURRENT = Window(datetime(2026, 3, 2, 10, tzinfo=UTC), datetime(2026, 3, 2, 11, tzinfo=UTC))
DAY = Window(datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 2, tzinfo=UTC))
Rows = Callable[..., list[dict[str, Any]]]


def latency_results(store: Store) -> list[Any]:
    r = EVALUATION_RESULTS.c
    with store.engine.connect() as connection:
        return connection.execute(
            select(r.window_end, r.value, r.revision, r.sample_count)
            .where(r.evaluator == "drift", r.subject == "latency_s")
            .order_by(r.window_end)
        ).all()


def daily_calls(store: Store) -> list[tuple[str, int]]:
    u = rollups.DailyUsage.__table__.c  # type: ignore[attr-defined]
    with store.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(
            select(u.use_case, u.calls).where(u.day == DAY.start).order_by(u.use_case)
        )]


def raw_calls(store: Store) -> int:
    with store.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(Inference)).scalar_one()


def test_windows_evaluated_while_empty_are_evaluated_when_their_records_arrive(
    store: Store, insert: Callable, call_rows: Rows, jobs: Callable[..., Job]
) -> None:
    job = jobs("drift")
    first = run_job(store, job, NOW)  # what a fresh `serve` does: 24 empty windows
    assert len(first.windows) == 24 and latency_results(store) == []

    rng = np.random.default_rng(3)  # a client's retry queue flushes two closed hours
    insert(Inference, call_rows(CURRENT.previous(), rng.normal(1.0, 0.1, 300)))
    insert(Inference, call_rows(CURRENT, rng.normal(1.5, 0.1, 300)))
    again = run_job(store, job, NOW + timedelta(minutes=1))

    assert {w.end for w in again.windows} == {CURRENT.start, CURRENT.end}
    assert again.revised == 2
    (end, ks, revision, samples), = latency_results(store)
    assert (end, revision, samples) == (CURRENT.end, 2, 300)
    assert ks > 0.9  # a shift of five standard deviations


def test_late_records_replace_a_windows_results_and_the_next_run_has_nothing_to_do(
    store: Store, insert: Callable, call_rows: Rows, jobs: Callable[..., Job]
) -> None:
    rng = np.random.default_rng(4)
    insert(Inference, call_rows(CURRENT.previous(), rng.normal(1.0, 0.1, 300)))
    insert(Inference, call_rows(CURRENT, rng.normal(1.0, 0.1, 300)))
    job = jobs("drift")
    run_job(store, job, NOW)
    (_, before, revision, _), = latency_results(store)
    assert revision == 1

    late = Window(CURRENT.start + timedelta(minutes=50), CURRENT.end)
    insert(Inference, call_rows(late, rng.normal(3.0, 0.1, 300)))
    run_job(store, job, NOW + timedelta(minutes=1))
    untouched = run_job(store, job, NOW + timedelta(minutes=2))

    (end, after, revision, samples), = latency_results(store)  # one row, not two
    assert (end, revision, samples) == (CURRENT.end, 2, 600)
    assert after > before + 0.3
    assert untouched.windows == ()


def test_a_retried_batch_of_stored_records_makes_nothing_stale(
    store: Store, insert: Callable, call_rows: Rows, jobs: Callable[..., Job]
) -> None:
    rows = call_rows(CURRENT, [1.0] * 50)
    insert(Inference, call_rows(CURRENT.previous(), [1.0] * 50))
    insert(Inference, rows)
    job = jobs("drift")
    run_job(store, job, NOW)
    insert(Inference, rows)  # the same ids again: duplicates, nothing new

    assert run_job(store, job, NOW + timedelta(minutes=1)).windows == ()


def test_records_older_than_the_horizon_do_not_reopen_windows(
    store: Store, insert: Callable, call_rows: Rows, jobs: Callable[..., Job]
) -> None:
    job = jobs("drift", retention_days=90, reevaluation_horizon_days=1)
    run_job(store, job, NOW)
    old = Window(CURRENT.start - timedelta(days=3), CURRENT.end - timedelta(days=3))
    insert(Inference, call_rows(old, [1.0] * 20))

    assert run_job(store, job, NOW + timedelta(minutes=1)).windows == ()


def test_a_touched_window_that_catch_up_skipped_is_evaluated(
    store: Store, insert: Callable, call_rows: Rows, jobs: Callable[..., Job]
) -> None:
    rng = np.random.default_rng(5)
    skipped = Window(CURRENT.start - timedelta(hours=5), CURRENT.end - timedelta(hours=5))
    insert(Inference, call_rows(skipped.previous(), rng.normal(1.0, 0.1, 100)))
    insert(Inference, call_rows(skipped, rng.normal(1.0, 0.1, 100)))
    job = jobs("drift", catch_up_windows=2)

    first = run_job(store, job, NOW)  # evaluates the last two windows only
    second = run_job(store, job, NOW + timedelta(minutes=1))

    assert [w.end.hour for w in first.windows] == [10, 11]
    assert {w.end for w in second.windows} == {skipped.start, skipped.end}
    assert [(end, revision) for end, _, revision, _ in latency_results(store)] == [
        (skipped.end, 1)
    ]


def test_every_stale_window_is_evaluated_when_asked_beyond_the_per_run_bound(
    store: Store, insert: Callable, call_rows: Rows, jobs: Callable[..., Job]
) -> None:
    job = jobs("drift", reevaluation_windows_per_run=1)
    run_job(store, job, NOW)
    for hours in range(4):
        back = timedelta(hours=hours)
        insert(Inference, call_rows(Window(CURRENT.start - back, CURRENT.end - back), [1.0]))

    bounded = run_job(store, job, NOW + timedelta(minutes=1))
    every = run_job(store, job, NOW + timedelta(minutes=2), every_stale=True)

    assert [w.end for w in bounded.windows] == [CURRENT.end]  # newest first
    assert [w.end.hour for w in every.windows] == [10, 9, 8]  # the other three


def test_a_day_rolled_up_before_its_late_records_is_rolled_up_again(
    store: Store, insert: Callable, call_rows: Rows, jobs: Callable[..., Job]
) -> None:
    insert(Inference, call_rows(DAY, [1.0, 2.0, 3.0]))
    rollup = jobs("rollup")
    run_job(store, rollup, DAY.end + timedelta(minutes=5))
    # A long call that started before midnight, exported after the rollup.
    insert(Inference, call_rows(Window(DAY.end - timedelta(minutes=1), DAY.end), [70.0],
                                use_case="billing"))
    again = run_job(store, rollup, DAY.end + timedelta(minutes=10))

    assert [(w.start, w.revision) for w in again.windows] == [(DAY.start, 2)]
    assert daily_calls(store) == [("", 3), ("billing", 1)]


def test_late_records_for_a_pruned_day_are_added_to_its_rollup_and_then_deleted(
    store: Store, insert: Callable, call_rows: Rows, jobs: Callable[..., Job]
) -> None:
    insert(Inference, call_rows(DAY, [1.0, 2.0, 3.0]))
    later = DAY.end + timedelta(days=100)
    run_job(store, jobs("rollup"), DAY.end + timedelta(minutes=5))
    run_job(store, jobs("retention", retention_days=90), later)
    assert raw_calls(store) == 0

    insert(Inference, call_rows(DAY, [4.0, 5.0]))  # a backfill, 100 days late
    run_job(store, jobs("rollup"), later + timedelta(minutes=5))

    assert daily_calls(store) == [("", 5)]
    u = rollups.DailyUsage.__table__.c  # type: ignore[attr-defined]
    with store.engine.connect() as connection:
        latency_sum, longest = connection.execute(select(u.latency_s_sum, u.latency_s_max)).one()
    assert (latency_sum, longest) == (15.0, 5.0)
    assert raw_calls(store) == 0  # past retention: summarised, then gone


def test_retention_keeps_a_days_late_records_until_they_are_rolled_up(
    store: Store, insert: Callable, call_rows: Rows, jobs: Callable[..., Job]
) -> None:
    insert(Inference, call_rows(DAY, [1.0]))
    run_job(store, jobs("rollup"), DAY.end + timedelta(minutes=5))
    insert(Inference, call_rows(DAY, [2.0]))  # arrives after the rollup
    retention = jobs("retention", retention_days=90)
    later = DAY.end + timedelta(days=100)

    run_job(store, retention, later)
    assert raw_calls(store) == 2  # the late record is not yet in the rollup: nothing goes
    run_job(store, jobs("rollup"), later)
    run_job(store, retention, later + timedelta(days=1))

    assert raw_calls(store) == 0
    assert daily_calls(store) == [("", 2)]


def test_ingest_notes_each_touched_hour_once_per_commit(
    store: Store, insert: Callable, call_rows: Rows
) -> None:
    insert(Inference, call_rows(DAY, [1.0] * 48))  # two calls an hour
    insert(Inference, call_rows(CURRENT, [1.0] * 10))
    with store.engine.connect() as connection:
        versions = dict(connection.execute(select(TOUCHES.c.hour, TOUCHES.c.version)).all())
    assert len(versions) == 25
    assert set(versions.values()) == {1}


def test_a_horizon_longer_than_retention_is_refused() -> None:
    with pytest.raises(ValidationError, match="REEVALUATION_HORIZON_DAYS"):
        Settings(retention_days=30, reevaluation_horizon_days=31)
    assert Settings(retention_days=30).reevaluation_horizon == timedelta(days=30)
