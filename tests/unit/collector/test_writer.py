"""Group commit: concurrent requests share commits; full queues and dead databases say so."""

import asyncio
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from collector.writer import BatchWriter, Overloaded, RecordRejected, StoreUnavailable
from metrics.instruments import collector_instruments
from metrics.store.database import Store
from metrics.store.tables import Inference

TABLE = Inference.__table__  # type: ignore[attr-defined]


def rows(count: int, prefix: str = "") -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    return [
        {
            "id": f"{prefix}{uuid.uuid4()}", "app": "a", "model": "m", "provider": None,
            "operation": "chat", "latency_s": 0.5, "ttft_s": None, "input_tokens": 1,
            "output_tokens": 1, "cached_input_tokens": None, "reasoning_tokens": None,
            "cost_usd": None, "status": "ok", "error_type": None, "finish_reason": None,
            "use_case": None, "session": None, "timestamp": now, "received_at": now,
            "user_hash": None, "attributes": {},
        }
        for _ in range(count)
    ]


def count_rows(store: Store) -> int:
    with store.engine.connect() as connection:
        return connection.exec_driver_sql("SELECT count(*) FROM inference").scalar_one()


def test_concurrent_writes_share_commits_and_all_land(store: Store) -> None:
    registry = CollectorRegistry()
    instruments = collector_instruments(registry)

    async def scenario() -> list[set[str]]:
        async with BatchWriter(store, instruments, max_queue_rows=10_000,
                               max_batch_rows=5_000) as writer:
            return await asyncio.gather(*(writer.write(TABLE, rows(5)) for _ in range(200)))

    results = asyncio.run(scenario())
    assert all(len(new) == 5 for new in results)
    assert count_rows(store) == 1000
    commits = registry.get_sample_value("valuewatch_ingest_commit_duration_seconds_count")
    assert commits is not None and commits < 200  # grouped: fewer commits than requests
    assert registry.get_sample_value("valuewatch_ingest_commit_rows_sum") == 1000


def test_a_full_queue_refuses_new_work_instead_of_growing(store: Store) -> None:
    instruments = collector_instruments(CollectorRegistry())

    async def scenario() -> tuple[int, int]:
        async with BatchWriter(store, instruments, max_queue_rows=100,
                               max_batch_rows=100) as writer:
            outcomes = await asyncio.gather(
                *(writer.write(TABLE, rows(40)) for _ in range(10)), return_exceptions=True
            )
        refused = sum(isinstance(o, Overloaded) for o in outcomes)
        return refused, sum(len(o) for o in outcomes if isinstance(o, set))

    refused, stored = asyncio.run(scenario())
    assert refused > 0
    assert stored == count_rows(store) == (10 - refused) * 40


def test_a_database_that_refuses_writes_fails_the_request_with_store_unavailable(
    tmp_path: Path,
) -> None:
    path = tmp_path / "valuewatch.db"
    Store.open(f"sqlite:///{path}").migrate()
    _assert_unavailable(Store.open(f"sqlite:///file:{path}?mode=ro&uri=true"))


def _assert_unavailable(store: Store) -> None:
    instruments = collector_instruments(CollectorRegistry())

    async def scenario() -> None:
        async with BatchWriter(store, instruments, max_queue_rows=100,
                               max_batch_rows=100) as writer:
            with pytest.raises(StoreUnavailable, match="readonly"):
                await writer.write(TABLE, rows(3))
            assert writer.queued_rows == 0

    asyncio.run(scenario())


def test_shutdown_commits_what_was_already_queued(store: Store) -> None:
    instruments = collector_instruments(CollectorRegistry())

    async def scenario() -> list[set[str]]:
        writer = BatchWriter(store, instruments, max_queue_rows=10_000, max_batch_rows=50)
        await writer.__aenter__()
        pending = [asyncio.ensure_future(writer.write(TABLE, rows(10))) for _ in range(20)]
        await asyncio.sleep(0)
        await writer.__aexit__(None, None, None)
        return await asyncio.gather(*pending)

    results = asyncio.run(scenario())
    assert sum(len(r) for r in results) == 200 == count_rows(store)


class FailingOnce:
    """A store whose first insert raises `failure`."""

    def __init__(self, store: Store, failure: BaseException | None) -> None:
        self._store, self._failure = store, failure

    def insert_new(self, batches: Any) -> Any:
        if self._failure is not None:
            failure, self._failure = self._failure, None
            raise failure
        return self._store.insert_new(batches)


@pytest.mark.parametrize("failure", [
    TimeoutError(), OSError(""), RuntimeError("\n"),
    # Raised by the commit in its thread, these are its failure, not the writer's end.
    asyncio.CancelledError(), KeyboardInterrupt(),
])
def test_a_failure_with_an_empty_message_is_a_503_and_the_writer_lives_on(
    store: Store, failure: BaseException
) -> None:
    instruments = collector_instruments(CollectorRegistry())

    async def scenario() -> tuple[StoreUnavailable, set[Any]]:
        flaky: Any = FailingOnce(store, failure)
        async with BatchWriter(flaky, instruments, max_queue_rows=100,
                               max_batch_rows=100) as writer:
            with pytest.raises(StoreUnavailable) as refused:  # not a hang: the writer lives
                await asyncio.wait_for(writer.write(TABLE, rows(1)), timeout=5)
            later = await asyncio.wait_for(writer.write(TABLE, rows(2)), timeout=5)
        return refused.value, later

    refused, later = asyncio.run(scenario())
    assert refused.reason == "write failed"
    assert "nothing was stored" in refused.client_message
    assert len(later) == 2 and count_rows(store) == 2


def _refused_in_a_group(
    store: Store, field: str, bad_value: Any
) -> tuple[list[Any], set[str]]:
    """Three requests queued together, the middle one's second row holding `bad_value`;
    returns their answers and the ids then stored."""
    instruments = collector_instruments(CollectorRegistry())
    sent = [rows(3), rows(2), rows(4)]
    sent[1][1][field] = bad_value

    async def scenario() -> list[Any]:
        async with BatchWriter(store, instruments, max_queue_rows=100,
                               max_batch_rows=100) as writer:
            # Queued before the writer wakes, so they share one group commit until it fails.
            return await asyncio.gather(
                *(writer.write(TABLE, batch) for batch in sent), return_exceptions=True
            )

    answers = asyncio.run(scenario())
    ids = {row["id"] for batch in sent for row in batch}
    with store.engine.connect() as connection:
        stored = {i for (i,) in connection.exec_driver_sql("SELECT id FROM inference") if i in ids}
    return answers, stored


def test_a_row_the_database_refuses_fails_only_the_request_that_sent_it(store: Store) -> None:
    (before, refused, after), stored = _refused_in_a_group(store, "timestamp", None)
    assert (len(before), len(after)) == (3, 4)
    assert isinstance(refused, RecordRejected)
    assert (refused.loc, refused.message) == ((1, "timestamp"), "is required")
    assert len(stored) == 7  # the innocent requests' rows, none of the offender's


@pytest.mark.postgres
def test_a_value_too_long_for_postgresql_fails_only_its_request(postgres_store: Store) -> None:
    (before, refused, after), stored = _refused_in_a_group(postgres_store, "model", "m" * 201)
    assert (len(before), len(after)) == (3, 4)
    assert isinstance(refused, RecordRejected)
    assert refused.loc == (1, "model")
    assert refused.message == "is 201 characters as stored, over the limit of 200"
    assert len(stored) == 7


def test_a_cancelled_writer_answers_every_waiting_request(store: Store) -> None:
    instruments = collector_instruments(CollectorRegistry())

    class Slow:
        def insert_new(self, batches: Any) -> Any:
            time.sleep(0.2)
            return store.insert_new(batches)

    async def scenario() -> list[Any]:
        slow: Any = Slow()
        writer = BatchWriter(slow, instruments, max_queue_rows=100, max_batch_rows=1)
        await writer.__aenter__()
        waiting = [asyncio.ensure_future(writer.write(TABLE, rows(1))) for _ in range(3)]
        await asyncio.sleep(0.05)  # the first commit is under way, two requests queued
        assert writer._task is not None
        writer._task.cancel()
        return await asyncio.wait_for(asyncio.gather(*waiting, return_exceptions=True), 5)

    answers = asyncio.run(scenario())
    assert all(isinstance(answer, Overloaded) for answer in answers), answers
