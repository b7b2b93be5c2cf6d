"""Background work survives any exception, and says what failed by its type."""

import asyncio
import logging

import pytest

from collector.periodic import Periodic


@pytest.mark.parametrize("failure", [
    TimeoutError(), OSError(""), ValueError("bad\nvalue"),
    # BaseExceptions the work itself raises are its failures, not the task's cancellation.
    asyncio.CancelledError(), KeyboardInterrupt(),
])
def test_a_periodic_task_logs_a_failure_by_type_and_runs_again(
    failure: BaseException, caplog: pytest.LogCaptureFixture
) -> None:
    runs: list[int] = []

    def work() -> None:
        runs.append(len(runs))
        if len(runs) == 1:
            raise failure

    async def scenario() -> None:
        async with Periodic("key reload", work, interval_s=0.01):
            for _ in range(200):
                if len(runs) >= 3:
                    return
                await asyncio.sleep(0.01)

    caplog.set_level(logging.WARNING)
    asyncio.run(scenario())

    assert len(runs) >= 3  # the first run failed; later ones still ran
    warnings = [r.getMessage() for r in caplog.records if "key reload failed" in r.getMessage()]
    assert warnings == [f"key reload failed: {type(failure).__name__}"
                        + (": bad" if str(failure) else "")]


def test_leaving_cancels_the_repeating_task_and_runs_the_work_once_more() -> None:
    runs: list[float] = []

    async def scenario() -> None:
        async with Periodic("checkpoint", lambda: runs.append(0.0), interval_s=3600):
            await asyncio.sleep(0.05)

    asyncio.run(asyncio.wait_for(scenario(), timeout=5))
    assert len(runs) == 2  # on entry and on exit: the hour-long sleep was cancelled
