"""POST /v1/logs, on SQLite and PostgreSQL: evaluation events become graded samples."""

from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from google.protobuf import json_format
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceResponse
from prometheus_client import CollectorRegistry
from sqlmodel import Session, select

from metrics.store.database import Store
from metrics.store.tables import AccuracySample, Grader, Inference, Scope
from tests.unit.collector.otlp_log_builders import (
    CALL_ID,
    encoded,
    evaluation_event,
    log_export,
    log_line,
)

Headers = dict[Scope, dict[str, str]]


def store_call(store: Store, call_id: str = CALL_ID, *, app: str = "support-bot",
               attributes: dict[str, Any] | None = None) -> None:
    at = datetime(2026, 1, 1, 11, 59, tzinfo=UTC)
    store.insert_new([(Inference.__table__, [{  # type: ignore[attr-defined]
        "id": call_id, "app": app, "model": "gpt-4o-mini", "operation": "chat",
        "latency_s": 1.0, "input_tokens": 1, "output_tokens": 1, "status": "ok",
        "timestamp": at, "received_at": at, "attributes": attributes or {},
    }])])


def post(client: TestClient, auth: Headers, request: Any, encoding: str) -> Any:
    body, content_type = encoded(request, encoding)
    return client.post("/v1/logs", content=body,
                       headers=auth[Scope.ingest] | {"Content-Type": content_type})


def answer_of(response: Any, encoding: str) -> ExportLogsServiceResponse:
    assert response.status_code == 200, response.text
    if encoding == "protobuf":
        return ExportLogsServiceResponse.FromString(response.content)
    return json_format.Parse(response.text, ExportLogsServiceResponse())


def samples(store: Store) -> list[AccuracySample]:
    with Session(store.engine) as session:
        return list(session.exec(select(AccuracySample).order_by(AccuracySample.task)).all())


def test_an_evaluation_event_becomes_a_graded_sample_of_its_call(
    client: TestClient, auth: Headers, store: Store, registry: CollectorRegistry, encoding: str
) -> None:
    store_call(store)
    request = log_export(
        evaluation_event("relevance", score=0.9, label="pass"),
        evaluation_event("faithfulness", score=None, label="Incorrect", in_attribute=True),
        log_line(), log_line("another line"),
    )
    answer = answer_of(post(client, auth, request, encoding), encoding)
    assert not answer.HasField("partial_success")
    faithfulness, relevance = samples(store)
    assert (relevance.task, relevance.score, relevance.correct) == ("relevance", 0.9, True)
    assert (faithfulness.task, faithfulness.score, faithfulness.correct) == (
        "faithfulness", None, False)
    for sample in (relevance, faithfulness):
        assert (sample.inference_id, sample.app, sample.model, sample.grader) == (
            CALL_ID, "support-bot", "gpt-4o-mini", Grader.judge)
        assert sample.timestamp == datetime(2026, 1, 1, 12, tzinfo=UTC)
    counted = registry.get_sample_value
    assert counted("valuewatch_otlp_log_records_total", {"result": "accepted"}) == 2
    assert counted("valuewatch_otlp_log_records_total", {"result": "ignored"}) == 2


def test_a_retried_export_stores_its_samples_once(
    client: TestClient, auth: Headers, store: Store, registry: CollectorRegistry, encoding: str
) -> None:
    request = log_export(evaluation_event())
    for _ in range(2):
        answer_of(post(client, auth, request, encoding), encoding)
    assert len(samples(store)) == 1
    assert registry.get_sample_value(
        "valuewatch_otlp_log_records_total", {"result": "duplicate"}) == 1


def test_an_event_without_span_context_finds_its_call_by_response_id(
    client: TestClient, auth: Headers, store: Store
) -> None:
    store_call(store, "call-7", app="billing-bot",
               attributes={"gen_ai.response.id": "chatcmpl-42"})
    event = evaluation_event("toxicity", score=0.0, label=None, trace_id=b"", span_id=b"",
                             gen_ai__response__id="chatcmpl-42",
                             valuewatch__evaluation__grader="exact")
    answer_of(post(client, auth, log_export(event, service="evaluator"), "protobuf"), "protobuf")
    (sample,) = samples(store)
    assert (sample.inference_id, sample.app, sample.model, sample.grader) == (
        "call-7", "billing-bot", "gpt-4o-mini", Grader.exact)
    assert (sample.score, sample.correct) == (0.0, None)


def test_an_event_for_an_unknown_call_keeps_the_services_name_and_an_unknown_model(
    client: TestClient, auth: Headers, store: Store
) -> None:
    answer_of(post(client, auth, log_export(evaluation_event()), "protobuf"), "protobuf")
    (sample,) = samples(store)
    assert (sample.inference_id, sample.app, sample.model) == (CALL_ID, "support-bot", "unknown")


def test_events_that_grade_nothing_are_rejected_alone_in_partial_success(
    client: TestClient, auth: Headers, store: Store, registry: CollectorRegistry, encoding: str
) -> None:
    request = log_export(
        evaluation_event("relevance", score=4.0, label=None),  # outside 0..1
        evaluation_event("tone", score=None, label="friendly"),  # says neither pass nor fail
        evaluation_event("", score=0.5),  # no evaluation name
        evaluation_event("coherence", score=0.7, label=None),
    )
    answer = answer_of(post(client, auth, request, encoding), encoding)
    assert answer.partial_success.rejected_log_records == 3
    assert "outside 0..1" in answer.partial_success.error_message
    assert [sample.task for sample in samples(store)] == ["coherence"]
    assert registry.get_sample_value(
        "valuewatch_otlp_log_records_total", {"result": "rejected"}) == 3


def test_a_failed_evaluation_is_ignored(
    client: TestClient, auth: Headers, store: Store, registry: CollectorRegistry
) -> None:
    event = evaluation_event(error__type="timeout")
    answer_of(post(client, auth, log_export(event), "protobuf"), "protobuf")
    assert samples(store) == []
    assert registry.get_sample_value(
        "valuewatch_otlp_log_records_total", {"result": "ignored"}) == 1


def test_logs_need_an_ingest_key_and_an_otlp_body(client: TestClient, auth: Headers) -> None:
    body, content_type = encoded(log_export(evaluation_event()), "protobuf")
    assert client.post("/v1/logs", content=body,
                       headers={"Content-Type": content_type}).status_code == 401
    assert client.post("/v1/logs", content=body, headers=auth[Scope.read]
                       | {"Content-Type": content_type}).status_code == 403
    assert client.post("/v1/logs", content=b"\xff\xff", headers=auth[Scope.ingest]
                       | {"Content-Type": content_type}).status_code == 400
