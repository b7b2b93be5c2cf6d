"""The official `openai` client, instrumented by OpenTelemetry, exporting to a real valuewatch.

Three real processes' worth of parts, each in a thread of this one: an OpenAI-compatible
server that answers with token counts we choose, the valuewatch app under uvicorn, and the
client with `opentelemetry-instrumentation-openai-v2` and the OTLP/HTTP protobuf exporter,
configured by the same environment variables an app developer sets.
"""

import asyncio
import json
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any

import openai
import pytest
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import StreamingResponse
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.openai_v2 import OpenAIInstrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client import CollectorRegistry
from sqlmodel import Session, select

from collector.app import create_app
from metrics.settings import Settings
from metrics.store.database import Store
from metrics.store.tables import Inference, Scope

MODEL = "gpt-4o-mini-2024-07-18"
PROMPT = "My card is 4111 1111 1111 1111, why was it declined?"
ANSWER = "Your bank declined the charge; please call them."
USAGE = {False: (37, 11), True: (52, 23)}  # (input, output) tokens, by `stream`
GENAI_LABELS = {
    "app": "support-bot", "gen_ai_operation_name": "chat", "gen_ai_provider_name": "openai",
    "gen_ai_response_model": MODEL,
}


def fake_openai() -> FastAPI:
    """An OpenAI-compatible chat completions endpoint with fixed answers and token counts."""
    app = FastAPI()

    @app.post("/v1/chat/completions")
    async def completions(request: Request) -> Any:
        body = await request.json()
        stream = bool(body.get("stream"))
        prompt_tokens, completion_tokens = USAGE[stream]
        usage = {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                 "total_tokens": prompt_tokens + completion_tokens}
        common = {"id": f"chatcmpl-{int(stream)}", "created": int(time.time()), "model": MODEL}
        await asyncio.sleep(0.05)
        if not stream:
            message = {"role": "assistant", "content": ANSWER}
            choice = {"index": 0, "message": message, "finish_reason": "stop"}
            return common | {"object": "chat.completion", "choices": [choice], "usage": usage}
        return StreamingResponse(chunks(common, usage), media_type="text/event-stream")

    return app


async def chunks(common: dict[str, Any], usage: dict[str, int]) -> AsyncIterator[str]:
    """Server-sent events as OpenAI streams them: deltas, a finish, usage, then [DONE]."""
    chunk = common | {"object": "chat.completion.chunk"}
    for word in ANSWER.split(" "):
        delta = {"index": 0, "delta": {"content": word + " "}, "finish_reason": None}
        yield f"data: {json.dumps(chunk | {'choices': [delta]})}\n\n"
        await asyncio.sleep(0.01)
    finish = {"index": 0, "delta": {}, "finish_reason": "stop"}
    yield f"data: {json.dumps(chunk | {'choices': [finish]})}\n\n"
    yield f"data: {json.dumps(chunk | {'choices': [], 'usage': usage})}\n\n"
    yield "data: [DONE]\n\n"


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """Run `app` under uvicorn on a free port of 127.0.0.1, in a thread; yields its URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(15)
        sock.close()


@pytest.fixture
def valuewatch_url(store: Store, registry: CollectorRegistry) -> Iterator[str]:
    """The valuewatch collector, served by uvicorn."""
    settings = Settings(database_url=str(store.engine.url), resource_sampler_enabled=False)
    with serving(create_app(settings, store, registry)) as url:
        yield url


@pytest.fixture
def instrumented(
    valuewatch_url: str, keys: dict[Scope, str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[InMemorySpanExporter]:
    """The OpenAI instrumentation exporting to valuewatch as the README says, content on.

    Yields an in-memory copy of every span, to show what the client really sent.
    """
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", f"{valuewatch_url}/v1/traces")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_HEADERS", f"Authorization=Bearer%20{keys[Scope.ingest]}")
    # util-genai 1.1b0 always uses the latest conventions, whose content modes are
    # span_only/event_only/span_and_event; the legacy `true` there means no content at all.
    monkeypatch.setenv("OTEL_SEMCONV_STABILITY_OPT_IN", "gen_ai_latest_experimental")
    monkeypatch.setenv("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "span_only")
    provider = TracerProvider(resource=Resource.create({"service.name": "support-bot"}))
    sent = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(OTLPSpanExporter()))
    provider.add_span_processor(SimpleSpanProcessor(sent))
    instrumentor = OpenAIInstrumentor()
    instrumentor.instrument(tracer_provider=provider)
    try:
        yield sent
    finally:
        instrumentor.uninstrument()
        provider.shutdown()


@pytest.fixture
def openai_client() -> Iterator[openai.OpenAI]:
    """The official client, pointed at the fake OpenAI server."""
    with serving(fake_openai()) as url:
        yield openai.OpenAI(base_url=f"{url}/v1", api_key="sk-test", max_retries=0)


def ask(client: openai.OpenAI, *, stream: bool) -> str:
    messages = [{"role": "user", "content": PROMPT}]
    if not stream:
        reply = client.chat.completions.create(model="gpt-4o-mini", messages=messages)
        return str(reply.choices[0].message.content)
    parts = client.chat.completions.create(
        model="gpt-4o-mini", messages=messages, stream=True,
        stream_options={"include_usage": True},
    )
    return "".join(c.choices[0].delta.content or "" for c in parts if c.choices)


def record_id(span: ReadableSpan) -> str:
    """The id valuewatch gives the record of `span`."""
    context = span.get_span_context()
    return f"{context.trace_id:032x}-{context.span_id:016x}"


def stored(store: Store) -> dict[str, Inference]:
    with Session(store.engine) as session:
        return {row.id: row for row in session.exec(select(Inference)).all()}


def test_instrumented_openai_calls_are_stored_with_the_servers_token_counts(
    instrumented: InMemorySpanExporter, openai_client: openai.OpenAI, store: Store,
    registry: CollectorRegistry,
) -> None:
    assert ask(openai_client, stream=False) == ANSWER
    assert ask(openai_client, stream=True).strip() == ANSWER

    rows = stored(store)
    assert len(rows) == 2
    spans = instrumented.get_finished_spans()
    plain, streamed = (rows[record_id(span)] for span in spans)
    for row, stream, span in ((plain, False, spans[0]), (streamed, True, spans[1])):
        assert (row.app, row.model, row.provider, row.operation) == (
            "support-bot", MODEL, "openai", "chat"
        )
        assert (row.input_tokens, row.output_tokens) == USAGE[stream]
        assert span.end_time is not None and span.start_time is not None
        assert row.latency_s == pytest.approx((span.end_time - span.start_time) / 1e9, abs=1e-6)
    # openai-v2 2.4b0 sets neither finish reasons nor time to first chunk on streamed spans.
    assert (plain.finish_reason, streamed.finish_reason) == ("stop", None)
    # The server waits 50 ms, then streams one chunk per word 10 ms apart.
    assert plain.latency_s > 0.05
    assert streamed.latency_s > 0.05 + 0.01 * len(ANSWER.split(" "))

    def histogram(name: str, **labels: str) -> float | None:
        return registry.get_sample_value(name, GENAI_LABELS | labels)

    assert histogram("gen_ai_client_operation_duration_seconds_count", error_type="") == 2.0
    assert histogram("gen_ai_client_token_usage_sum", gen_ai_token_type="input") == 37 + 52
    assert histogram("gen_ai_client_token_usage_sum", gen_ai_token_type="output") == 11 + 23
    spans_total = {"result": "accepted"}
    assert registry.get_sample_value("valuewatch_otlp_spans_total", spans_total) == 2.0


def test_message_content_the_client_sends_is_not_stored_by_default(
    instrumented: InMemorySpanExporter, openai_client: openai.OpenAI, store: Store
) -> None:
    ask(openai_client, stream=False)

    [span] = instrumented.get_finished_spans()
    assert "4111 1111 1111 1111" in str(span.attributes["gen_ai.input.messages"])
    assert ANSWER in str(span.attributes["gen_ai.output.messages"])
    [row] = stored(store).values()
    kept = json.dumps(row.attributes)
    assert "4111" not in kept and "declined" not in kept
    assert not any(key.endswith(".messages") for key in row.attributes)
    assert row.attributes["gen_ai.response.id"] == "chatcmpl-0"
