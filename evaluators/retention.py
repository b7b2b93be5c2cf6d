"""Retention: raw records older than the retention period go, once their day is rolled up."""

from datetime import timedelta

from sqlalchemy import Connection, delete, exists

from evaluators.rollup import RAW_TABLES
from evaluators.windows import Window
from metrics.rollups import RollupDay
from metrics.store import Store

_days = RollupDay.__table__.c  # type: ignore[attr-defined]


def delete_rolled_up(
    store: Store, connection: Connection, day: Window, *, retention_days: int
) -> int:
    """Delete raw records from before `retention_days` ahead of `day`'s end, but only
    those in a day whose rollup is stored; returns how many were deleted.

    A day never rolled up keeps its records, however old: nothing is lost unsummarised.
    """
    cutoff = day.end - timedelta(days=retention_days)
    deleted = 0
    for table in RAW_TABLES:
        moment = table.c.timestamp
        rolled_up = exists().where(_days.day_start <= moment, moment < _days.day_end)
        result = connection.execute(delete(table).where(moment < cutoff, rolled_up))
        deleted += max(result.rowcount, 0)
    return deleted
