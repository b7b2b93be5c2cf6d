"""INSERT … ON CONFLICT for SQLite and PostgreSQL: the dialect's insert, chosen once."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Engine, Table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert


def dialect_insert(bind: Connection | Engine, table: Table) -> Any:
    """INSERT for `table` with the dialect's ON CONFLICT clauses available."""
    if bind.dialect.name == "postgresql":
        return pg_insert(table)
    return sqlite_insert(table)


def insert_new(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> int:
    """Insert `rows`, skipping those whose unique key is stored. Returns how many rows
    were offered."""
    if rows:
        connection.execute(dialect_insert(connection, table).on_conflict_do_nothing(), rows)
    return len(rows)


def upsert(
    connection: Connection, table: Table, rows: Sequence[dict[str, Any]],
    keys: Sequence[str], update: Sequence[str],
) -> int:
    """Insert `rows`; where a row with the same `keys` exists, overwrite its `update`
    columns instead. Returns how many rows were offered."""
    if not rows:
        return 0
    statement = dialect_insert(connection, table)
    statement = statement.on_conflict_do_update(
        index_elements=list(keys),
        set_={column: statement.excluded[column] for column in update},
    )
    connection.execute(statement, list(rows))
    return len(rows)
