"""OTLP/gRPC, on SQLite and PostgreSQL: the real exporter and stubs against the receiver
that `valuewatch serve` runs, in the app's own lifespan."""

import dataclasses
from collections.abc import Iterator
from typing import Any

import grpc
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from google.rpc.error_details_pb2 import RetryInfo
from google.rpc.status_pb2 import Status
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
from opentelemetry.proto.collector.logs.v1.logs_service_pb2_grpc import LogsServiceStub
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2_grpc import TraceServiceStub
from opentelemetry.sdk.trace.export import SpanExportResult
from prometheus_client import CollectorRegistry
from sqlmodel import Session, select

from collector.app import create_app
from collector.otlp_grpc import STATUS_DETAILS_KEY, OTLPGrpcServer
from collector.writer import Overloaded
from metrics.settings import Settings
from metrics.store.database import Store
from metrics.store.tables import AccuracySample, AuditEntry, Inference, Scope
from tests.unit.collector.otlp_log_builders import evaluation_event, log_export, log_line
from tests.unit.collector.test_traces_route import chat_span, record_id, span


@dataclasses.dataclass
class Receiver:
    """The app with its gRPC server running, and where to reach it."""

    app: FastAPI
    server: OTLPGrpcServer

    @property
    def target(self) -> str:
        return f"127.0.0.1:{self.server.port}"


@pytest.fixture
def receiver(settings: Settings, store: Store, registry: CollectorRegistry) -> Iterator[Receiver]:
    made: list[OTLPGrpcServer] = []

    def grpc_server(app: FastAPI) -> OTLPGrpcServer:
        made.append(OTLPGrpcServer(app, host="127.0.0.1", port=0, reuse_port=False))
        return made[0]

    app = create_app(settings.model_copy(update={"max_body_bytes": 64 * 1024}), store,
                     registry, receivers=[grpc_server])
    with TestClient(app):
        yield Receiver(app, made[0])


def exporter(receiver: Receiver, key: str, **options: Any) -> OTLPSpanExporter:
    return OTLPSpanExporter(endpoint=receiver.target, insecure=True,
                            headers={"authorization": f"Bearer {key}"}, timeout=10, **options)


def stored_calls(store: Store) -> list[Inference]:
    with Session(store.engine) as session:
        return list(session.exec(select(Inference)).all())


def metadata(key: str) -> tuple[tuple[str, str], ...]:
    return (("authorization", f"Bearer {key}"),)


def test_the_sdks_grpc_exporter_stores_genai_spans_gzipped_and_retried_once(
    receiver: Receiver, keys: dict[Scope, str], store: Store
) -> None:
    made = chat_span()
    vllm = span({  # as vLLM's tracing (vllm/tracing.py, SpanAttributes) sets them
        "gen_ai.response.model": "meta-llama/Llama-3.1-8B-Instruct",
        "gen_ai.request.id": "cmpl-9", "gen_ai.usage.prompt_tokens": 120,
        "gen_ai.usage.completion_tokens": 48, "gen_ai.latency.time_to_first_token": 0.21,
        "gen_ai.latency.e2e": 1.9, "gen_ai.latency.time_in_queue": 0.01,
        "gen_ai.request.max_tokens": 256,
    })
    export = exporter(receiver, keys[Scope.ingest], compression=grpc.Compression.Gzip)
    assert export.export([made, vllm]) == SpanExportResult.SUCCESS
    assert export.export([made, vllm]) == SpanExportResult.SUCCESS  # a retry
    calls = {call.id: call for call in stored_calls(store)}
    assert len(calls) == 2
    chat = calls[record_id(made)]
    assert (chat.app, chat.model, chat.provider, chat.input_tokens, chat.output_tokens) == (
        "support-bot", "gpt-4o-mini-2024-07-18", "openai", 812, 164)
    assert chat.latency_s == pytest.approx(1.5)
    served = calls[record_id(vllm)]
    assert (served.model, served.input_tokens, served.output_tokens) == (
        "meta-llama/Llama-3.1-8B-Instruct", 120, 48)
    assert (served.ttft_s, served.latency_s) == (pytest.approx(0.21), pytest.approx(1.9))


def test_a_wrong_key_is_unauthenticated_and_a_read_key_is_denied(
    receiver: Receiver, keys: dict[Scope, str], store: Store
) -> None:
    stub = TraceServiceStub(grpc.insecure_channel(receiver.target))
    for key, code in (("vw_not-a-key", grpc.StatusCode.UNAUTHENTICATED),
                      (keys[Scope.read], grpc.StatusCode.PERMISSION_DENIED)):
        with pytest.raises(grpc.RpcError) as refused:
            stub.Export(ExportTraceServiceRequest(), metadata=metadata(key), timeout=10)
        assert refused.value.code() == code
    with pytest.raises(grpc.RpcError) as refused:
        stub.Export(ExportTraceServiceRequest(), timeout=10)
    assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert exporter(receiver, "vw_not-a-key").export([chat_span()]) == SpanExportResult.FAILURE
    assert stored_calls(store) == []
    with Session(store.engine) as session:
        refused_entries = session.exec(
            select(AuditEntry).where(AuditEntry.action == "auth.failure")
        ).all()
    assert [(e.actor, e.details["reason"]) for e in refused_entries][:3] == [
        ("unknown", "unknown"), ("test-read", "scope"), ("unknown", "missing"),
    ]
    assert all(e.client.startswith("ipv4:127.0.0.1:") for e in refused_entries)


def test_a_full_queue_is_unavailable_with_retry_info(
    receiver: Receiver, keys: dict[Scope, str], registry: CollectorRegistry
) -> None:
    class FullWriter:
        async def write(self, table: Any, rows: Any) -> set[Any]:
            raise Overloaded("50000 rows queued")

    context = receiver.app.state.ingest_context
    receiver.app.state.ingest_context = dataclasses.replace(context, writer=FullWriter())
    stub = TraceServiceStub(grpc.insecure_channel(receiver.target))
    with pytest.raises(grpc.RpcError) as refused:
        stub.Export(encode_spans([chat_span()]), metadata=metadata(keys[Scope.ingest]),
                    timeout=10)
    assert refused.value.code() == grpc.StatusCode.UNAVAILABLE
    details = dict(refused.value.trailing_metadata())[STATUS_DETAILS_KEY]
    status = Status.FromString(details)
    assert status.code == grpc.StatusCode.UNAVAILABLE.value[0]
    retry = RetryInfo()
    assert status.details[0].Unpack(retry)
    assert retry.retry_delay.seconds == 1
    assert registry.get_sample_value(
        "valuewatch_ingest_overload_total", {"reason": "queue_full"}) == 1


def test_a_message_over_the_limit_once_unpacked_is_refused(
    receiver: Receiver, keys: dict[Scope, str], store: Store
) -> None:
    big = encode_spans([chat_span(**{"valuewatch.use_case": "x" * 1000, "pad": "y" * 200_000})])
    stub = TraceServiceStub(grpc.insecure_channel(receiver.target))
    with pytest.raises(grpc.RpcError) as refused:
        stub.Export(big, metadata=metadata(keys[Scope.ingest]), timeout=10,
                    compression=grpc.Compression.Gzip)
    assert refused.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert stored_calls(store) == []


def test_evaluation_events_over_grpc_become_graded_samples(
    receiver: Receiver, keys: dict[Scope, str], store: Store, registry: CollectorRegistry
) -> None:
    stub = LogsServiceStub(grpc.insecure_channel(receiver.target))
    request = log_export(evaluation_event("relevance", score=0.25, label="fail"), log_line(),
                         evaluation_event("tone", score=3.0, label=None))
    answer = stub.Export(request, metadata=metadata(keys[Scope.ingest]), timeout=10)
    assert answer.partial_success.rejected_log_records == 1
    with Session(store.engine) as session:
        (sample,) = session.exec(select(AccuracySample)).all()
    assert (sample.task, sample.score, sample.correct, sample.inference_id) == (
        "relevance", 0.25, False, "5b8efff798038103d269b633813fc60c-eee19b7ec3c1b174")
    assert registry.get_sample_value(
        "valuewatch_otlp_log_records_total", {"result": "ignored"}) == 1
