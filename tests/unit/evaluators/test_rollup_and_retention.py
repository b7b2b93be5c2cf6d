"""Daily rollups hold the day's totals; retention deletes raw records only once rolled up."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pytest import approx
from sqlalchemy import func, select
from sqlmodel import Session, SQLModel

from evaluators.jobs import Job
from evaluators.runner import run_job
from evaluators.upkeep.rollup import latency_quantile
from evaluators.windows import Window
from metrics.store import rollups
from metrics.store.database import Store
from metrics.store.tables import AccuracySample, Feedback, Inference, Outcome, ResourceSample

DAY = Window(datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 2, tzinfo=UTC))
NOW = datetime(2026, 3, 2, 0, 5, tzinfo=UTC)
Rows = Callable[..., list[dict[str, Any]]]


def all_rows(store: Store, model: type[SQLModel]) -> list[Any]:
    with Session(store.engine) as session:
        return list(session.exec(select(model)).scalars())


def count(store: Store, model: type[SQLModel]) -> int:
    with Session(store.engine) as session:
        return session.exec(select(func.count()).select_from(model)).scalar_one()


def seed_day(insert: Callable, call_rows: Rows, day: Window, tag: str = "") -> None:
    calls = call_rows(
        day, [0.5, 1.0, 3.0, 100.0], use_case=["billing", "billing", "billing", None],
        status=["ok", "ok", "error", "ok"], cost_usd=[0.01, 0.02, None, 0.03],
        ttft_s=[0.1, 0.2, None, None], input_tokens=[100, 200, 300, 400],
    )
    insert(Inference, calls)
    insert(Feedback, [
        {"id": f"f{tag}{i}", "inference_id": calls[i]["id"], "app": "", "kind": "rating",
         "value": value, "label": None, "comment": None, "timestamp": calls[i]["timestamp"],
         "user_hash": None}
        for i, value in enumerate([5.0, 4.0, 2.0, 3.0])
    ])
    insert(AccuracySample, [
        {"id": f"a{tag}{i}", "inference_id": None, "app": "support", "model": "gpt-4o-mini",
         "task": "qa", "correct": correct, "score": score, "grader": "human",
         "timestamp": day.start + timedelta(hours=i)}
        for i, (correct, score) in enumerate([(True, 0.9), (False, None), (None, 0.5)])
    ])
    insert(Outcome, [
        {"id": f"o{tag}{i}", "inference_id": None, "app": "support", "name": "ticket_resolved",
         "value": 1.0, "unit": "count", "use_case": None,
         "timestamp": day.start + timedelta(hours=i)}
        for i in range(3)
    ])


def test_a_day_is_rolled_up_into_its_totals(
    store: Store, insert: Callable, call_rows: Rows, jobs: Callable[..., Job]
) -> None:
    seed_day(insert, call_rows, DAY)

    run = run_job(store, jobs("rollup"), NOW)

    assert run.windows == (DAY,)
    usage = {row.use_case: row for row in all_rows(store, rollups.DailyUsage)}
    billing = usage["billing"]
    assert (billing.day, billing.app, billing.model) == (DAY.start, "support", "gpt-4o-mini")
    assert (billing.calls, billing.errors, billing.input_tokens) == (3, 1, 600)
    assert (billing.cost_usd, billing.unpriced_calls) == (approx(0.03), 1)
    assert (billing.latency_s_sum, billing.latency_s_max) == (approx(4.5), 3.0)
    assert (billing.ttft_count, billing.ttft_s_sum) == (2, approx(0.3))
    # Cumulative counts at the GenAI bounds 0.01 ... 81.92: 0.5 <= 0.64, 1.0 <= 1.28, 3.0 <= 5.12.
    assert billing.latency_buckets == [0, 0, 0, 0, 0, 0, 1, 2, 2, 3, 3, 3, 3, 3]
    assert usage[""].latency_p95_s == approx(81.92 + 0.95 * (100.0 - 81.92))
    [feedback] = all_rows(store, rollups.DailyFeedback)
    assert (feedback.app, feedback.model, feedback.kind) == ("support", "gpt-4o-mini", "rating")
    assert (feedback.count, feedback.value_sum, feedback.positive, feedback.negative) == (
        4, approx(14.0), 2, 1
    )
    [accuracy] = all_rows(store, rollups.DailyAccuracy)
    assert (accuracy.samples, accuracy.graded, accuracy.correct) == (3, 2, 1)
    assert (accuracy.score_count, accuracy.score_sum) == (2, approx(1.4))
    [outcome] = all_rows(store, rollups.DailyOutcome)
    assert (outcome.name, outcome.unit, outcome.count, outcome.value_sum) == (
        "ticket_resolved", "count", 3, 3.0
    )
    assert [row.day_start for row in all_rows(store, rollups.RollupDay)] == [DAY.start]


def test_resource_readings_are_rolled_up_per_host_metric_and_device(
    store: Store, insert: Callable, jobs: Callable[..., Job]
) -> None:
    insert(ResourceSample, [
        {"id": m, "timestamp": DAY.start + timedelta(minutes=m), "host": "h1",
         "name": "valuewatch_gpu_power_watts", "device": "0", "value": float(m)}
        for m in (10, 20, 30)
    ])

    run_job(store, jobs("rollup"), NOW)

    [resource] = all_rows(store, rollups.DailyResource)
    assert (resource.samples, resource.value_sum, resource.value_max) == (3, 60.0, 30.0)


def test_nothing_is_rolled_up_before_any_record_exists(
    store: Store, jobs: Callable[..., Job]
) -> None:
    assert run_job(store, jobs("rollup"), NOW).windows == ()
    assert count(store, rollups.RollupDay) == 0


@pytest.mark.parametrize(
    ("buckets", "calls", "longest", "expected"),
    [
        pytest.param([0] * 6 + [10] * 8, 10, 0.6, 0.32 + 0.95 * 0.32, id="inside one bucket"),
        pytest.param([0] * 14, 4, 120.0, 81.92 + 0.95 * (120 - 81.92), id="above the last bound"),
        pytest.param([], 0, 0.0, None, id="no calls"),
    ],
)
def test_the_p95_is_interpolated_within_its_bucket(
    buckets: list[int], calls: int, longest: float, expected: float | None
) -> None:
    assert latency_quantile(buckets, calls, longest, 0.95) == (
        None if expected is None else approx(expected)
    )


def test_retention_deletes_old_raw_records_only_after_their_day_is_rolled_up(
    store: Store, insert: Callable, call_rows: Rows, jobs: Callable[..., Job]
) -> None:
    old_day = Window(DAY.start - timedelta(days=100), DAY.end - timedelta(days=100))
    seed_day(insert, call_rows, old_day, tag="old")
    seed_day(insert, call_rows, DAY, tag="new")
    retention = jobs("retention", retention_days=90)

    run_job(store, retention, NOW)
    assert count(store, Inference) == 8  # not rolled up yet: nothing deleted

    run_job(store, jobs("rollup"), NOW)
    assert count(store, rollups.DailyUsage) == 4
    run_job(store, retention, NOW + timedelta(days=1))

    assert count(store, Inference) == 4
    assert count(store, Feedback) == 4
    assert count(store, AccuracySample) == 3
    assert count(store, Outcome) == 3
    with Session(store.engine) as session:
        oldest = session.exec(select(func.min(Inference.timestamp))).scalar_one()
    assert oldest >= DAY.start
    assert count(store, rollups.DailyUsage) == 4  # the rollups themselves are kept
