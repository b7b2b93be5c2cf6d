"""Decoding OTLP/HTTP trace exports: which spans are LLM calls and how they map to records."""

from typing import Any

import pytest
from opentelemetry.proto.trace.v1.trace_pb2 import Span, Status

from collector.otlp import DecodedTraces
from tests.unit.collector.otlp_builders import (
    RECORD_ID,
    START,
    TRACE_ID,
    decode,
    decode_one,
    make_request,
    make_span,
)

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
    "gen_ai.usage.cache_creation.input_tokens": 12,
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
                "cache_write_input_tokens": 12,
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
        "cache_write_input_tokens": None,
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
