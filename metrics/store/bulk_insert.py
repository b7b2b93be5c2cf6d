"""Multi-row INSERT … ON CONFLICT (key) DO NOTHING RETURNING key (or another conflict
clause), straight to the driver."""

import json
import operator
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from sqlalchemy import JSON, Table

from metrics.types import UTCDateTime

# SQLite allows 32,766 parameters a statement and PostgreSQL 65,535.
MAX_PARAMETERS = 30_000

# A record's key: ids are the client's, unique only within an app.
RecordKey = tuple[str, str]
KEY_COLUMNS = ("app", "id")


def record_key(row: dict[str, Any]) -> RecordKey:
    """The (app, id) a row is stored under."""
    return row["app"], row["id"]


class BulkInsert:
    """Statements that insert rows of one table, each value converted as its column needs."""

    def __init__(
        self, table: Table, dialect: str, conflict: str | None = None, *,
        any_conflict: bool = False,
    ) -> None:
        """`conflict` replaces the ON CONFLICT … RETURNING tail; with `any_conflict` a
        conflict on any unique index skips the row (a partitioned table has none on the
        key alone)."""
        self.columns = [column.name for column in table.columns]
        self._values = operator.itemgetter(*self.columns)
        self._time = _sqlite_datetime if dialect == "sqlite" else _naive_utc
        converters = [_converter(column.type, dialect) for column in table.columns]
        self._converting = [(i, c) for i, c in enumerate(converters) if c is not None]
        placeholder = "?" if dialect == "sqlite" else "%s"
        self._row_sql = "(" + ", ".join([placeholder] * len(self.columns)) + ")"
        self._head = f"INSERT INTO {table.name} ({', '.join(self.columns)}) VALUES "
        key = [column.name for column in table.primary_key.columns]
        # Records return their RecordKey; other tables (resource samples) their own key.
        returned = KEY_COLUMNS if set(key) == set(KEY_COLUMNS) else key
        target = "" if any_conflict else f" ({', '.join(key)})"
        self._tail = " " + (conflict or f"ON CONFLICT{target} DO NOTHING"
                                        f" RETURNING {', '.join(returned)}")
        self.rows_per_statement = MAX_PARAMETERS // len(self.columns)

    def statements(self, rows: list[dict[str, Any]]) -> Iterator[tuple[str, tuple[Any, ...]]]:
        """(sql, parameters) for every chunk of `rows`; missing keys are NULL."""
        # A request's rows share their received_at, and often their timestamps: each
        # distinct time is converted once (equal instants convert to equal text).
        converted: dict[datetime, Any] = {}
        for start in range(0, len(rows), self.rows_per_statement):
            chunk = rows[start:start + self.rows_per_statement]
            params: list[Any] = []
            for row in chunk:
                values = list(self._row_values(row))
                for index, convert in self._converting:
                    value = values[index]
                    if value is None:
                        continue
                    if convert is self._time:
                        found = converted.get(value)
                        if found is None:
                            found = converted[value] = convert(value)
                        values[index] = found
                    else:
                        values[index] = convert(value)
                params += values
            values = ", ".join([self._row_sql] * len(chunk))
            yield self._head + values + self._tail, tuple(params)

    def _row_values(self, row: dict[str, Any]) -> tuple[Any, ...]:
        try:
            return self._values(row)
        except KeyError:
            return tuple(row.get(name) for name in self.columns)


def _converter(column_type: Any, dialect: str) -> Callable[[Any], Any] | None:
    if isinstance(column_type, UTCDateTime):
        return _sqlite_datetime if dialect == "sqlite" else _naive_utc
    if isinstance(column_type, JSON):
        return _json
    if getattr(column_type, "enum_class", None) is not None:
        return _enum_value
    return None


def _naive_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None)


def _sqlite_datetime(value: datetime) -> str:
    # isoformat is five times faster than strftime and writes the same text.
    return _naive_utc(value).isoformat(" ", "microseconds")


def _json(value: Any) -> str:
    return "{}" if value == {} else json.dumps(value)


def _enum_value(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value
