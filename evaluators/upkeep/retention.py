"""Retention: raw records older than the retention period go, once their day is rolled up
with every record it has received. On PostgreSQL a day goes by dropping its partition, and
the partitions of the days ahead are made here too."""

from datetime import timedelta

from sqlalchemy import Connection, Table, select, update

from evaluators.staleness import evaluated_current, forget_before
from evaluators.upkeep.rollup import RAW_SOURCES, RAW_TABLES
from evaluators.windows import EPOCH, Window
from metrics.content import blank_content
from metrics.store.partitions import create_partitions_ahead, remove_day
from metrics.store.rollups import RollupDay
from metrics.types import utc_now

_days: Table = RollupDay.__table__  # type: ignore[attr-defined]


def delete_rolled_up(
    connection: Connection,
    day: Window,
    *,
    retention_days: int,
    forget_after_days: int,
    content_hours: float | None = None,
    content_keys: tuple[str, ...] = (),
    partition_days_ahead: int = 7,
) -> int:
    """Delete raw records from before `retention_days` ahead of `day`'s end, a whole day
    at a time and only for days rolled up since their last record arrived; returns how
    many were deleted. Such days are marked pruned (see `roll_up_day`).

    A day not rolled up, or rolled up before late records reached it, keeps its
    records, however old: nothing is lost unsummarised. Touch notes older than
    `forget_after_days` (older than any record ingest accepts) are deleted too. With
    `content_hours`, message content (and `content_keys`) received longer ago than that is
    blanked from the calls that are kept.

    Where raw tables are partitioned (PostgreSQL), a day whose partition holds only it
    goes whole (DROP TABLE, no row deletes); rows of the DEFAULT partition are deleted.
    The partitions of the `partition_days_ahead` days after `day` are made too.
    """
    cutoff = day.end - timedelta(days=retention_days)
    candidates = connection.execute(
        select(_days.c.day_start, _days.c.day_end)
        .where(_days.c.day_end <= cutoff, _days.c.pruned_at.is_(None))
    ).all()
    ready = [(start, end) for start, end in candidates
             if evaluated_current(connection, "rollup", RAW_SOURCES, Window(start, end))]
    forget_before(connection, day.end - timedelta(days=forget_after_days))
    if content_hours is not None:
        blank_content(connection, before=EPOCH, also=content_keys,
                      received_before=utc_now() - timedelta(hours=content_hours))
    # Last: making or dropping a partition locks its table against ingest until commit.
    create_partitions_ahead(connection, day.end, partition_days_ahead)
    deleted = 0
    for start, end in ready:
        for table in RAW_TABLES:
            deleted += remove_day(connection, table, start, end)
        connection.execute(
            update(_days).where(_days.c.day_start == start).values(pruned_at=utc_now())
        )
    return deleted
