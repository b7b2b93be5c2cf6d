"""Decoding OTLP/HTTP trace exports: message content, attributes, rejected spans and
bodies that are not exports."""

import json
from typing import Any

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.trace.v1.trace_pb2 import Span

from collector.otlp import DecodedTraces, OTLPDecodeError, decode_traces
from tests.unit.collector.otlp_builders import (
    RECORD_ID,
    SPAN_ID,
    START,
    START_NS,
    TRACE_ID,
    decode,
    decode_one,
    key_values,
    make_request,
    make_span,
)

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
