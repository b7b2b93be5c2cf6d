"""OTLP trace exports built from opentelemetry-proto messages, for the decoder tests."""

import base64
import json
import time
from datetime import UTC, datetime
from typing import Any

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

from collector.otlp import DecodedTraces, decode_traces

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


def recent_export(attributes: dict[str, Any], trace_id: str, span_id: str,
                  duration_s: float = 1.5) -> bytes:
    """One span with `attributes`, started five seconds ago, as a protobuf export body."""
    start = time.time_ns() - 5_000_000_000
    made = Span(
        trace_id=bytes.fromhex(trace_id), span_id=bytes.fromhex(span_id), name="span",
        kind=Span.SPAN_KIND_CLIENT, start_time_unix_nano=start,
        end_time_unix_nano=start + int(duration_s * 1e9), attributes=key_values(attributes),
    )
    return make_request(made).SerializeToString()
