"""A period's daily aggregates: stored rollups for rolled-up days, raw records for the rest.

Raw records are deleted after the retention period, so the value KPIs read only the
daily rollup tables, which carry everything they need (distinct users as sketches, risk
labels). Days not rolled up yet (today, yesterday before the nightly rollup, or
any day the rollup has not reached) are aggregated from raw records the same way the
rollup would, without storing them.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Table, func, select

from evaluators.upkeep.rollup import RAW_TABLES, daily_aggregates
from evaluators.windows import Window, floor_time
from metrics.store.rollups import (
    DailyAccuracy,
    DailyFeedback,
    DailyFeedbackLabel,
    DailyOutcome,
    DailyUsage,
    DailyUsers,
    RollupDay,
)

DAY = timedelta(days=1)
_rolled: Table = RollupDay.__table__  # type: ignore[attr-defined]
_KINDS = {DailyUsage: "usage", DailyFeedback: "feedback", DailyAccuracy: "accuracy",
          DailyOutcome: "outcome", DailyUsers: "users", DailyFeedbackLabel: "labels"}


@dataclass(frozen=True)
class DailyRows:
    """The daily rows of a period, as dicts with the columns of the daily tables."""

    usage: list[dict[str, Any]]
    feedback: list[dict[str, Any]]
    accuracy: list[dict[str, Any]]
    outcome: list[dict[str, Any]]
    users: list[dict[str, Any]]  # one HLL sketch of distinct users per day
    labels: list[dict[str, Any]]  # feedback per day and label


def period_days(connection: Connection, start: datetime, end: datetime) -> DailyRows:
    """Every daily row of the UTC days in [start, end); `end` may fall inside a day
    (month to date), whose rows then cover up to `end`."""
    rolled = set(connection.execute(
        select(_rolled.c.day_start).where(_rolled.c.day_start >= start, _rolled.c.day_start < end)
    ).scalars())
    found: dict[str, list[dict[str, Any]]] = {name: [] for name in _KINDS.values()}
    for model, name in _KINDS.items():
        table: Table = model.__table__  # type: ignore[attr-defined]
        query = select(table).where(table.c.day >= start, table.c.day < end)
        found[name].extend(row._asdict() for row in connection.execute(query))
    span = _raw_span(connection, start, end)
    day = floor_time(span[0], DAY) if span else end
    while span and day <= span[1]:
        if day not in rolled:
            for model, rows in daily_aggregates(connection, Window(day, min(day + DAY, end))):
                if model in _KINDS:
                    found[_KINDS[model]].extend(rows)
        day += DAY
    return DailyRows(**found)


def _raw_span(
    connection: Connection, start: datetime, end: datetime
) -> tuple[datetime, datetime] | None:
    """The first and last raw record in [start, end), so that empty days cost no query."""
    found = []
    for table in RAW_TABLES[:4]:  # calls, feedback, grades, outcomes: not resource samples
        moment = table.c.timestamp
        found.extend(connection.execute(
            select(func.min(moment), func.max(moment)).where(moment >= start, moment < end)
        ).one())
    moments = [moment for moment in found if moment is not None]
    return (min(moments), max(moments)) if moments else None
