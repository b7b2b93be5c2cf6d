"""Thumbs feedback in every form JSON clients send it, through HTTP, on SQLite and
PostgreSQL; and errors that point at the value the client sent."""

import json

import pytest
from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry
from sqlmodel import Session, select

from metrics.store.database import Store
from metrics.store.tables import Feedback, Scope

Headers = dict[Scope, dict[str, str]]

UP = ["true", "1", "1.0", '"1"', '"true"', '"up"', '"Up"', '"TRUE"']
DOWN = ["false", "0", "0.0", '"0"', '"false"', '"down"']
WRONG = ["2", "-1", "0.5", '"maybe"', '"2"', '"sideways"', "null", '""']


def post_raw(client: TestClient, auth: Headers, body: str) -> object:
    """POST `body` exactly as written, so each value reaches the server as JSON spells it."""
    return client.post(
        "/api/v1/feedback", content=body.encode(),
        headers=auth[Scope.ingest] | {"content-type": "application/json"},
    )


def thumbs(value: str, id: str = "f1") -> str:
    """One thumbs feedback object, its value written as raw JSON."""
    return f'{{"id": "{id}", "inference_id": "c1", "app": "support", "kind": "thumbs", ' \
           f'"value": {value}}}'


@pytest.mark.parametrize(("value", "number"), [(v, 1.0) for v in UP] + [(v, 0.0) for v in DOWN])
def test_every_documented_thumbs_form_is_stored_as_1_or_0(
    client: TestClient, auth: Headers, store: Store, registry: CollectorRegistry,
    value: str, number: float,
) -> None:
    answer = post_raw(client, auth, thumbs(value))
    assert answer.status_code == 200, answer.json()
    assert answer.json() == {"accepted": 1, "duplicates": 0, "conflicts": []}
    with Session(store.engine) as session:
        [row] = session.exec(select(Feedback)).all()
    assert row.value == number
    sentiment = "positive" if number else "negative"
    labels = {"app": "support", "kind": "thumbs", "sentiment": sentiment}
    assert registry.get_sample_value("valuewatch_feedback_total", labels) == 1.0


@pytest.mark.parametrize("value", WRONG)
def test_a_thumbs_value_that_is_neither_up_nor_down_points_at_the_value(
    client: TestClient, auth: Headers, store: Store, value: str
) -> None:
    answer = post_raw(client, auth, thumbs(value))
    assert answer.status_code == 422
    [error] = answer.json()["detail"]
    assert error["loc"] == ["body", "value"]
    assert "thumbs feedback needs true/false, 1/0" in error["msg"]
    with Session(store.engine) as session:
        assert session.exec(select(Feedback)).all() == []


def test_in_a_list_the_error_names_the_record_and_nothing_is_stored(
    client: TestClient, auth: Headers, store: Store
) -> None:
    body = f"[{thumbs('1', 'f1')}, {thumbs('0', 'f2')}, {thumbs('0.5', 'f3')}]"
    answer = post_raw(client, auth, body)
    assert answer.status_code == 422
    assert [e["loc"] for e in answer.json()["detail"]] == [["body", 2, "value"]]
    with Session(store.engine) as session:
        assert session.exec(select(Feedback)).all() == []


def test_a_list_of_mixed_thumbs_forms_is_stored_as_1_or_0(
    client: TestClient, auth: Headers, store: Store
) -> None:
    body = json.dumps([
        {"id": f"f{i}", "inference_id": "c1", "kind": "thumbs", "value": value}
        for i, value in enumerate([1, 0, 1.0, True, "down"])
    ])
    assert post_raw(client, auth, body).json() == {"accepted": 5, "duplicates": 0, "conflicts": []}
    with Session(store.engine) as session:
        rows = session.exec(select(Feedback)).all()
    assert sorted((row.id, row.value) for row in rows) == [
        ("f0", 1.0), ("f1", 0.0), ("f2", 1.0), ("f3", 1.0), ("f4", 0.0),
    ]
