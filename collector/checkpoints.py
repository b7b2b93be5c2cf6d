"""SQLite only: checkpoints the WAL in the background, off the commit path."""

import asyncio
import contextlib
import logging
from types import TracebackType

from starlette.concurrency import run_in_threadpool

from metrics.store import Store

log = logging.getLogger("valuewatch.collector")


class WalCheckpointer:
    """An async context manager checkpointing every `interval_s` while the app runs."""

    def __init__(self, store: Store, interval_s: float = 1.0) -> None:
        self._store = store
        self._interval_s = interval_s
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> "WalCheckpointer":
        if self._store.dialect == "sqlite":
            self._task = asyncio.create_task(self._run(), name="valuewatch-wal-checkpoint")
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            await self._checkpoint()

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._interval_s)
            await self._checkpoint()

    async def _checkpoint(self) -> None:
        try:
            await run_in_threadpool(self._store.checkpoint)
        except Exception as exc:  # noqa: BLE001 - the WAL stays valid; the next one retries
            log.warning("WAL checkpoint failed: %s", str(exc).splitlines()[0])
