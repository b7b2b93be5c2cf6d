"""Map one OTLP span to a valuewatch inference record, by the OpenTelemetry GenAI conventions.

Which attribute fills which field, and where each name comes from, is the table in
`collector.genai_attributes`.
"""

import json
import math
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.trace.v1.trace_pb2 import Span, Status

from collector.genai_attributes import ATTRIBUTES, names
from metrics.content import is_content
from metrics.redaction import redact

PROVIDER_KEYS = names("provider")
OPERATION_KEYS = names("operation")
GENAI_MARKER_KEYS = frozenset({*PROVIDER_KEYS, *OPERATION_KEYS})
GENAI_MARKER_PREFIXES = ("gen_ai.request.", "gen_ai.response.", "gen_ai.usage.", "gen_ai.latency.")

MODEL_KEYS = names("model")
INPUT_TOKEN_KEYS = names("input_tokens")
OUTPUT_TOKEN_KEYS = names("output_tokens")
CACHED_INPUT_TOKEN_KEYS = names("cached_input_tokens")
CACHE_WRITE_TOKEN_KEYS = names("cache_write_input_tokens")
REASONING_TOKEN_KEYS = names("reasoning_tokens")
LATENCY_KEYS = names("latency_s")
TTFT_KEYS = names("ttft_s")
FINISH_REASONS_KEY = names("finish_reason")[0]
ERROR_TYPE_KEYS = names("error_type")
USE_CASE_KEYS = names("use_case")
USER_KEYS = names("user")
SESSION_KEYS = names("session")

# Keys whose whole value lands in a record field, so `attributes` need not repeat them.
# User and session ids must never reach `attributes`: they are hashed or kept apart.
# The model and finish reasons stay (the model key is left out per span, below).
MAPPED_KEYS = frozenset(
    a.name for a in ATTRIBUTES if a.field not in ("content", "model", "finish_reason")
)

MAX_ATTRIBUTES = 64
MAX_STRING_CHARS = 1024
_SCALARS = (str, bool, int, float)


class SpanRejected(ValueError):
    """A GenAI span whose values cannot make a valid record; the message says which value."""


def any_value(value: AnyValue) -> Any:
    """An OTLP AnyValue as plain Python: str, bool, int, float, list, dict, bytes as hex."""
    kind = value.WhichOneof("value")
    if kind is None:
        return None
    if kind == "array_value":
        return [any_value(item) for item in value.array_value.values]
    if kind == "kvlist_value":
        return {kv.key: any_value(kv.value) for kv in value.kvlist_value.values}
    if kind == "bytes_value":
        return value.bytes_value.hex()
    return getattr(value, kind)


def attribute_dict(attributes: Iterable[KeyValue]) -> dict[str, Any]:
    """OTLP key-values as a dict; a repeated key keeps its last value."""
    return {kv.key: any_value(kv.value) for kv in attributes}


def is_genai_span(attributes: dict[str, Any]) -> bool:
    """Whether a span's attributes mark it as an LLM call."""
    return any(
        key in GENAI_MARKER_KEYS or key.startswith(GENAI_MARKER_PREFIXES) for key in attributes
    )


def span_record(
    span: Span, attributes: dict[str, Any], *, app: str, store_content: bool
) -> dict[str, Any]:
    """The inference record for one GenAI span; raises SpanRejected when a value is invalid."""
    if len(span.trace_id) != 16 or len(span.span_id) != 8:
        raise SpanRejected("trace id must be 16 bytes and span id 8 bytes")
    if span.start_time_unix_nano == 0:
        raise SpanRejected("start time is missing")
    if store_content:
        attributes = {**_event_content(span), **attributes}
    latency = _seconds(attributes, LATENCY_KEYS)
    if latency is None:
        latency = (span.end_time_unix_nano - span.start_time_unix_nano) / 1e9
        if latency < 0:
            raise SpanRejected(f"span ends before it starts (latency {latency} s)")
    model_key = next((key for key in MODEL_KEYS if _present(attributes, key)), None)
    span_failed = span.status.code == Status.STATUS_CODE_ERROR
    error_type = _text(attributes, ERROR_TYPE_KEYS)
    return {
        "id": f"{span.trace_id.hex()}-{span.span_id.hex()}",
        "timestamp": _utc(span.start_time_unix_nano),
        "app": app,
        "model": str(attributes[model_key]) if model_key else "unknown",
        "provider": _text(attributes, PROVIDER_KEYS),
        "operation": _text(attributes, OPERATION_KEYS) or "chat",
        "latency_s": latency,
        "ttft_s": _seconds(attributes, TTFT_KEYS),
        "input_tokens": _tokens(attributes, INPUT_TOKEN_KEYS) or 0,
        "output_tokens": _tokens(attributes, OUTPUT_TOKEN_KEYS) or 0,
        "cached_input_tokens": _tokens(attributes, CACHED_INPUT_TOKEN_KEYS),
        "cache_write_input_tokens": _tokens(attributes, CACHE_WRITE_TOKEN_KEYS),
        "reasoning_tokens": _tokens(attributes, REASONING_TOKEN_KEYS),
        "finish_reason": _first_finish_reason(attributes.get(FINISH_REASONS_KEY)),
        "status": "error" if span_failed or error_type else "ok",
        "error_type": error_type or ("span_error" if span_failed else None),
        "cost_usd": None,
        "use_case": _text(attributes, USE_CASE_KEYS),
        "user": _text(attributes, USER_KEYS),
        "session": _text(attributes, SESSION_KEYS),
        "attributes": _extra_attributes(
            attributes, MAPPED_KEYS | {model_key}, store_content=store_content
        ),
    }


def _event_content(span: Span) -> dict[str, Any]:
    # Older instrumentations put content on span events (`gen_ai.content.prompt` with a
    # `gen_ai.prompt` attribute); newer ones on `gen_ai.client.inference.operation.details`.
    content: dict[str, Any] = {}
    for event in span.events:
        if event.name.startswith("gen_ai."):
            for key, value in attribute_dict(event.attributes).items():
                if is_content(key):
                    content.setdefault(key, value)
    return content


def _present(attributes: dict[str, Any], key: str) -> bool:
    return attributes.get(key) not in (None, "")


def _text(attributes: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        if _present(attributes, key):
            return str(attributes[key])
    return None


def _tokens(attributes: dict[str, Any], keys: tuple[str, ...]) -> int | None:
    for key in keys:
        value = attributes.get(key)
        if value is None:
            continue
        is_whole = isinstance(value, float) and value.is_integer()
        if isinstance(value, bool) or not (isinstance(value, int) or is_whole):
            raise SpanRejected(f"{key} must be an integer, got {value!r}")
        if value < 0:
            raise SpanRejected(f"{key} must not be negative, got {value!r}")
        return int(value)
    return None


def _seconds(attributes: dict[str, Any], keys: tuple[str, ...]) -> float | None:
    for key in keys:
        value = attributes.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise SpanRejected(f"{key} must be a number of seconds, got {value!r}")
        if not math.isfinite(value) or value < 0:
            raise SpanRejected(f"{key} must be a finite, non-negative number, got {value!r}")
        return float(value)
    return None


def _first_finish_reason(value: Any) -> str | None:
    if isinstance(value, list):
        return str(value[0]) if value else None
    return str(value) if value not in (None, "") else None


def _utc(unix_nano: int) -> datetime:
    # Integer arithmetic: a float of nanoseconds since 1970 loses the microseconds.
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=unix_nano // 1000)


def _extra_attributes(
    attributes: dict[str, Any], mapped: set[str | None], *, store_content: bool
) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    for key, value in attributes.items():
        if len(extra) == MAX_ATTRIBUTES:
            break
        if key in mapped:
            continue
        if is_content(key):
            if not store_content:
                continue
            kept: Any = _redacted(value)
        else:
            kept = _scalar(value)
            if kept is None:
                continue
        extra[key] = _truncated(kept)
    return extra


def _redacted(value: Any) -> str:
    if not isinstance(value, str):
        value = json.dumps(value, ensure_ascii=False, default=str)
    return redact(value)


def _scalar(value: Any) -> Any:
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, list) and all(isinstance(item, _SCALARS) for item in value):
        return value
    return None


def _truncated(value: Any) -> Any:
    if isinstance(value, str):
        return value[:MAX_STRING_CHARS]
    if isinstance(value, list):
        return [item[:MAX_STRING_CHARS] if isinstance(item, str) else item for item in value]
    return value
