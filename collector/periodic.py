"""Background work that repeats while the app runs, as an async context manager."""

import asyncio
import contextlib
import logging
from collections.abc import Callable
from types import TracebackType

from starlette.concurrency import run_in_threadpool

from metrics.failures import cancelled_here, describe

log = logging.getLogger("valuewatch.collector")


class Periodic:
    """Runs the blocking `work` in a thread on entry, every `interval_s`, and on exit.

    A failing run is logged and the next one tries again: background work never takes
    the app down.
    """

    def __init__(self, name: str, work: Callable[[], None], interval_s: float) -> None:
        self._name = name
        self._work = work
        self._interval_s = interval_s
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> "Periodic":
        await self.run_once()
        self._task = asyncio.create_task(self._repeat(), name=f"valuewatch-{self._name}")
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
        await self.run_once()

    async def run_once(self) -> None:
        """Run the work now, in a thread; log a failure instead of raising it."""
        try:
            await run_in_threadpool(self._work)
        except BaseException as exc:  # noqa: BLE001 - the next run will try again
            if cancelled_here(exc):
                raise
            log.warning("%s failed: %s", self._name, describe(exc))

    async def _repeat(self) -> None:
        while True:
            await asyncio.sleep(self._interval_s)
            await self.run_once()
