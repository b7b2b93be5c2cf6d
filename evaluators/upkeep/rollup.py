"""Nightly rollup: one UTC day of raw records into the daily aggregate tables."""

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, FromClause, Table, case, delete, func, select

from evaluators.signals import FEEDBACK
from evaluators.upkeep.rollup_merge import merged_with_stored
from evaluators.upkeep.user_sketch import day_sketch
from evaluators.windows import Window
from metrics.catalog import OPERATION_DURATION_BUCKETS
from metrics.feedback_rules import FEEDBACK_NEGATIVE, FEEDBACK_POSITIVE
from metrics.store.database import Store
from metrics.store.partitions import remove_day
from metrics.store.rollups import (
    DailyAccuracy,
    DailyFeedback,
    DailyFeedbackLabel,
    DailyOutcome,
    DailyResource,
    DailyUsage,
    DailyUsers,
    RollupDay,
)
from metrics.store.tables import (
    AccuracySample,
    Feedback,
    FeedbackKind,
    Inference,
    Outcome,
    ResourceSample,
    Status,
)
from metrics.store.upsert import insert_new, upsert
from metrics.types import utc_now
from metrics.value.measures import latency_quantile

_inference: Table = Inference.__table__  # type: ignore[attr-defined]
_feedback: Table = Feedback.__table__  # type: ignore[attr-defined]
_accuracy: Table = AccuracySample.__table__  # type: ignore[attr-defined]
_outcome: Table = Outcome.__table__  # type: ignore[attr-defined]
_resource: Table = ResourceSample.__table__  # type: ignore[attr-defined]
RAW_TABLES = (_inference, _feedback, _accuracy, _outcome, _resource)
RAW_SOURCES = tuple(t.name for t in RAW_TABLES if t is not _resource)  # what ingest touches
_days: Table = RollupDay.__table__  # type: ignore[attr-defined]


def roll_up_day(connection: Connection, day: Window) -> int:
    """Aggregate the raw records of `day` and mark the day rolled up, in one transaction.

    Rolling up a day again (late records reached it) replaces its aggregates. Once
    retention has deleted the day's records, the records left are the late ones: they
    are added to the stored aggregates and deleted, being past retention already.
    """
    pruned = connection.execute(
        select(_days.c.pruned_at).where(_days.c.day_start == day.start)
    ).scalar_one_or_none() is not None
    rows = 0
    for model, found in daily_aggregates(connection, day):
        table: Table = model.__table__
        if pruned:
            found = merged_with_stored(connection, table, day.start, found)
            if model is DailyUsage:
                for row in found:
                    row["latency_p95_s"] = latency_quantile(
                        row["latency_buckets"], row["calls"], row["latency_s_max"], 0.95
                    )
        connection.execute(delete(table).where(table.c.day == day.start))
        rows += insert_new(connection, table, found)
    if pruned:
        for table in RAW_TABLES:
            remove_day(connection, table, day.start, day.end)
    marker = {"day_start": day.start, "day_end": day.end, "rolled_at": utc_now()}
    upsert(connection, _days, [marker], ("day_start",), ("rolled_at",))
    return rows


def daily_aggregates(connection: Connection, day: Window) -> list[tuple[Any, list[dict[str, Any]]]]:
    """Each daily table and the rows `day`'s raw records give it, without storing them:
    the value KPIs read days not rolled up yet this way."""
    return [
        (DailyUsage, _usage(connection, day)),
        (DailyFeedback, _feedback_counts(connection, day)),
        (DailyAccuracy, _accuracy_counts(connection, day)),
        (DailyOutcome, _outcome_counts(connection, day)),
        (DailyResource, _resource_counts(connection, day)),
        (DailyUsers, _users(connection, day)),
        (DailyFeedbackLabel, _label_counts(connection, day)),
    ]


def earliest_raw_record(store: Store) -> datetime | None:
    """The time of the oldest raw record of any kind: where the first rollup starts."""
    with store.engine.connect() as connection:
        found = [connection.execute(select(func.min(t.c.timestamp))).scalar() for t in RAW_TABLES]
    return min((moment for moment in found if moment is not None), default=None)


def _grouped(
    connection: Connection,
    day: Window,
    table: Table,
    keys: dict[str, ColumnElement[Any]],
    totals: dict[str, ColumnElement[Any]],
    rows_from: FromClause | None = None,
) -> list[dict[str, Any]]:
    """One dict per distinct `keys` among the records of `table` in `day`: the day, the
    keys and each of `totals`. `rows_from` is a join to read from instead of `table`."""
    query = (
        select(*(key.label(name) for name, key in keys.items()),
               *(total.label(name) for name, total in totals.items()))
        .select_from(table if rows_from is None else rows_from)
        .where(table.c.timestamp >= day.start, table.c.timestamp < day.end)
        .group_by(*keys.values())
    )
    return [{"day": day.start, **row._asdict()} for row in connection.execute(query)]


def _usage(connection: Connection, day: Window) -> list[dict[str, Any]]:
    i = _inference.c
    buckets = {
        f"bucket_{index}": func.sum(case((i.latency_s <= bound, 1), else_=0))
        for index, bound in enumerate(OPERATION_DURATION_BUCKETS)
    }
    rows = _grouped(
        connection, day, _inference,
        {"app": i.app, "model": i.model, "use_case": func.coalesce(i.use_case, "")},
        {
            "calls": func.count(),
            "errors": func.sum(case((i.status == Status.error, 1), else_=0)),
            "input_tokens": func.sum(i.input_tokens),
            "output_tokens": func.sum(i.output_tokens),
            "cost_usd": func.coalesce(func.sum(i.cost_usd), 0.0),
            "unpriced_calls": func.sum(case((i.cost_usd.is_(None), 1), else_=0)),
            "latency_s_sum": func.sum(i.latency_s),
            "latency_s_max": func.max(i.latency_s),
            "ttft_count": func.count(i.ttft_s),
            "ttft_s_sum": func.coalesce(func.sum(i.ttft_s), 0.0),
            **buckets,
        },
    )
    for row in rows:
        counts = [int(row.pop(name)) for name in buckets]
        row["latency_buckets"] = counts
        row["latency_p95_s"] = latency_quantile(
            counts, row["calls"], row["latency_s_max"], 0.95
        )
    return rows


def _feedback_counts(connection: Connection, day: Window) -> list[dict[str, Any]]:
    f = _feedback.c
    rows = _grouped(
        connection, day, _feedback,
        {"app": FEEDBACK.app, "model": FEEDBACK.model, "kind": f.kind},
        {
            "count": func.count(),
            "value_count": func.count(f.value),
            "value_sum": func.coalesce(func.sum(f.value), 0.0),
            "positive": func.sum(FEEDBACK_POSITIVE),
            "negative": func.sum(FEEDBACK_NEGATIVE),
        },
        rows_from=FEEDBACK.rows,
    )
    return [{**row, "kind": FeedbackKind(row["kind"]).value} for row in rows]


def _accuracy_counts(connection: Connection, day: Window) -> list[dict[str, Any]]:
    a = _accuracy.c
    return _grouped(
        connection, day, _accuracy, {"app": a.app, "model": a.model, "task": a.task},
        {
            "samples": func.count(),
            "graded": func.count(a.correct),
            "correct": func.sum(case((a.correct, 1), else_=0)),
            "score_count": func.count(a.score),
            "score_sum": func.coalesce(func.sum(a.score), 0.0),
        },
    )


def _outcome_counts(connection: Connection, day: Window) -> list[dict[str, Any]]:
    o = _outcome.c
    return _grouped(
        connection, day, _outcome, {"app": o.app, "name": o.name, "unit": o.unit},
        {"count": func.count(), "value_sum": func.sum(o.value)},
    )


def _resource_counts(connection: Connection, day: Window) -> list[dict[str, Any]]:
    r = _resource.c
    return _grouped(
        connection, day, _resource, {"host": r.host, "name": r.name, "device": r.device},
        {"samples": func.count(), "value_sum": func.sum(r.value), "value_max": func.max(r.value)},
    )


def _users(connection: Connection, day: Window) -> list[dict[str, Any]]:
    i = _inference.c
    users = list(connection.execute(
        select(i.user_hash).where(i.timestamp >= day.start, i.timestamp < day.end,
                                  i.user_hash.is_not(None)).distinct()
    ).scalars())
    if not users:
        return []
    return [{"day": day.start, "users": float(len(users)), "sketch": day_sketch(users)}]


def _label_counts(connection: Connection, day: Window) -> list[dict[str, Any]]:
    f = _feedback.c
    rows = _grouped(connection, day, _feedback, {"label": f.label}, {"count": func.count()})
    return [row for row in rows if row["label"]]
