"""Two users' calls, feedback, graded samples and outcomes, sent through the API, and
aggregates beside them: the rows the privacy tests export and delete."""

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from metrics.store.database import Store
from metrics.store.rollups import DailyUsage
from metrics.store.tables import Scope
from metrics.types import utc_now

Headers = dict[Scope, dict[str, str]]

# Both users have a call "shared", in different apps: samples and outcomes go by id and app.
CALLS = [
    {"id": "a1", "app": "support", "user": "alice", "attributes": {"tier": "gold"}},
    {"id": "shared", "app": "support", "user": "alice"},
    {"id": "shared", "app": "search", "user": "bob"},
    {"id": "b1", "app": "support", "user": "bob"},
]
FEEDBACK = [
    {"id": "fa1", "inference_id": "a1", "app": "support", "kind": "comment",
     "comment": "it forgot my order", "user": "alice"},
    {"id": "fa2", "inference_id": "a1", "app": "support", "kind": "thumbs", "value": "down"},
    {"id": "fb1", "inference_id": "b1", "app": "support", "kind": "comment",
     "comment": "spot on", "user": "bob"},
]
SAMPLES = [
    {"id": "sa1", "inference_id": "shared", "app": "support", "model": "m", "correct": False},
    {"id": "sb1", "inference_id": "shared", "app": "search", "model": "m", "correct": True},
]
OUTCOMES = [
    {"id": "oa1", "inference_id": "a1", "app": "support", "name": "resolved"},
    {"id": "ob1", "inference_id": "b1", "app": "support", "name": "resolved"},
]
ALICE_ROWS = {"inference": 2, "feedback": 2, "accuracy_sample": 1, "outcome": 1}
BOB_ROWS = {"inference": 2, "feedback": 1, "accuracy_sample": 1, "outcome": 1}


def seed_two_users(client: TestClient, auth: Headers, store: Store) -> None:
    """Send alice's and bob's records, and store one day's aggregate of calls."""
    calls = [{"model": "m", "latency_s": 0.5, **call} for call in CALLS]
    for path, body in (("inferences", calls), ("feedback", FEEDBACK),
                       ("accuracy", SAMPLES), ("outcomes", OUTCOMES)):
        answer = client.post(f"/api/v1/{path}", json=body, headers=auth[Scope.ingest])
        assert answer.status_code == 200, answer.text
    day = utc_now().replace(hour=0, minute=0, second=0, microsecond=0)
    with store.engine.begin() as connection:
        connection.execute(DailyUsage.__table__.insert().values(  # type: ignore[attr-defined]
            day=day, app="support", model="m", use_case="", calls=3, errors=0, input_tokens=0,
            output_tokens=0, cost_usd=0.0, unpriced_calls=3, latency_s_sum=1.5,
            latency_s_max=0.5, latency_p95_s=0.5, latency_buckets=[], ttft_count=0,
            ttft_s_sum=0.0))


def row_ids(store: Store, table: str) -> list[tuple[str, str]]:
    """(id, app) of every row of a raw table, sorted."""
    from sqlmodel import SQLModel

    found = SQLModel.metadata.tables[table]
    with store.engine.connect() as connection:
        rows = connection.execute(select(found.c.id, found.c.app))
        return sorted((row.id, row.app) for row in rows)


def daily_calls(store: Store) -> int:
    """Calls summed over the stored daily usage rows."""
    with store.engine.connect() as connection:
        return int(connection.execute(select(func.sum(DailyUsage.calls))).scalar() or 0)
