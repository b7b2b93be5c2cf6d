"""Raw tables partitioned by day (PostgreSQL): partitions made ahead, rows of days without
one still stored, (app, id) unique across partitions, window queries read their days only.
The behaviour a user sees is checked on SQLite too."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Table, select, text

from metrics.store.database import Store
from metrics.store.partitions import (
    PARTITIONED_TABLES,
    create_day_partitions,
    create_partitions_ahead,
    day_partitions,
    remove_day,
)
from metrics.store.tables import Inference, Scope
from tests.conftest import TABLES

INFERENCE: Table = Inference.__table__  # type: ignore[attr-defined]
postgres_only = pytest.mark.postgres


@pytest.fixture
def partitioned_store(postgres_store: Store) -> Store:
    """The PostgreSQL store, emptied (its partitions stay)."""
    with postgres_store.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {', '.join(TABLES)}"))
    return postgres_store


def stored_keys(connection: Connection, table: str) -> int:
    """How many keys `table`'s key table holds."""
    return int(connection.execute(text(f"SELECT count(*) FROM {table}_key")).scalar_one())


def call_row(id: str, timestamp: datetime, **fields: Any) -> dict[str, Any]:
    """An inference row as ingest stores it."""
    return {
        "id": id, "app": "support", "model": "gpt-4o-mini", "provider": "openai",
        "operation": "chat", "latency_s": 1.0, "ttft_s": None, "input_tokens": 10,
        "output_tokens": 5, "cached_input_tokens": None, "cache_write_input_tokens": None,
        "reasoning_tokens": None, "cost_usd": 0.001, "status": "ok", "error_type": None,
        "finish_reason": None, "use_case": None, "session": None, "timestamp": timestamp,
        "received_at": timestamp, "user_hash": None, "attributes": {}, **fields,
    }


def stored_calls(store: Store) -> list[tuple[str, datetime]]:
    with store.engine.connect() as connection:
        rows = connection.execute(select(INFERENCE.c.id, INFERENCE.c.timestamp)
                                  .order_by(INFERENCE.c.id)).all()
    return [(id, moment) for id, moment in rows]


def rows_in(store: Store, relation: str) -> int:
    with store.engine.connect() as connection:
        return int(connection.execute(text(f"SELECT count(*) FROM {relation}")).scalar_one())


@postgres_only
def test_partitions_are_made_for_today_and_the_days_ahead_once(partitioned_store: Store) -> None:
    today = datetime(2027, 6, 1, tzinfo=UTC)
    with partitioned_store.engine.begin() as connection:
        made = create_partitions_ahead(connection, today, 2)
        again = create_partitions_ahead(connection, today, 2)
        found = {table: day_partitions(connection, table) for table in PARTITIONED_TABLES}

    days = [datetime(2027, 6, day) for day in (1, 2, 3)]
    assert sorted(made) == sorted(f"{t}_p2027060{d}" for t in PARTITIONED_TABLES for d in (1, 2, 3))
    assert again == []
    assert all(set(days) <= set(partitions) for partitions in found.values())


def test_a_record_for_a_day_without_a_partition_is_stored(store: Store) -> None:
    moment = datetime(2024, 2, 29, 12, tzinfo=UTC)  # a day no partition was made for

    [new] = store.insert_new([(INFERENCE, [call_row("leap", moment)])])

    assert new == {("support", "leap")}
    assert stored_calls(store) == [("leap", moment)]
    if store.dialect == "postgresql":
        assert rows_in(store, "inference_default") == 1


@postgres_only
def test_a_partition_made_for_a_day_takes_its_rows_from_the_default_partition(
    partitioned_store: Store,
) -> None:
    moment = datetime(2024, 3, 1, 8, tzinfo=UTC)
    partitioned_store.insert_new([(INFERENCE, [call_row("early", moment)])])

    with partitioned_store.engine.begin() as connection:
        made = create_day_partitions(connection, "inference", [datetime(2024, 3, 1)])

    assert made == ["inference_p20240301"]
    assert rows_in(partitioned_store, "inference_p20240301") == 1
    assert rows_in(partitioned_store, "inference_default") == 0
    assert stored_calls(partitioned_store) == [("early", moment)]


def test_an_id_sent_again_with_another_day_is_not_a_second_row(store: Store) -> None:
    first = datetime(2026, 11, 20, 9, tzinfo=UTC)
    other = first + timedelta(days=3)  # another partition on PostgreSQL

    stored = store.insert_new([(INFERENCE, [call_row("c1", first)])])
    again = store.insert_new([(INFERENCE, [call_row("c1", other), call_row("c2", other)])])

    assert stored == [{("support", "c1")}]
    assert again == [{("support", "c2")}]
    assert stored_calls(store) == [("c1", first), ("c2", other)]
    if store.dialect == "postgresql":
        with store.engine.connect() as connection:
            assert stored_keys(connection, "inference") == 2


def test_an_id_twice_in_one_batch_with_two_days_is_stored_once(store: Store) -> None:
    first = datetime(2026, 11, 20, 9, tzinfo=UTC)
    rows = [call_row("twice", first), call_row("twice", first + timedelta(days=1))]

    [new] = store.insert_new([(INFERENCE, rows)])

    assert new == {("support", "twice")}
    assert stored_calls(store) == [("twice", first)]


def test_a_resent_id_with_another_timestamp_is_answered_as_a_conflict(
    client: TestClient, auth: dict[Scope, dict[str, str]], store: Store
) -> None:
    now = datetime.now(UTC)
    record = {"id": "r1", "app": "support", "model": "gpt-4o-mini", "latency_s": 1.0}
    headers = auth[Scope.ingest]
    sent = (now - timedelta(days=5)).isoformat()
    first = client.post("/api/v1/inferences", json={**record, "timestamp": sent},
                        headers=headers)
    resent = client.post("/api/v1/inferences", json={**record, "timestamp": sent},
                         headers=headers)
    moved = client.post("/api/v1/inferences",
                        json={**record, "timestamp": (now - timedelta(days=1)).isoformat()},
                        headers=headers)

    assert first.json() == {"accepted": 1, "duplicates": 0, "conflicts": []}
    assert resent.json() == {"accepted": 0, "duplicates": 1, "conflicts": []}
    assert moved.json() == {"accepted": 0, "duplicates": 0, "conflicts": ["r1"]}
    assert [id for id, _ in stored_calls(store)] == ["r1"]


@postgres_only
def test_a_window_query_reads_only_the_partitions_of_its_days(partitioned_store: Store) -> None:
    days = [datetime(2027, 1, day) for day in (10, 11, 12)]
    with partitioned_store.engine.begin() as connection:
        create_day_partitions(connection, "inference", days)
        plan = "\n".join(connection.execute(text(
            'EXPLAIN SELECT count(*) FROM inference WHERE "timestamp" >= :start'
            ' AND "timestamp" < :end'
        ), {"start": datetime(2027, 1, 11), "end": datetime(2027, 1, 12)}).scalars())

    assert "inference_p20270111" in plan
    assert "inference_p20270110" not in plan
    assert "inference_p20270112" not in plan
    assert "inference_default" not in plan


@postgres_only
def test_a_day_whose_partition_is_in_use_is_deleted_row_by_row(partitioned_store: Store) -> None:
    moment = datetime(2027, 2, 1, 8, tzinfo=UTC)
    with partitioned_store.engine.begin() as connection:
        create_day_partitions(connection, "inference", [datetime(2027, 2, 1)])
    partitioned_store.insert_new([(INFERENCE, [call_row("busy", moment)])])

    with partitioned_store.engine.connect() as reader:  # a long report query, say
        reader.execute(select(INFERENCE.c.id).where(INFERENCE.c.timestamp >= moment)).all()
        with partitioned_store.engine.begin() as connection:
            removed = remove_day(connection, INFERENCE, datetime(2027, 2, 1, tzinfo=UTC),
                                 datetime(2027, 2, 2, tzinfo=UTC))
        reader.rollback()

    assert removed == 1
    assert stored_calls(partitioned_store) == []
    with partitioned_store.engine.connect() as connection:
        assert datetime(2027, 2, 1) in day_partitions(connection, "inference")
        assert stored_keys(connection, "inference") == 0


def test_the_id_of_a_deleted_record_may_be_stored_again(store: Store) -> None:
    moment = datetime(2026, 11, 21, 9, tzinfo=UTC)
    store.insert_new([(INFERENCE, [call_row("gone", moment)])])
    with store.engine.begin() as connection:  # as a privacy deletion does
        connection.execute(INFERENCE.delete().where(INFERENCE.c.id == "gone"))

    [new] = store.insert_new([(INFERENCE, [call_row("gone", moment + timedelta(days=2))])])

    assert new == {("support", "gone")}
    assert stored_calls(store) == [("gone", moment + timedelta(days=2))]
