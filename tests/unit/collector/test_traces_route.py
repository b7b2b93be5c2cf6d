"""POST /v1/traces, on SQLite and PostgreSQL: OTLP/HTTP exports in, inference records stored."""

import gzip
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from google.rpc.status_pb2 import Status
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceResponse
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.trace import SpanKind
from prometheus_client import CollectorRegistry
from sqlalchemy import text
from sqlmodel import Session, select

from collector.app import create_app
from collector.keys import create_key
from metrics.settings import Settings
from metrics.store.database import Store
from metrics.store.tables import Inference, Scope

Headers = dict[Scope, dict[str, str]]
PROTOBUF = {"Content-Type": "application/x-protobuf"}
SECOND_NS = 1_000_000_000
TRACER = TracerProvider(resource=Resource.create({"service.name": "support-bot"})).get_tracer(
    "opentelemetry.instrumentation.openai_v2"
)
CHAT = {
    "gen_ai.operation.name": "chat",
    "gen_ai.provider.name": "openai",
    "gen_ai.request.model": "gpt-4o-mini",
    "gen_ai.response.model": "gpt-4o-mini-2024-07-18",
    "gen_ai.usage.input_tokens": 812,
    "gen_ai.usage.output_tokens": 164,
}


def span(
    attributes: dict[str, Any], *, ago_s: float = 5.0, duration_s: float = 1.5
) -> ReadableSpan:
    """A finished SDK span, as the OpenAI instrumentation would leave it."""
    start = time.time_ns() - int(ago_s * SECOND_NS)
    made = TRACER.start_span(
        "chat gpt-4o-mini", kind=SpanKind.CLIENT, attributes=attributes, start_time=start
    )
    made.end(end_time=start + int(duration_s * SECOND_NS))
    return made


def chat_span(**overrides: Any) -> ReadableSpan:
    return span(CHAT | overrides)


def export(*spans: ReadableSpan) -> bytes:
    return encode_spans(spans).SerializeToString()


def record_id(made: ReadableSpan) -> str:
    context = made.get_span_context()
    return f"{context.trace_id:032x}-{context.span_id:016x}"


def post(client: TestClient, body: bytes, headers: dict[str, str]) -> Any:
    return client.post("/v1/traces", content=body, headers=headers)


def answer_of(response: Any) -> ExportTraceServiceResponse:
    assert response.headers["content-type"] == "application/x-protobuf"
    return ExportTraceServiceResponse.FromString(response.content)


def stored(store: Store) -> list[Inference]:
    with Session(store.engine) as session:
        return list(session.exec(select(Inference)).all())


def spans_counted(registry: CollectorRegistry, result: str) -> float | None:
    return registry.get_sample_value("valuewatch_otlp_spans_total", {"result": result})


def test_a_protobuf_export_of_a_chat_span_is_stored_and_measured(
    client: TestClient, auth: Headers, store: Store, registry: CollectorRegistry
) -> None:
    made = chat_span()
    response = post(client, export(made), auth[Scope.ingest] | PROTOBUF)

    assert response.status_code == 200
    assert not answer_of(response).HasField("partial_success")
    [row] = stored(store)
    assert row.id == record_id(made)
    assert (row.app, row.model, row.provider) == ("support-bot", "gpt-4o-mini-2024-07-18", "openai")
    assert (row.input_tokens, row.output_tokens) == (812, 164)
    assert row.latency_s == pytest.approx(1.5)
    assert row.cost_usd == pytest.approx((812 * 0.15 + 164 * 0.60) / 1e6)
    labels = {
        "app": "support-bot", "gen_ai_operation_name": "chat", "gen_ai_provider_name": "openai",
        "gen_ai_response_model": "gpt-4o-mini-2024-07-18", "gen_ai_token_type": "input",
    }
    assert registry.get_sample_value("gen_ai_client_token_usage_sum", labels) == 812.0
    assert spans_counted(registry, "accepted") == 1.0


def otlp_json(tokens: tuple[Any, Any], *, service: str = "triage") -> dict[str, Any]:
    """An export as an OTLP/JSON exporter writes it: hex ids, int64 values as strings or not."""
    start = time.time_ns() - 10 * SECOND_NS
    attributes = [
        {"key": "gen_ai.operation.name", "value": {"stringValue": "chat"}},
        {"key": "gen_ai.request.model", "value": {"stringValue": "gpt-4o"}},
        {"key": "gen_ai.usage.input_tokens", "value": {"intValue": tokens[0]}},
        {"key": "gen_ai.usage.output_tokens", "value": {"intValue": tokens[1]}},
    ]
    return {"resourceSpans": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": service}}]},
        "scopeSpans": [{"scope": {"name": "openllmetry"}, "spans": [{
            "traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b174",
            "name": "chat gpt-4o", "kind": 3, "attributes": attributes,
            "startTimeUnixNano": str(start), "endTimeUnixNano": str(start + 2 * SECOND_NS),
        }]}],
    }]}


def post_json(client: TestClient, document: dict[str, Any], headers: dict[str, str]) -> Any:
    return client.post(
        "/v1/traces", json=document, headers=headers | {"Content-Type": "application/json"}
    )


def test_an_otlp_json_export_with_hex_ids_is_answered_in_json(
    client: TestClient, auth: Headers, store: Store
) -> None:
    response = post_json(client, otlp_json(("1200", 90)), auth[Scope.ingest])

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {}
    [row] = stored(store)
    assert row.id == "5b8efff798038103d269b633813fc60c-eee19b7ec3c1b174"
    assert (row.app, row.model) == ("triage", "gpt-4o")
    assert (row.input_tokens, row.output_tokens) == (1200, 90)
    assert row.latency_s == 2.0


def test_a_rejected_span_in_a_json_export_is_reported_in_json(
    client: TestClient, auth: Headers, store: Store
) -> None:
    response = post_json(client, otlp_json((1200, -90)), auth[Scope.ingest])

    assert response.status_code == 200
    partial = response.json()["partialSuccess"]
    assert partial["rejectedSpans"] == "1"  # int64 is a string in protobuf's JSON mapping
    assert "span eee19b7ec3c1b174 (chat gpt-4o)" in partial["errorMessage"]
    assert stored(store) == []


def test_a_gzipped_export_is_unpacked_and_stored(
    client: TestClient, auth: Headers, store: Store
) -> None:
    made = chat_span()
    headers = auth[Scope.ingest] | PROTOBUF | {"Content-Encoding": "gzip"}
    response = post(client, gzip.compress(export(made)), headers)

    assert response.status_code == 200
    assert [row.id for row in stored(store)] == [record_id(made)]


def test_a_gzip_body_of_several_members_is_read_whole(
    client: TestClient, auth: Headers, store: Store
) -> None:
    # Concatenated protobuf messages merge, so two members make one export of two spans.
    first, second = chat_span(), chat_span()
    body = gzip.compress(export(first)) + gzip.compress(export(second))
    response = post(client, body, auth[Scope.ingest] | PROTOBUF | {"Content-Encoding": "gzip"})

    assert response.status_code == 200
    assert sorted(row.id for row in stored(store)) == sorted([record_id(first), record_id(second)])


@pytest.mark.parametrize(
    ("bad_span", "message"),
    [
        pytest.param(
            lambda: chat_span(**{"gen_ai.usage.input_tokens": -5}),
            "gen_ai.usage.input_tokens must not be negative", id="a negative token count",
        ),
        pytest.param(
            lambda: chat_span(**{"gen_ai.response.model": "m" * 201}),
            "model: String should have at most 200 characters",
            id="a model name over 200 characters",
        ),
        pytest.param(
            lambda: span(CHAT, ago_s=800 * 86_400),
            "timestamp: is more than 400 days in the past", id="a span from two years ago",
        ),
        pytest.param(
            lambda: chat_span(**{"gen_ai.response.model": "gpt\x00-4o"}),
            "strings must not contain NUL characters", id="a NUL character in the model name",
        ),
    ],
)
def test_a_span_with_a_bad_value_is_rejected_alone_in_partial_success(
    client: TestClient, auth: Headers, store: Store, registry: CollectorRegistry,
    bad_span: Any, message: str,
) -> None:
    good, bad = chat_span(), bad_span()
    response = post(client, export(good, bad), auth[Scope.ingest] | PROTOBUF)

    assert response.status_code == 200
    partial = answer_of(response).partial_success
    assert partial.rejected_spans == 1
    assert f"{bad.get_span_context().span_id:016x}" in partial.error_message
    assert message in partial.error_message
    assert [row.id for row in stored(store)] == [record_id(good)]
    assert (spans_counted(registry, "accepted"), spans_counted(registry, "rejected")) == (1.0, 1.0)
    rejected = {"kind": "inference", "result": "rejected"}
    assert registry.get_sample_value("valuewatch_ingest_records_total", rejected) == 1.0


def test_spans_that_are_not_llm_calls_are_ignored_and_counted(
    client: TestClient, auth: Headers, store: Store, registry: CollectorRegistry
) -> None:
    http = span({"http.request.method": "POST", "url.path": "/answer"})
    database = span({"db.system.name": "postgresql"})
    response = post(client, export(http, chat_span(), database), auth[Scope.ingest] | PROTOBUF)

    assert response.status_code == 200
    assert not answer_of(response).HasField("partial_success")
    assert len(stored(store)) == 1
    assert (spans_counted(registry, "ignored"), spans_counted(registry, "accepted")) == (2.0, 1.0)


def test_a_resent_export_is_acknowledged_but_stored_once(
    client: TestClient, auth: Headers, store: Store, registry: CollectorRegistry
) -> None:
    body = export(chat_span(), chat_span())
    first = post(client, body, auth[Scope.ingest] | PROTOBUF)
    again = post(client, body, auth[Scope.ingest] | PROTOBUF)

    assert (first.status_code, again.status_code) == (200, 200)
    assert not answer_of(again).HasField("partial_success")
    assert len(stored(store)) == 2
    assert (spans_counted(registry, "accepted"), spans_counted(registry, "duplicate")) == (2.0, 2.0)
    duplicates = {"kind": "inference", "result": "duplicate"}
    assert registry.get_sample_value("valuewatch_ingest_records_total", duplicates) == 2.0


def test_a_resent_span_with_other_content_is_rejected_as_a_conflict(
    client: TestClient, auth: Headers, store: Store, registry: CollectorRegistry
) -> None:
    sent = chat_span()
    request = encode_spans([sent])
    post(client, request.SerializeToString(), auth[Scope.ingest] | PROTOBUF)
    for attribute in request.resource_spans[0].scope_spans[0].spans[0].attributes:
        if attribute.key == "gen_ai.usage.output_tokens":
            attribute.value.int_value = 900

    again = post(client, request.SerializeToString(), auth[Scope.ingest] | PROTOBUF)

    partial = answer_of(again).partial_success
    assert partial.rejected_spans == 1
    assert f"span {record_id(sent)}: another span with this id" in partial.error_message
    assert [row.output_tokens for row in stored(store)] == [164]
    conflicts = {"kind": "inference", "result": "conflict"}
    assert registry.get_sample_value("valuewatch_ingest_records_total", conflicts) == 1.0


def error_message(response: Any) -> str:
    """The message of a google.rpc.Status body, protobuf or JSON."""
    if response.headers["content-type"] == "application/json":
        return str(response.json()["message"])
    return Status.FromString(response.content).message


@pytest.mark.parametrize(
    ("body", "headers", "status", "message"),
    [
        pytest.param(
            b"<xml/>", {"Content-Type": "application/xml"}, 415, "is not OTLP",
            id="an xml body is an unsupported media type",
        ),
        pytest.param(
            b"\xff\xff\xff\xff", PROTOBUF, 400, "not a protobuf ExportTraceServiceRequest",
            id="bytes that are not protobuf are a bad request",
        ),
        pytest.param(
            b"{not json", {"Content-Type": "application/json"}, 400, "body is not JSON",
            id="broken json is a bad request answered in json",
        ),
        pytest.param(
            b"plain bytes", PROTOBUF | {"Content-Encoding": "gzip"}, 400, "not valid gzip",
            id="a body that says gzip but is not is a bad request",
        ),
        pytest.param(
            gzip.compress(b"\x00" * (20 * 1024 * 1024)), PROTOBUF | {"Content-Encoding": "gzip"},
            413, "unpacks to more than 5242880 bytes", id="a gzip bomb is refused unpacked",
        ),
        pytest.param(
            b"", PROTOBUF | {"Content-Encoding": "br"}, 415, "Content-Encoding 'br'",
            id="brotli is an unsupported encoding",
        ),
    ],
)
def test_a_bad_export_is_refused_with_a_status_message(
    client: TestClient, auth: Headers, store: Store,
    body: bytes, headers: dict[str, str], status: int, message: str,
) -> None:
    response = post(client, body, auth[Scope.ingest] | headers)

    assert response.status_code == status
    assert message in error_message(response)
    assert stored(store) == []


def test_an_export_without_a_key_is_unauthorized(client: TestClient, store: Store) -> None:
    response = post(client, export(chat_span()), PROTOBUF)

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert stored(store) == []


def test_a_read_key_may_not_export(client: TestClient, auth: Headers) -> None:
    assert post(client, export(chat_span()), auth[Scope.read] | PROTOBUF).status_code == 403


def test_a_failing_database_answers_503_with_retry_after(
    tmp_path: Path, registry: CollectorRegistry
) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'valuewatch.db'}")
    store.migrate()
    key = create_key(store, name="app", scope=Scope.ingest)
    settings = Settings(database_url=str(store.engine.url), resource_sampler_enabled=False)
    with TestClient(create_app(settings, store, registry)) as client:
        with store.engine.begin() as connection:
            connection.execute(text("ALTER TABLE inference RENAME TO inference_gone"))
        response = post(client, export(chat_span()), {"Authorization": f"Bearer {key}"} | PROTOBUF)

    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert error_message(response) == (
        "database unavailable (write failed); nothing was stored, retry later"
    )
    overload = {"reason": "database"}
    assert registry.get_sample_value("valuewatch_ingest_overload_total", overload) == 1.0


def test_an_export_with_more_genai_spans_than_allowed_is_refused(
    store: Store, auth: Headers, registry: CollectorRegistry
) -> None:
    settings = Settings(database_url=str(store.engine.url), max_records_per_request=2)
    with TestClient(create_app(settings, store, registry)) as client:
        body = export(chat_span(), chat_span(), chat_span())
        response = post(client, body, auth[Scope.ingest] | PROTOBUF)

    assert response.status_code == 400
    assert "at most 2 GenAI spans per export, got 3" in error_message(response)
    assert stored(store) == []
