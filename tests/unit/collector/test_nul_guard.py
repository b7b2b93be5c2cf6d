"""NUL characters, which PostgreSQL text cannot hold, get a 422 naming the field."""

import json

import pytest
from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry
from sqlalchemy import func, select

from collector.app import create_app
from metrics.settings import Settings
from metrics.store.database import Store
from metrics.store.tables import AuditEntry, Feedback, Scope
from metrics.value.store import INCIDENTS
from metrics.value.tables import Assessment
from tests.unit.collector.test_value_routes import FIRING

Auth = dict[Scope, dict[str, str]]
JSON = {"content-type": "application/json"}
FEEDBACK = {"id": "f1", "inference_id": "c1", "app": "support", "kind": "comment",
            "comment": "slow answer"}


def stored(store: Store, table: object) -> int:
    """How many rows `table` holds."""
    with store.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


def refused_at(answer: object) -> list[object]:
    """The loc of a NUL refusal, after checking it is one."""
    assert answer.status_code == 422, answer.text
    [error] = answer.json()["detail"]
    assert "must not contain NUL" in error["msg"]
    assert error["type"] == "value_error"
    return error["loc"]


@pytest.mark.parametrize(
    ("url", "loc"),
    [
        pytest.param("/api/v1/inferences?app=%00", ["query", "app"], id="a call's app"),
        pytest.param("/api/v1/inferences?model=gpt%004o", ["query", "model"], id="a model"),
        pytest.param("/api/v1/inferences?cursor=%00", ["query", "cursor"], id="a cursor"),
        pytest.param("/api/v1/evaluations?kind=%00", ["query", "kind"], id="an evaluator kind"),
        pytest.param("/api/v1/evaluations?app=a%00", ["query", "app"], id="an evaluated app"),
        pytest.param("/api/v1/kpis?period=%00", ["query", "period"], id="a KPI period"),
        pytest.param("/api/v1/inferences?a%00pp=x", ["query", "a\x00pp"], id="a parameter name"),
        pytest.param("/api/v1/reports/2026-0%00", ["path"], id="a report month in the path"),
    ],
)
def test_a_nul_in_the_url_is_refused_naming_the_parameter(
    client: TestClient, auth: Auth, url: str, loc: list[object]
) -> None:
    assert refused_at(client.get(url, headers=auth[Scope.read])) == loc


def test_an_alert_label_with_a_nul_is_refused_and_not_stored(
    client: TestClient, store: Store, auth: Auth
) -> None:
    alert = FIRING["alerts"][0]
    body = {**FIRING, "alerts": [{**alert, "labels": {**alert["labels"], "app": "sup\x00port"}}]}

    answer = client.post("/api/v1/alertmanager", json=body, headers=auth[Scope.ingest])

    assert refused_at(answer) == ["body", "alerts", 0, "labels", "app"]
    assert stored(store, INCIDENTS) == 0


def test_an_assessment_note_with_a_nul_is_refused_and_not_stored(
    client: TestClient, store: Store, auth: Auth
) -> None:
    entry = {"period": "2026-03", "name": "strategic_fit", "score": 70, "note": "ok\x00"}

    answer = client.post("/api/v1/assessments", json=entry, headers=auth[Scope.admin])

    assert refused_at(answer) == ["body", "note"]
    assert stored(store, Assessment.__table__) == 0
    with store.engine.connect() as connection:
        audited = connection.execute(select(AuditEntry.__table__.c.action)).scalars().all()
    assert "assessment.create" not in audited


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        pytest.param({**FEEDBACK, "comment": "\x00"}, ["body", "comment"], id="one record"),
        pytest.param([FEEDBACK | {"id": "f0"}, {**FEEDBACK, "comment": "a\x00"}],
                     ["body", 1, "comment"], id="the second record of a list"),
        pytest.param({**FEEDBACK, "comment": "\x00", "user": "\x00"}, ["body", "comment"],
                     id="the first of two fields"),
    ],
)
def test_feedback_with_a_nul_is_refused_counted_and_not_stored(
    client: TestClient, store: Store, auth: Auth, registry: CollectorRegistry,
    body: object, loc: list[object],
) -> None:
    answer = client.post("/api/v1/feedback", json=body, headers=auth[Scope.ingest])

    assert refused_at(answer) == loc
    assert stored(store, Feedback.__table__) == 0
    rejected = {"kind": "feedback", "result": "rejected"}
    assert registry.get_sample_value("valuewatch_ingest_records_total", rejected) == 1.0


def test_a_key_with_a_nul_is_refused_at_its_object(client: TestClient, auth: Auth) -> None:
    alert = FIRING["alerts"][0]
    body = {**FIRING, "alerts": [{**alert, "labels": {**alert["labels"], "a\x00": "x"}}]}

    answer = client.post("/api/v1/alertmanager", json=body, headers=auth[Scope.ingest])

    assert refused_at(answer) == ["body", "alerts", 0, "labels", "a\x00"]


def test_an_escaped_backslash_before_u0000_is_text_and_is_stored(
    client: TestClient, store: Store, auth: Auth
) -> None:
    body = json.dumps({**FEEDBACK, "comment": "type \\u0000 to end"}).encode()
    assert b'"type \\\\u0000 to end"' in body

    answer = client.post("/api/v1/feedback", content=body, headers=auth[Scope.ingest] | JSON)

    assert answer.status_code == 200, answer.text
    with store.engine.connect() as connection:
        comment = connection.execute(select(Feedback.__table__.c.comment)).scalar_one()
    assert comment == "type \\u0000 to end"


def test_a_json_body_without_a_content_type_is_checked_too(
    client: TestClient, store: Store, auth: Auth
) -> None:
    entry = {"period": "2026-03", "name": "strategic_fit", "score": 70, "note": "\x00"}

    answer = client.post("/api/v1/assessments", content=json.dumps(entry).encode(),
                         headers=auth[Scope.admin])

    assert refused_at(answer) == ["body", "note"]
    assert stored(store, Assessment.__table__) == 0


def test_a_browser_reads_the_refusal_when_cors_is_on(store: Store, auth: Auth) -> None:
    origin = "https://shop.example.com"
    opened = Settings(database_url=str(store.engine.url), cors_origins=[origin])
    with TestClient(create_app(opened, store, CollectorRegistry())) as client:
        answer = client.get("/api/v1/inferences?app=%00",
                            headers=auth[Scope.read] | {"Origin": origin})

    assert refused_at(answer) == ["query", "app"]
    assert answer.headers["access-control-allow-origin"] == origin
