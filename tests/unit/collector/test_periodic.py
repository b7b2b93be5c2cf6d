"""Background work survives any exception, and says what failed by its type."""

import asyncio
import logging

import pytest

from collector.periodic import Periodic


@pytest.mark.parametrize("failure", [TimeoutError(), OSError(""), ValueError("bad\nvalue")])
def test_a_periodic_task_logs_a_failure_by_type_and_runs_again(
    failure: Exception, caplog: pytest.LogCaptureFixture
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
