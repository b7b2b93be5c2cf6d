"""Retention on partitioned raw tables: a ready day's partition is dropped whole, a day not
rolled up since its last record keeps its partition and rows, and late records of a
dropped day still reach its rollup. The same behaviour holds on SQLite, unpartitioned."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, text

from evaluators.jobs import Job
from evaluators.runner import run_job
from evaluators.windows import Window
from metrics.store import rollups
from metrics.store.database import Store
from metrics.store.partitions import create_day_partitions, day_partitions
from metrics.store.tables import Inference
from tests.unit.metrics.test_partitions import stored_keys

READY = Window(datetime(2025, 5, 1, tzinfo=UTC), datetime(2025, 5, 2, tzinfo=UTC))
LATE = Window(READY.end, READY.end + timedelta(days=1))  # receives a record after its rollup
Rows = Callable[..., list[dict[str, Any]]]


def calls_by_day(store: Store) -> dict[datetime, int]:
    i = Inference.__table__.c  # type: ignore[attr-defined]
    day = func.date(i.timestamp)
    with store.engine.connect() as connection:
        rows = connection.execute(select(day, func.count()).group_by(day)).all()
    return {datetime.fromisoformat(str(d)).replace(tzinfo=UTC): n for d, n in rows}


def rolled_up_calls(store: Store) -> int:
    u = rollups.DailyUsage.__table__.c  # type: ignore[attr-defined]
    with store.engine.connect() as connection:
        return int(connection.execute(select(func.coalesce(func.sum(u.calls), 0))).scalar_one())


def partitions_and_keys(store: Store) -> tuple[set[datetime], int]:
    """The days with an inference partition, and how many inference keys are kept."""
    with store.engine.connect() as connection:
        days = {day.replace(tzinfo=UTC) for day in day_partitions(connection, "inference")}
        return days, stored_keys(connection, "inference")


def make_partitions(store: Store, *days: Window) -> None:
    if store.dialect == "postgresql":
        with store.engine.begin() as connection:
            for table in ("inference", "feedback", "accuracy_sample", "outcome",
                          "resource_sample"):
                create_day_partitions(connection, table, [day.start for day in days])


def test_retention_drops_a_ready_days_partition_and_keeps_one_not_rolled_up_since(
    store: Store, insert: Callable, call_rows: Rows, jobs: Callable[..., Job]
) -> None:
    make_partitions(store, READY, LATE)
    insert(Inference, call_rows(READY, [1.0, 2.0, 3.0]))
    insert(Inference, call_rows(LATE, [1.0, 2.0]))
    run_job(store, jobs("rollup"), LATE.end + timedelta(minutes=5))
    insert(Inference, call_rows(LATE, [9.0]))  # after the rollup: LATE is not ready
    later = LATE.end + timedelta(days=100)

    run_job(store, jobs("retention", retention_days=90), later)

    assert calls_by_day(store) == {LATE.start: 3}
    if store.dialect == "postgresql":
        days, keys = partitions_and_keys(store)
        assert READY.start not in days
        assert LATE.start in days
        assert keys == 3
        # and the week ahead of the run has its partitions
        assert {later + timedelta(days=n) for n in range(1, 7)} <= days

    run_job(store, jobs("rollup"), later)
    run_job(store, jobs("retention", retention_days=90), later + timedelta(days=1))

    assert calls_by_day(store) == {}
    assert rolled_up_calls(store) == 6
    if store.dialect == "postgresql":
        days, keys = partitions_and_keys(store)
        assert LATE.start not in days
        assert keys == 0


def test_late_records_of_a_dropped_day_are_merged_into_its_rollup(
    store: Store, insert: Callable, call_rows: Rows, jobs: Callable[..., Job]
) -> None:
    make_partitions(store, READY)
    insert(Inference, call_rows(READY, [1.0, 2.0, 3.0]))
    run_job(store, jobs("rollup"), READY.end + timedelta(minutes=5))
    later = READY.end + timedelta(days=100)
    run_job(store, jobs("retention", retention_days=90), later)

    insert(Inference, call_rows(READY, [4.0, 5.0]))  # 100 days late: no partition now
    assert calls_by_day(store) == {READY.start: 2}
    if store.dialect == "postgresql":
        with store.engine.connect() as connection:
            default = connection.execute(text("SELECT count(*) FROM inference_default"))
            assert default.scalar_one() == 2
    run_job(store, jobs("rollup"), later + timedelta(minutes=5))

    assert rolled_up_calls(store) == 5
    assert calls_by_day(store) == {}
    if store.dialect == "postgresql":
        assert partitions_and_keys(store)[1] == 0
