"""Decoding OTLP/HTTP trace exports into inference records, in protobuf and OTLP JSON."""

import base64
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from google.protobuf import json_format
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import (
    AnyValue,
    ArrayValue,
    KeyValue,
    KeyValueList,
)
from opentelemetry.proto.resource.v1.resource_pb2 import Resource
from opentelemetry.proto.trace.v1.trace_pb2 import ResourceSpans, ScopeSpans, Span, Status

from collector.otlp import DecodedTraces, OTLPDecodeError, decode_traces

TRACE_ID = bytes.fromhex("5b8efff798038103d269b633813fc60c")
SPAN_ID = bytes.fromhex("eee19b7ec3c1b174")
RECORD_ID = "5b8efff798038103d269b633813fc60c-eee19b7ec3c1b174"
# 2025-03-14T09:26:53.589793Z, with nanoseconds below the microsecond.
START_NS = 1_741_944_413_589_793_238
START = datetime(2025, 3, 14, 9, 26, 53, 589793, tzinfo=UTC)


def any_value(value: Any) -> AnyValue:
    """A Python value as an OTLP AnyValue, the way an SDK exporter encodes it."""
    if isinstance(value, bool):
        return AnyValue(bool_value=value)
    if isinstance(value, int):
        return AnyValue(int_value=value)
    if isinstance(value, float):
        return AnyValue(double_value=value)
    if isinstance(value, bytes):
        return AnyValue(bytes_value=value)
    if isinstance(value, list):
        return AnyValue(array_value=ArrayValue(values=[any_value(v) for v in value]))
    if isinstance(value, dict):
        pairs = [KeyValue(key=k, value=any_value(v)) for k, v in value.items()]
        return AnyValue(kvlist_value=KeyValueList(values=pairs))
    return AnyValue(string_value=value)


def key_values(attributes: dict[str, Any]) -> list[KeyValue]:
    return [KeyValue(key=key, value=any_value(value)) for key, value in attributes.items()]


def make_span(
    attributes: dict[str, Any],
    *,
    span_id: bytes = SPAN_ID,
    duration_ns: int = 1_250_000_000,
    status: int = Status.STATUS_CODE_UNSET,
    events: list[Span.Event] | None = None,
) -> Span:
    return Span(
        trace_id=TRACE_ID,
        span_id=span_id,
        name="chat gpt-4o",
        kind=Span.SPAN_KIND_CLIENT,
        start_time_unix_nano=START_NS,
        end_time_unix_nano=START_NS + duration_ns,
        attributes=key_values(attributes),
        status=Status(code=status),
        events=events or [],
    )


def make_request(*spans: Span, service: str | None = "support-bot") -> ExportTraceServiceRequest:
    resource = Resource(attributes=key_values({"service.name": service} if service else {}))
    scope = ScopeSpans(spans=list(spans))
    return ExportTraceServiceRequest(
        resource_spans=[ResourceSpans(resource=resource, scope_spans=[scope])]
    )


def otlp_json(request: ExportTraceServiceRequest) -> bytes:
    """OTLP JSON as an exporter writes it: camelCase keys, trace and span ids in hex."""
    document = json_format.MessageToDict(request)
    for resource_spans in document.get("resourceSpans", []):
        for scope_spans in resource_spans.get("scopeSpans", []):
            for span in scope_spans.get("spans", []):
                for name in ("traceId", "spanId", "parentSpanId"):
                    if name in span:
                        span[name] = base64.b64decode(span[name]).hex()
    return json.dumps(document).encode()


def decode(
    request: ExportTraceServiceRequest, encoding: str, *, store_content: bool = False
) -> DecodedTraces:
    if encoding == "protobuf":
        body, content_type = request.SerializeToString(), "application/x-protobuf"
    else:
        body, content_type = otlp_json(request), "application/json"
    return decode_traces(body, content_type, store_content=store_content)


def decode_one(attributes: dict[str, Any], **span_options: Any) -> dict[str, Any]:
    decoded = decode(make_request(make_span(attributes, **span_options)), "protobuf")
    assert decoded.errors == []
    (record,) = decoded.records
    return record


@pytest.fixture(params=["protobuf", "json"])
def encoding(request: pytest.FixtureRequest) -> str:
    return request.param


OPENAI_CHAT_ATTRIBUTES = {
    "gen_ai.operation.name": "chat",
    "gen_ai.provider.name": "openai",
    "gen_ai.request.model": "gpt-4o",
    "gen_ai.request.temperature": 0.2,
    "gen_ai.response.model": "gpt-4o-2024-08-06",
    "gen_ai.response.id": "chatcmpl-123",
    "gen_ai.response.finish_reasons": ["stop", "length"],
    "gen_ai.usage.input_tokens": 120,
    "gen_ai.usage.output_tokens": 48,
    "gen_ai.usage.cache_read.input_tokens": 100,
    "gen_ai.usage.reasoning.output_tokens": 16,
    "gen_ai.response.time_to_first_chunk": 0.35,
    "gen_ai.conversation.id": "conv_5j66UpCpwteGg4YSxUnt7lPY",
    "server.address": "api.openai.com",
    "server.port": 443,
    "user.id": "u-42",
    "valuewatch.use_case": "ticket_triage",
}


def test_an_openai_chat_span_becomes_one_record_with_every_field(encoding: str) -> None:
    decoded = decode(make_request(make_span(OPENAI_CHAT_ATTRIBUTES)), encoding)

    assert decoded == DecodedTraces(
        records=[
            {
                "id": RECORD_ID,
                "timestamp": START,
                "app": "support-bot",
                "model": "gpt-4o-2024-08-06",
                "provider": "openai",
                "operation": "chat",
                "latency_s": 1.25,
                "ttft_s": 0.35,
                "input_tokens": 120,
                "output_tokens": 48,
                "cached_input_tokens": 100,
                "reasoning_tokens": 16,
                "finish_reason": "stop",
                "status": "ok",
                "error_type": None,
                "cost_usd": None,
                "use_case": "ticket_triage",
                "user": "u-42",
                "session": "conv_5j66UpCpwteGg4YSxUnt7lPY",
                "attributes": {
                    "gen_ai.request.model": "gpt-4o",
                    "gen_ai.request.temperature": 0.2,
                    "gen_ai.response.id": "chatcmpl-123",
                    "gen_ai.response.finish_reasons": ["stop", "length"],
                    "server.address": "api.openai.com",
                    "server.port": 443,
                },
            }
        ],
        ignored_spans=0,
        rejected_spans=0,
        errors=[],
    )


def test_the_timestamp_is_the_span_start_in_utc_to_the_microsecond() -> None:
    timestamp = decode_one({"gen_ai.request.model": "m"})["timestamp"]

    assert timestamp == START
    assert timestamp.utcoffset().total_seconds() == 0


def test_a_resent_span_keeps_the_same_id_so_it_is_stored_once() -> None:
    first = decode_one({"gen_ai.request.model": "m"}, duration_ns=1)
    again = decode_one({"gen_ai.request.model": "m"}, duration_ns=2)

    assert first["id"] == again["id"] == RECORD_ID


@pytest.mark.parametrize(
    ("attributes", "model"),
    [
        ({"gen_ai.request.model": "gpt-4o", "gen_ai.response.model": "gpt-4o-0806"}, "gpt-4o-0806"),
        ({"gen_ai.request.model": "gpt-4o"}, "gpt-4o"),
        ({"gen_ai.request.model": "gpt-4o", "gen_ai.response.model": ""}, "gpt-4o"),
        ({"gen_ai.operation.name": "chat"}, "unknown"),
    ],
    ids=[
        "the response model wins over the request model",
        "the request model is used when no response model is reported",
        "an empty response model does not hide the request model",
        "a span naming no model is recorded as unknown",
    ],
)
def test_model_choice(attributes: dict[str, Any], model: str) -> None:
    assert decode_one(attributes)["model"] == model


def test_legacy_token_and_provider_names_are_understood() -> None:
    record = decode_one(
        {
            "gen_ai.system": "anthropic",
            "gen_ai.request.model": "claude-sonnet-4",
            "gen_ai.usage.prompt_tokens": 900,
            "gen_ai.usage.completion_tokens": 75,
            "gen_ai.usage.cached_tokens": 512,
            "gen_ai.usage.reasoning_tokens": 30,
        }
    )

    assert (record["provider"], record["operation"]) == ("anthropic", "chat")
    assert (record["input_tokens"], record["output_tokens"]) == (900, 75)
    assert (record["cached_input_tokens"], record["reasoning_tokens"]) == (512, 30)
    assert record["attributes"] == {}


def test_current_token_names_win_over_legacy_ones() -> None:
    record = decode_one(
        {
            "gen_ai.request.model": "m",
            "gen_ai.usage.prompt_tokens": 1,
            "gen_ai.usage.input_tokens": 2,
            "gen_ai.usage.completion_tokens": 3,
            "gen_ai.usage.output_tokens": 4,
        }
    )

    assert (record["input_tokens"], record["output_tokens"]) == (2, 4)


def test_a_span_without_usage_counts_zero_tokens_and_no_cache_or_reasoning() -> None:
    record = decode_one({"gen_ai.operation.name": "embeddings", "gen_ai.request.model": "e5"})

    assert record["operation"] == "embeddings"
    assert (record["input_tokens"], record["output_tokens"]) == (0, 0)
    assert (record["cached_input_tokens"], record["reasoning_tokens"]) == (None, None)
    assert (record["ttft_s"], record["finish_reason"], record["provider"]) == (None, None, None)


# What vllm/tracing.py (SpanAttributes) puts on its `llm_request` span: no operation name,
# no provider, legacy token names, and its own gen_ai.latency.* timings in seconds.
VLLM_ATTRIBUTES = {
    "gen_ai.response.model": "meta-llama/Llama-3.1-8B-Instruct",
    "gen_ai.request.id": "cmpl-9f2c",
    "gen_ai.request.temperature": 0.7,
    "gen_ai.request.top_p": 0.95,
    "gen_ai.request.max_tokens": 256,
    "gen_ai.request.n": 1,
    "gen_ai.usage.prompt_tokens": 412,
    "gen_ai.usage.completion_tokens": 96,
    "gen_ai.usage.num_sequences": 1,
    "gen_ai.latency.time_in_queue": 0.004,
    "gen_ai.latency.time_to_first_token": 0.081,
    "gen_ai.latency.e2e": 1.874,
}


def test_a_vllm_server_span_takes_its_latency_and_ttft_from_vllm_attributes(
    encoding: str,
) -> None:
    span = make_span(VLLM_ATTRIBUTES, duration_ns=2_000_000_000)
    span.kind = Span.SPAN_KIND_SERVER
    decoded = decode(make_request(span, service="vllm"), encoding)

    (record,) = decoded.records
    assert {k: v for k, v in record.items() if k != "attributes"} == {
        "id": RECORD_ID,
        "timestamp": START,
        "app": "vllm",
        "model": "meta-llama/Llama-3.1-8B-Instruct",
        "provider": None,
        "operation": "chat",
        "latency_s": 1.874,
        "ttft_s": 0.081,
        "input_tokens": 412,
        "output_tokens": 96,
        "cached_input_tokens": None,
        "reasoning_tokens": None,
        "finish_reason": None,
        "status": "ok",
        "error_type": None,
        "cost_usd": None,
        "use_case": None,
        "user": None,
        "session": None,
    }
    assert record["attributes"] == {
        "gen_ai.request.id": "cmpl-9f2c",
        "gen_ai.request.temperature": 0.7,
        "gen_ai.request.top_p": 0.95,
        "gen_ai.request.max_tokens": 256,
        "gen_ai.request.n": 1,
        "gen_ai.usage.num_sequences": 1,
        "gen_ai.latency.time_in_queue": 0.004,
    }


@pytest.mark.parametrize(
    "attributes",
    [
        {"gen_ai.operation.name": "chat"},
        {"gen_ai.provider.name": "openai"},
        {"gen_ai.system": "openai"},
        {"gen_ai.request.temperature": 0.5},
        {"gen_ai.response.id": "chatcmpl-1"},
        {"gen_ai.usage.prompt_tokens": 3},
        {"gen_ai.latency.e2e": 0.5},
    ],
    ids=lambda attributes: f"a span with only {next(iter(attributes))} is an LLM call",
)
def test_genai_span_detection(attributes: dict[str, Any]) -> None:
    decoded = decode(make_request(make_span(attributes)), "protobuf")

    assert (len(decoded.records), decoded.ignored_spans) == (1, 0)


def test_spans_that_are_not_llm_calls_are_counted_as_ignored(encoding: str) -> None:
    http = make_span({"http.request.method": "POST", "url.path": "/v1/chat"}, span_id=b"\x01" * 8)
    db = make_span({"db.system.name": "postgresql", "gen_ai": "no namespace"}, span_id=b"\x02" * 8)
    tool = make_span({"gen_ai.tool.name": "get_weather"}, span_id=b"\x03" * 8)
    llm = make_span({"gen_ai.request.model": "gpt-4o"}, span_id=b"\x04" * 8)

    decoded = decode(make_request(http, db, tool, llm), encoding)

    assert [r["id"] for r in decoded.records] == [TRACE_ID.hex() + "-" + "04" * 8]
    assert (decoded.ignored_spans, decoded.rejected_spans) == (3, 0)


@pytest.mark.parametrize(
    ("status", "attributes", "error_type"),
    [
        (Status.STATUS_CODE_ERROR, {}, "span_error"),
        (Status.STATUS_CODE_ERROR, {"error.type": "RateLimitError"}, "RateLimitError"),
        (Status.STATUS_CODE_UNSET, {"error.type": "timeout"}, "timeout"),
    ],
    ids=[
        "an error status without error.type is a span_error",
        "error.type names the error of a failed span",
        "error.type alone marks the call as failed",
    ],
)
def test_failed_calls(status: int, attributes: dict[str, Any], error_type: str) -> None:
    record = decode_one({"gen_ai.request.model": "gpt-4o", **attributes}, status=status)

    assert (record["status"], record["error_type"]) == ("error", error_type)
    assert "error.type" not in record["attributes"]


def test_an_ok_status_is_a_successful_call() -> None:
    record = decode_one({"gen_ai.request.model": "gpt-4o"}, status=Status.STATUS_CODE_OK)

    assert (record["status"], record["error_type"]) == ("ok", None)


EMAIL = "jane.doe@example.com"
CONTENT_ATTRIBUTES = {
    "gen_ai.request.model": "gpt-4o",
    "gen_ai.input.messages": json.dumps(
        [{"role": "user", "parts": [{"type": "text", "content": f"Mail me at {EMAIL}"}]}]
    ),
    "gen_ai.output.messages": [{"role": "assistant", "parts": [{"content": f"Sent to {EMAIL}"}]}],
    "gen_ai.system_instructions": "You are a support agent.",
    "gen_ai.tool.definitions": '[{"type": "function", "name": "lookup"}]',
    "gen_ai.prompt": f"legacy prompt from {EMAIL}",
    "gen_ai.completion": "legacy completion",
    "gen_ai.prompt.0.content": f"openllmetry prompt from {EMAIL}",
    "gen_ai.completion.0.content": "openllmetry completion",
    "gen_ai.prompt.name": "triage-v3",
}
PROMPT_EVENT = Span.Event(
    name="gen_ai.content.prompt",
    time_unix_nano=START_NS,
    attributes=key_values({"gen_ai.prompt": f"event prompt from {EMAIL}"}),
)


def test_message_content_is_not_stored_by_default(encoding: str) -> None:
    span = make_span(CONTENT_ATTRIBUTES, events=[PROMPT_EVENT])

    (record,) = decode(make_request(span), encoding).records

    assert record["attributes"] == {"gen_ai.prompt.name": "triage-v3"}
    assert EMAIL not in repr(record)
    assert "legacy completion" not in repr(record)


def test_message_content_is_stored_redacted_when_the_operator_opts_in(encoding: str) -> None:
    span = make_span(CONTENT_ATTRIBUTES, events=[PROMPT_EVENT])

    (record,) = decode(make_request(span), encoding, store_content=True).records

    attributes = record["attributes"]
    assert EMAIL not in repr(record)
    assert json.loads(attributes["gen_ai.input.messages"]) == [
        {"role": "user", "parts": [{"type": "text", "content": "Mail me at [EMAIL]"}]}
    ]
    assert json.loads(attributes["gen_ai.output.messages"]) == [
        {"role": "assistant", "parts": [{"content": "Sent to [EMAIL]"}]}
    ]
    assert attributes["gen_ai.prompt"] == "legacy prompt from [EMAIL]"
    assert attributes["gen_ai.prompt.0.content"] == "openllmetry prompt from [EMAIL]"
    assert attributes["gen_ai.completion.0.content"] == "openllmetry completion"
    assert attributes["gen_ai.system_instructions"] == "You are a support agent."


def test_content_on_span_events_is_stored_only_when_the_operator_opts_in() -> None:
    span = make_span({"gen_ai.request.model": "gpt-4o"}, events=[PROMPT_EVENT])

    (default,) = decode(make_request(span), "protobuf").records
    (opted_in,) = decode(make_request(span), "protobuf", store_content=True).records

    assert default["attributes"] == {}
    assert opted_in["attributes"] == {"gen_ai.prompt": "event prompt from [EMAIL]"}


def test_attributes_keep_scalars_and_lists_and_are_bounded() -> None:
    many = {f"custom.key_{i:03d}": i for i in range(100)}
    record = decode_one(
        {
            "gen_ai.request.model": "gpt-4o",
            "long.text": "x" * 5000,
            "stop.words": ["a" * 2000, "b"],
            "flag": True,
            "blob": b"\x00\xff",
            "nested": {"a": 1},
            "mixed.list": [1, {"a": 1}],
            "enduser.id": "raw-user-id",
            "session.id": "s-1",
            **many,
        }
    )

    attributes = record["attributes"]
    assert len(attributes) == 64
    assert attributes["long.text"] == "x" * 1024
    assert attributes["stop.words"] == ["a" * 1024, "b"]
    assert (attributes["flag"], attributes["blob"]) == (True, "00ff")
    assert "nested" not in attributes
    assert "mixed.list" not in attributes
    assert (record["user"], record["session"]) == ("raw-user-id", "s-1")
    assert "raw-user-id" not in repr(attributes)


def test_a_resource_without_service_name_is_unknown_service() -> None:
    request = make_request(make_span({"gen_ai.request.model": "m"}), service=None)

    (record,) = decode(request, "protobuf").records

    assert record["app"] == "unknown_service"


@pytest.mark.parametrize(
    ("attributes", "span_options", "message"),
    [
        ({"gen_ai.usage.input_tokens": -5}, {}, "gen_ai.usage.input_tokens must not be negative"),
        ({"gen_ai.usage.completion_tokens": -1}, {}, "gen_ai.usage.completion_tokens must not"),
        ({"gen_ai.usage.output_tokens": "many"}, {}, "output_tokens must be an integer"),
        ({"gen_ai.latency.e2e": -0.5}, {}, "gen_ai.latency.e2e must be a finite, non-negative"),
        ({"gen_ai.latency.time_to_first_token": -0.1}, {}, "time_to_first_token must be"),
        ({}, {"duration_ns": -1_000_000}, "span ends before it starts"),
    ],
    ids=[
        "a negative input token count",
        "a negative legacy completion token count",
        "a token count that is not a number",
        "a negative vLLM latency",
        "a negative time to first token",
        "a span that ends before it starts",
    ],
)
def test_invalid_genai_spans_are_rejected_not_raised(
    attributes: dict[str, Any], span_options: dict[str, Any], message: str, encoding: str
) -> None:
    bad = make_span({"gen_ai.request.model": "m", **attributes}, **span_options)
    good = make_span({"gen_ai.request.model": "m"}, span_id=b"\x07" * 8)

    decoded = decode(make_request(bad, good), encoding)

    assert [r["id"] for r in decoded.records] == [TRACE_ID.hex() + "-" + "07" * 8]
    assert (decoded.rejected_spans, decoded.ignored_spans) == (1, 0)
    (error,) = decoded.errors
    assert error.startswith(f"span {SPAN_ID.hex()} (chat gpt-4o): ")
    assert message in error


def test_the_error_list_stops_at_ten_but_every_rejection_is_counted() -> None:
    spans = [
        make_span({"gen_ai.usage.input_tokens": -1}, span_id=i.to_bytes(8, "big"))
        for i in range(1, 13)
    ]

    decoded = decode(make_request(*spans), "protobuf")

    assert (decoded.rejected_spans, len(decoded.errors), decoded.records) == (12, 10, [])


# Written by hand as the OTLP spec shows it: integer enums, 64-bit integers as strings.
HAND_WRITTEN_OTLP_JSON = {
    "resourceSpans": [
        {
            "resource": {
                "attributes": [{"key": "service.name", "value": {"stringValue": "rag-api"}}]
            },
            "scopeSpans": [
                {
                    "scope": {"name": "opentelemetry.instrumentation.openai_v2"},
                    "spans": [
                        {
                            "traceId": "5B8EFFF798038103D269B633813FC60C",
                            "spanId": "EEE19B7EC3C1B174",
                            "parentSpanId": "EEE19B7EC3C1B173",
                            "name": "chat gpt-4o-mini",
                            "kind": 3,
                            "startTimeUnixNano": "1741944413589793238",
                            "endTimeUnixNano": "1741944414089793238",
                            "attributes": [
                                {"key": "gen_ai.operation.name", "value": {"stringValue": "chat"}},
                                {
                                    "key": "gen_ai.request.model",
                                    "value": {"stringValue": "gpt-4o-mini"},
                                },
                                {"key": "gen_ai.usage.input_tokens", "value": {"intValue": "42"}},
                                {"key": "gen_ai.usage.output_tokens", "value": {"intValue": 7}},
                                {"key": "error.type", "value": {"stringValue": "APITimeoutError"}},
                            ],
                            "links": [
                                {
                                    "traceId": "0af7651916cd43dd8448eb211c80319c",
                                    "spanId": "b7ad6b7169203331",
                                }
                            ],
                            "status": {"code": 2, "message": "timed out"},
                            "droppedEventsCount": 0,
                            "someFutureField": True,
                        }
                    ],
                }
            ],
        }
    ]
}


def test_a_hand_written_otlp_json_document_with_integer_enums_is_decoded() -> None:
    body = json.dumps(HAND_WRITTEN_OTLP_JSON).encode()

    decoded = decode_traces(body, "application/json; charset=utf-8", store_content=False)

    (record,) = decoded.records
    assert record["id"] == RECORD_ID
    assert (record["app"], record["model"]) == ("rag-api", "gpt-4o-mini")
    assert record["timestamp"] == START
    assert (record["input_tokens"], record["output_tokens"], record["latency_s"]) == (42, 7, 0.5)
    assert (record["status"], record["error_type"]) == ("error", "APITimeoutError")


def test_an_empty_export_decodes_to_nothing(encoding: str) -> None:
    assert decode(ExportTraceServiceRequest(), encoding) == DecodedTraces()


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (b"not a protobuf", "application/x-protobuf", "not a protobuf ExportTraceServiceRequest"),
        (b'{"resourceSpans": [', "application/json", "body is not JSON"),
        (b"\xff\xfe\x00garbage", "application/json", "body is not JSON"),
        (b"[]", "application/json", "body is not a JSON object"),
        (b'{"resourceSpans": {"a": 1}}', "application/json", "not an OTLP JSON"),
        (
            b'{"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": "not-hex"}]}]}]}',
            "application/json",
            "traceId 'not-hex' is not hex",
        ),
        (b"{}", "text/plain", "unsupported content type 'text/plain'"),
        (b"{}", "", "unsupported content type ''"),
    ],
    ids=[
        "bytes that are not a protobuf message",
        "truncated JSON",
        "bytes that are not UTF-8 JSON",
        "a JSON array instead of an object",
        "a JSON object of the wrong shape",
        "a trace id that is not hex",
        "a content type that is neither protobuf nor JSON",
        "a missing content type",
    ],
)
def test_an_unreadable_body_raises_otlp_decode_error(
    body: bytes, content_type: str, message: str
) -> None:
    with pytest.raises(OTLPDecodeError, match=message):
        decode_traces(body, content_type, store_content=False)
