"""Reloads the key ring in the background, so requests never wait for it."""

import asyncio
import contextlib
import logging
from types import TracebackType

from starlette.concurrency import run_in_threadpool

from collector.keys import KeyRing

log = logging.getLogger("valuewatch.collector")


class KeyRefresher:
    """An async context manager: loads the keys on entry, then every `interval_s`."""

    def __init__(self, keyring: KeyRing, interval_s: float) -> None:
        self._keyring = keyring
        self._interval_s = interval_s
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> "KeyRefresher":
        await run_in_threadpool(self._keyring.refresh)
        self._task = asyncio.create_task(self._run(), name="valuewatch-key-refresh")
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

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._interval_s)
            try:
                await run_in_threadpool(self._keyring.refresh)
            except Exception as exc:  # noqa: BLE001 - keep the last snapshot; retry next time
                log.warning("could not reload API keys: %s", str(exc).splitlines()[0])
