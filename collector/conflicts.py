"""Repeated keys: a retry stores nothing new; the same key with other content is a conflict.

Only the rows an insert skipped are read back, so the common path, where every key is
new, costs nothing more.
"""

from collections.abc import Callable, Iterable
from datetime import datetime
from enum import Enum
from typing import Any, TypeVar

from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel
from sqlalchemy import Table, select
from sqlalchemy.exc import SQLAlchemyError

from collector.writer import StoreUnavailable
from metrics.failures import describe
from metrics.store.bulk_insert import RecordKey, record_key
from metrics.store.database import Store
from metrics.types import as_utc

# Set by the collector, not sent by the client: a retry arrives with another value.
SERVER_SET = frozenset({"received_at"})
# Ids read back per query, well under SQLite's parameter limit.
CHUNK = 1_000
Found = TypeVar("Found")


async def read_store(read: Callable[..., Found], *args: Any) -> Found:
    """`read(*args)` off the event loop; a database failure is a 503, never a 500."""
    try:
        return await run_in_threadpool(read, *args)
    except SQLAlchemyError as exc:
        raise StoreUnavailable(describe(exc)) from exc


def unstamped_keys(records: Iterable[BaseModel]) -> set[RecordKey]:
    """Keys of records sent without a timestamp: the collector stamped them on arrival,
    so a retry of one has a later time and the same content."""
    return {
        (getattr(record, "app", None) or "", getattr(record, "id", ""))
        for record in records if "timestamp" not in record.model_fields_set
    }


def conflicting_keys(
    store: Store, table: Table, skipped: list[dict[str, Any]], unstamped: set[RecordKey]
) -> set[RecordKey]:
    """Keys of the `skipped` rows whose stored row holds other content than they do."""
    wanted = {record_key(row): row for row in skipped}
    ids = sorted({row["id"] for row in skipped})
    conflicts: set[RecordKey] = set()
    with store.engine.connect() as connection:
        for start in range(0, len(ids), CHUNK):
            query = select(table).where(table.c.id.in_(ids[start:start + CHUNK]))
            for stored in connection.execute(query).mappings():
                key = (stored["app"], stored["id"])
                sent = wanted.get(key)
                if sent is None:
                    continue
                ignored = SERVER_SET | ({"timestamp"} if key in unstamped else set())
                if _differs(stored, sent, ignored):
                    conflicts.add(key)
    return conflicts


def _differs(stored: Any, sent: dict[str, Any], ignored: frozenset[str] | set[str]) -> bool:
    return any(
        _plain(stored[name]) != _plain(sent.get(name))
        for name in stored if name not in ignored
    )


def _plain(value: Any) -> Any:
    # Both sides in one form: enums by value, times in UTC, no attributes as {}.
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return as_utc(value)
    return value
