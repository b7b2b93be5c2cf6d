"""Group commit: one writer puts the rows of many concurrent requests in one transaction.

Each request awaits the commit of the group its rows went into, so a 2xx always means
the rows are on disk. The queue is bounded in rows; a full queue refuses new work.
"""

import asyncio
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from sqlalchemy import Table
from sqlalchemy.exc import (
    DataError,
    DBAPIError,
    DisconnectionError,
    IntegrityError,
    InterfaceError,
    OperationalError,
)
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeout

from metrics.failures import cancelled_here, describe
from metrics.instruments import Instruments
from metrics.store.bulk_insert import RecordKey, record_key
from metrics.store.database import Store


class Overloaded(Exception):
    """The write queue is full or closing: the client should retry later."""


class StoreUnavailable(Exception):
    """The database refused or failed the commit: the client should retry later.

    `reason` is safe to show a client; the driver's own message is for the log only.
    """

    REASONS = (
        ("disk is full", "database or disk full"),
        ("readonly database", "database is read-only"),
        ("read-only", "database is read-only"),
        ("connection", "database unreachable"),
        ("could not connect", "database unreachable"),
        ("server closed", "database unreachable"),
        ("terminating", "database unreachable"),
        ("database is locked", "database busy"),
    )

    def __init__(self, driver_message: str) -> None:
        super().__init__(driver_message)
        lowered = driver_message.lower()
        self.reason = next(
            (reason for needle, reason in self.REASONS if needle in lowered), "write failed"
        )

    @property
    def client_message(self) -> str:
        """What the client is told: the reason, and that nothing of the request was kept."""
        return f"database unavailable ({self.reason}); nothing was stored, retry later"


class RecordRejected(Exception):
    """The database refused a request's rows for what they hold: the client must not retry.

    `loc` is the (record index, field) at fault where it can be told, else ().
    """

    def __init__(self, loc: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.loc = loc
        self.message = message


# Failures that mean the database, not the rows, is at fault: a retry may succeed.
UNAVAILABLE = (OperationalError, InterfaceError, DisconnectionError, SQLAlchemyTimeout, OSError)


def refused_content(exc: BaseException) -> bool:
    """Whether the database refused the rows themselves (a value too long, a NUL, a missing
    value), not failed to take any rows at all."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return False
    return isinstance(exc, DataError | IntegrityError) and not isinstance(exc, UNAVAILABLE)


def failure(exc: BaseException, item: "_Pending") -> Exception:
    """What the requests of a failed commit are answered: 422 for refused rows, else 503."""
    if refused_content(exc):
        loc, problem = offending_field(item.table, item.rows)
        return RecordRejected(loc, problem or f"the database refused the record: {describe(exc)}")
    return StoreUnavailable(describe(exc))


def offending_field(table: Table, rows: list[dict[str, Any]]) -> tuple[tuple[str | int, ...], str]:
    """The first (record index, field) whose value the table cannot hold, and why."""
    for index, row in enumerate(rows):
        for column in table.columns:
            value = row.get(column.name)
            if value is None:
                if not column.nullable and column.server_default is None:
                    return (index, column.name), "is required"
                continue
            if not isinstance(value, str):
                continue
            if "\x00" in value:
                return (index, column.name), "must not contain NUL characters"
            length = getattr(column.type, "length", None)
            if length is not None and len(value) > length:
                return (index, column.name), (
                    f"is {len(value)} characters as stored, over the limit of {length}"
                )
    return (), ""


def _answer(group: list["_Pending"], exc: Exception) -> None:
    for item in group:
        if not item.done.done():  # its request may have been cancelled
            item.done.set_exception(exc)


@dataclass
class _Pending:
    table: Table
    rows: list[dict[str, Any]]
    done: asyncio.Future[set[RecordKey]] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class BatchWriter:
    """An async context manager that owns the write queue and its single writer task."""

    def __init__(
        self, store: Store, instruments: Instruments, *, max_queue_rows: int, max_batch_rows: int
    ) -> None:
        self._store = store
        self._instruments = instruments
        self._max_queue_rows = max_queue_rows
        self._max_batch_rows = max_batch_rows
        self._pending: deque[_Pending] = deque()
        self._queued_rows = 0
        self._wakeup = asyncio.Event()
        self._closing = False
        self._task: asyncio.Task[None] | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="valuewatch-writer")

    async def __aenter__(self) -> "BatchWriter":
        self._task = asyncio.create_task(self._run(), name="valuewatch-writer")
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._closing = True
        self._wakeup.set()
        if self._task is not None:
            await self._task
        self._executor.shutdown(wait=True)

    @property
    def queued_rows(self) -> int:
        """Rows accepted into the queue and not yet committed."""
        return self._queued_rows

    async def write(self, table: Table, rows: list[dict[str, Any]]) -> set[RecordKey]:
        """Store `rows` durably; returns the (app, id) keys that were new (the rest were not
        stored: repeats of a stored key)."""
        if self._closing:
            raise Overloaded("the collector is shutting down")
        if self._queued_rows + len(rows) > self._max_queue_rows and self._queued_rows > 0:
            raise Overloaded(f"write queue full ({self._queued_rows} rows waiting)")
        pending = _Pending(table, rows)
        self._pending.append(pending)
        self._queued_rows += len(rows)
        self._wakeup.set()
        return await pending.done

    def _publish_depth(self) -> None:
        # Once per group, not on every write: writes are the hot path.
        self._instruments["valuewatch_ingest_queue_rows"].set(self._queued_rows)

    async def _run(self) -> None:
        try:
            await self._write_until_closed()
        finally:
            # Cancelled or failed: no request may wait for a writer that is gone.
            self._closing = True
            _answer(list(self._pending), Overloaded("the collector is shutting down"))
            self._pending.clear()

    async def _write_until_closed(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await self._wakeup.wait()
            self._wakeup.clear()
            while self._pending:
                self._publish_depth()
                group = self._take_group()
                try:
                    await self._commit_group(loop, group)
                finally:
                    self._queued_rows -= sum(len(item.rows) for item in group)
                    self._publish_depth()
            if self._closing:
                return

    async def _commit_group(self, loop: asyncio.AbstractEventLoop, group: list[_Pending]) -> None:
        started = time.perf_counter()
        try:
            results = await loop.run_in_executor(self._executor, self._commit, group)
        except BaseException as exc:  # noqa: BLE001 - every failure is answered, none ends the writer
            if cancelled_here(exc):
                _answer(group, Overloaded("the collector is shutting down"))
                raise
            if len(group) == 1 or not refused_content(exc):
                _answer(group, failure(exc, group[0]))
                return
            # One request's rows were refused: commit each alone, so only it is failed.
            for item in group:
                await self._commit_group(loop, [item])
            return
        for item, new_ids in zip(group, results, strict=True):
            if not item.done.done():  # its request may have been cancelled
                item.done.set_result(new_ids)
        self._observe_commit(time.perf_counter() - started, group)

    def _take_group(self) -> list[_Pending]:
        group: list[_Pending] = []
        rows = 0
        while self._pending and (
            not group or rows + len(self._pending[0].rows) <= self._max_batch_rows
        ):
            item = self._pending.popleft()
            group.append(item)
            rows += len(item.rows)
        return group

    def _commit(self, group: list[_Pending]) -> list[set[RecordKey]]:
        # Merge the group per table; a key sent twice in one group is stored once and
        # counts as new only for the request that sent it first.
        merged: dict[str, tuple[Table, list[dict[str, Any]]]] = {}
        owner: dict[tuple[str, RecordKey], int] = {}
        for index, item in enumerate(group):
            _, rows = merged.setdefault(item.table.name, (item.table, []))
            for row in item.rows:
                key = (item.table.name, record_key(row))
                if key not in owner:
                    owner[key] = index
                    rows.append(row)
        stored = self._store.insert_new(list(merged.values()))
        results: list[set[RecordKey]] = [set() for _ in group]
        for (table, _), keys in zip(merged.values(), stored, strict=True):
            for new_key in keys:
                results[owner[(table.name, new_key)]].add(new_key)
        return results

    def _observe_commit(self, seconds: float, group: list[_Pending]) -> None:
        self._instruments["valuewatch_ingest_commit_duration_seconds"].observe(seconds)
        self._instruments["valuewatch_ingest_commit_rows"].observe(sum(len(i.rows) for i in group))
