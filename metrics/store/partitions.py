"""Raw tables partitioned by day on PostgreSQL: key tables, partitions made ahead, whole
days removed by dropping their partition.

On PostgreSQL (from migration 0014) each raw table is partitioned by range of `timestamp`,
one partition a UTC day (`inference_p20261203`) and a DEFAULT partition that takes rows of
days without one (late records of a day already dropped, or a day not made ahead in
time), so an insert never fails for want of a partition. A partitioned table's unique keys
must include the partition key, so the records' idempotency key (app, id) is kept in a
small unpartitioned key table per raw table (`inference_key`: app, id, timestamp): ingest
claims keys there first and inserts only the rows whose key it claimed. A statement
trigger forgets the keys of deleted rows; dropping a partition forgets them by time range.
SQLite stays unpartitioned and none of this applies there.
"""

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlalchemy import Column, Connection, MetaData, String, Table, delete, text
from sqlalchemy.exc import OperationalError

from metrics.types import UTCDateTime, as_utc

# The raw tables partitioned on PostgreSQL, and those among them keyed by (app, id).
PARTITIONED_TABLES = ("inference", "feedback", "accuracy_sample", "outcome", "resource_sample")
KEYED_TABLES = ("inference", "feedback", "accuracy_sample", "outcome")
DAY = timedelta(days=1)
# DDL on a partitioned table waits for every transaction reading it and blocks every
# statement queued behind it: give up after this long rather than stall ingest.
LOCK_TIMEOUT = "2s"

KEY_METADATA = MetaData()  # apart from SQLModel's: only PostgreSQL's migration makes them
KEY_TABLES = {
    name: Table(
        f"{name}_key", KEY_METADATA,
        Column("app", String(200), primary_key=True),
        Column("id", String(200), primary_key=True),
        Column("timestamp", UTCDateTime, nullable=False, index=True),
    )
    for name in KEYED_TABLES
}


def partition_name(table: str, day: datetime) -> str:
    """The name of `table`'s partition for the UTC day starting at `day`."""
    return f"{table}_p{day:%Y%m%d}"


def default_partition(table: str) -> str:
    """The name of `table`'s DEFAULT partition."""
    return f"{table}_default"


def partitioned_tables(connection: Connection) -> set[str]:
    """The raw tables that are partitioned on this database (none on SQLite)."""
    if connection.dialect.name != "postgresql":
        return set()
    names = connection.execute(text(
        "SELECT c.relname FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid"
        " WHERE c.relnamespace = current_schema()::regnamespace"
    )).scalars()
    return set(names) & set(PARTITIONED_TABLES)


def day_partitions(connection: Connection, table: str) -> dict[datetime, str]:
    """`table`'s day partitions by the start of their day."""
    children = connection.execute(text(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
        " WHERE i.inhparent = CAST(:table AS regclass)"
    ), {"table": table}).scalars()
    pattern = re.compile(re.escape(table) + r"_p(\d{8})")
    found = {}
    for name in children:
        match = pattern.fullmatch(name)
        if match:
            found[datetime.strptime(match.group(1), "%Y%m%d")] = name
    return found


def create_day_partitions(
    connection: Connection, table: str, days: Iterable[datetime]
) -> list[str]:
    """Create `table`'s partitions for those of `days` (UTC midnights) that lack one;
    returns their names. Rows of such a day already in the DEFAULT partition move in."""
    existing = day_partitions(connection, table)
    created = []
    for day in sorted({_naive(day) for day in days} - set(existing)):
        name = partition_name(table, day)
        bounds = {"start": day, "end": day + DAY}
        in_default = (f"FROM {default_partition(table)}"
                      ' WHERE "timestamp" >= :start AND "timestamp" < :end')
        waiting = connection.execute(text(f"SELECT 1 {in_default} LIMIT 1"), bounds).first()
        literal = _bound_literals(day)
        if waiting is None:
            connection.execute(text(
                f"CREATE TABLE {name} PARTITION OF {table} FOR VALUES FROM {literal}"
            ))
        else:
            # The DEFAULT partition may not hold rows of a range given a partition of its
            # own: fill the new table with them, then attach it.
            connection.execute(text(f"CREATE TABLE {name} (LIKE {table} INCLUDING DEFAULTS)"))
            connection.execute(text(f"INSERT INTO {name} SELECT * {in_default}"), bounds)
            connection.execute(text(f"DELETE {in_default}"), bounds)
            connection.execute(text(f"ALTER TABLE {table} ATTACH PARTITION {name}"
                                    f" FOR VALUES FROM {literal}"))
        created.append(name)
    return created


def create_partitions_ahead(connection: Connection, today: datetime, days_ahead: int) -> list[str]:
    """Make every partitioned table's partitions for `today` and the `days_ahead` days after
    it; returns the names made. A table whose lock is not had in time is left for the next
    run: its rows go to the DEFAULT partition meanwhile."""
    days = [_naive(today) + DAY * n for n in range(days_ahead + 1)]
    created: list[str] = []
    for table in sorted(partitioned_tables(connection)):
        try:
            with connection.begin_nested(), _lock_timeout(connection):
                created += create_day_partitions(connection, table, days)
        except OperationalError:
            continue
    return created


def remove_day(connection: Connection, table: Table, start: datetime, end: datetime) -> int:
    """Remove `table`'s rows of the day [start, end); returns how many there were.

    A day with a partition of its own loses it whole (its keys are forgotten by time);
    otherwise, or when the partition's lock is not had in time, its rows are deleted (the
    trigger forgets their keys).
    """
    partition = None
    if end - start == DAY and table.name in partitioned_tables(connection):
        partition = day_partitions(connection, table.name).get(_naive(start))
    if partition is not None:
        try:
            with connection.begin_nested(), _lock_timeout(connection):
                return _drop(connection, table, partition, start, end)
        except OperationalError:
            pass  # a long reader holds the table: delete rows, which waits without blocking
    moment = table.c.timestamp
    result = connection.execute(delete(table).where(moment >= start, moment < end))
    return max(result.rowcount, 0)


def _drop(connection: Connection, table: Table, partition: str, start: datetime,
          end: datetime) -> int:
    keys = KEY_TABLES.get(table.name)
    if keys is None:
        rows = int(connection.execute(text(f"SELECT count(*) FROM {partition}")).scalar_one())
    else:  # a key a row: what goes from the key table is what the partition held
        moment = keys.c.timestamp
        forgotten = connection.execute(delete(keys).where(moment >= start, moment < end))
        rows = max(forgotten.rowcount, 0)
    connection.execute(text(f"DROP TABLE {partition}"))
    return rows


@contextmanager
def _lock_timeout(connection: Connection) -> Iterator[None]:
    """SET LOCAL lock_timeout for the block (inside a savepoint), the old value after it."""
    before = connection.execute(text("SELECT current_setting('lock_timeout')")).scalar_one()
    connection.execute(text("SELECT set_config('lock_timeout', :value, true)"),
                       {"value": LOCK_TIMEOUT})
    yield  # on an error the savepoint's rollback restores the old value
    connection.execute(text("SELECT set_config('lock_timeout', :value, true)"),
                       {"value": before})


def _naive(day: datetime) -> datetime:
    return as_utc(day).replace(tzinfo=None)


def _bound_literals(day: datetime) -> str:
    return f"('{day:%Y-%m-%d} 00:00:00') TO ('{day + DAY:%Y-%m-%d} 00:00:00')"
