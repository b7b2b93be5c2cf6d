"""Ids are the client's, unique within an app: two apps never collide, a retry is a
duplicate, and a repeated id with other content is a conflict, on SQLite and PostgreSQL."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from metrics.store.database import Store
from metrics.store.tables import AccuracySample, Feedback, Inference, Outcome, Scope

Headers = dict[Scope, dict[str, str]]
AT = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()


def readme_call(app: str, **fields: object) -> dict[str, object]:
    """The README's first record, sent by `app`."""
    return {"id": "call-1", "app": app, "model": "gpt-4o-mini", "latency_s": 1.3,
            "ttft_s": 0.21, "input_tokens": 812, "output_tokens": 164} | fields


# Each ingest kind: its route, its table, and one record of it sent by `app`.
KINDS = {
    "inference": ("/api/v1/inferences", Inference, lambda app: readme_call(app)),
    "feedback": ("/api/v1/feedback", Feedback, lambda app: {
        "id": "fb-1", "inference_id": "call-1", "app": app, "kind": "rating", "value": 4}),
    "accuracy": ("/api/v1/accuracy", AccuracySample, lambda app: {
        "id": "acc-1", "inference_id": "call-1", "app": app, "model": "gpt-4o-mini",
        "correct": True}),
    "outcome": ("/api/v1/outcomes", Outcome, lambda app: {
        "id": "out-1", "inference_id": "call-1", "app": app, "name": "ticket_resolved"}),
}


def stored(store: Store, model: type) -> list:
    with Session(store.engine) as session:
        return list(session.exec(select(model)).all())


def records_total(registry: CollectorRegistry, kind: str, result: str) -> float | None:
    return registry.get_sample_value(
        "valuewatch_ingest_records_total", {"kind": kind, "result": result}
    )


@pytest.mark.parametrize("kind", KINDS)
def test_two_apps_sending_the_same_id_both_have_their_record_stored(
    kind: str, client: TestClient, auth: Headers, store: Store, registry: CollectorRegistry
) -> None:
    path, model, record = KINDS[kind]

    answers = [client.post(path, json=record(app), headers=auth[Scope.ingest])
               for app in ("support", "search")]

    assert [(a.status_code, a.json()) for a in answers] == [
        (200, {"accepted": 1, "duplicates": 0, "conflicts": []})
    ] * 2
    assert sorted((row.app, row.id) for row in stored(store, model)) == [
        ("search", record("search")["id"]), ("support", record("support")["id"]),
    ]
    assert records_total(registry, kind, "accepted") == 2.0


@pytest.mark.parametrize("kind", KINDS)
def test_a_repeated_id_with_other_content_is_a_conflict_and_the_stored_record_is_kept(
    kind: str, client: TestClient, auth: Headers, store: Store, registry: CollectorRegistry
) -> None:
    path, model, record = KINDS[kind]
    first = record("support") | {"timestamp": AT}
    changed = first | ({"value": 2} if kind == "feedback" else
                       {"latency_s": 9.5} if kind == "inference" else
                       {"correct": False} if kind == "accuracy" else {"value": 3.0})
    client.post(path, json=first, headers=auth[Scope.ingest])

    retry = client.post(path, json=first, headers=auth[Scope.ingest])
    conflict = client.post(path, json=changed, headers=auth[Scope.ingest])

    assert (retry.status_code, retry.json()) == (
        200, {"accepted": 0, "duplicates": 1, "conflicts": []}
    )
    assert (conflict.status_code, conflict.json()) == (
        409, {"accepted": 0, "duplicates": 0, "conflicts": [first["id"]]}
    )
    [row] = stored(store, model)
    field = {"inference": "latency_s", "feedback": "value", "accuracy": "correct",
             "outcome": "value"}[kind]
    assert getattr(row, field) == {"inference": 1.3, "feedback": 4.0, "accuracy": True,
                                   "outcome": 1.0}[kind]
    assert records_total(registry, kind, "duplicate") == 1.0
    assert records_total(registry, kind, "conflict") == 1.0


def test_a_batch_lists_its_conflicts_and_stores_the_rest(
    client: TestClient, auth: Headers, store: Store
) -> None:
    client.post("/api/v1/inferences", json=[readme_call("support", id="a"),
                                            readme_call("support", id="b")],
                headers=auth[Scope.ingest])

    answer = client.post("/api/v1/inferences", json=[
        readme_call("support", id="a"), readme_call("support", id="b", model="gpt-4o"),
        readme_call("support", id="c"),
    ], headers=auth[Scope.ingest])

    assert (answer.status_code, answer.json()) == (
        200, {"accepted": 1, "duplicates": 1, "conflicts": ["b"]}
    )
    models = {row.id: row.model for row in stored(store, Inference)}
    assert models == {"a": "gpt-4o-mini", "b": "gpt-4o-mini", "c": "gpt-4o-mini"}


def test_a_retry_without_a_timestamp_is_a_duplicate_though_it_was_stamped_later(
    client: TestClient, auth: Headers
) -> None:
    client.post("/api/v1/inferences", json=readme_call("support"), headers=auth[Scope.ingest])

    again = client.post("/api/v1/inferences", json=readme_call("support"),
                        headers=auth[Scope.ingest])

    assert (again.status_code, again.json()) == (
        200, {"accepted": 0, "duplicates": 1, "conflicts": []}
    )


def test_the_same_id_twice_in_one_batch_with_other_content_is_a_conflict(
    client: TestClient, auth: Headers, store: Store
) -> None:
    answer = client.post("/api/v1/inferences", json=[
        readme_call("support", timestamp=AT), readme_call("support", timestamp=AT,
                                                          latency_s=4.0),
    ], headers=auth[Scope.ingest])

    assert answer.json() == {"accepted": 1, "duplicates": 0, "conflicts": ["call-1"]}
    assert [row.latency_s for row in stored(store, Inference)] == [1.3]


def test_feedback_without_an_app_is_refused_only_when_two_apps_share_its_call_id(
    client: TestClient, auth: Headers, store: Store
) -> None:
    client.post("/api/v1/inferences", json=[readme_call("support"), readme_call("search"),
                                            readme_call("search", id="call-2")],
                headers=auth[Scope.ingest])
    ambiguous = {"inference_id": "call-1", "kind": "thumbs", "value": "up"}

    refused = client.post("/api/v1/feedback", json=ambiguous, headers=auth[Scope.ingest])
    named = client.post("/api/v1/feedback", json=ambiguous | {"app": "search"},
                        headers=auth[Scope.ingest])
    unshared = client.post("/api/v1/feedback", json=ambiguous | {"inference_id": "call-2"},
                           headers=auth[Scope.ingest])

    assert refused.status_code == 422
    [error] = refused.json()["detail"]
    assert error["loc"] == ["body", 0, "app"]
    assert "search, support" in error["msg"]
    assert named.json() == unshared.json() == {"accepted": 1, "duplicates": 0, "conflicts": []}
    assert sorted((row.inference_id, row.app) for row in stored(store, Feedback)) == [
        ("call-1", "search"), ("call-2", ""),
    ]


def test_pages_of_calls_hold_every_app_s_call_when_ids_and_times_are_shared(
    client: TestClient, auth: Headers
) -> None:
    apps = ["billing", "search", "support"]
    client.post("/api/v1/inferences", json=[readme_call(app, timestamp=AT) for app in apps],
                headers=auth[Scope.ingest])

    seen, cursor = [], None
    while True:
        params = {"limit": 1} | ({"cursor": cursor} if cursor else {})
        page = client.get("/api/v1/inferences", params=params, headers=auth[Scope.read]).json()
        seen += [(item["app"], item["id"]) for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert seen == [(app, "call-1") for app in reversed(apps)]


def test_a_failing_read_back_of_repeated_ids_answers_503_not_500(
    client: TestClient, auth: Headers, store: Store
) -> None:
    client.post("/api/v1/inferences", json=readme_call("support"), headers=auth[Scope.ingest])

    @event.listens_for(store.engine, "before_cursor_execute")
    def refuse_reads(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "inference.id IN" in statement:
            raise OperationalError(statement, params, Exception("server closed the connection"))

    try:
        feedback = client.post("/api/v1/feedback", json={
            "inference_id": "call-1", "kind": "thumbs", "value": "up"},
            headers=auth[Scope.ingest])
        retry = client.post("/api/v1/inferences", json=readme_call("support"),
                            headers=auth[Scope.ingest])
    finally:
        event.remove(store.engine, "before_cursor_execute", refuse_reads)

    assert [(a.status_code, a.headers.get("retry-after")) for a in (feedback, retry)] == [
        (503, "5"), (503, "5"),
    ]
    assert "database unreachable" in retry.json()["detail"]
