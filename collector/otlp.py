"""Decode an OTLP/HTTP trace export body into valuewatch inference records.

Pure: bytes in, records out. The route that receives `POST /v1/traces` gunzips the body,
calls `decode_traces`, and stores what comes back.
"""

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from google.protobuf import json_format
from google.protobuf.message import DecodeError
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.trace.v1.trace_pb2 import Span

from collector.otlp_mapping import SpanRejected, attribute_dict, is_genai_span, span_record

PROTOBUF = "application/x-protobuf"
JSON = "application/json"
DEFAULT_SERVICE_NAME = "unknown_service"
MAX_ERRORS = 10

# OTLP JSON writes these bytes fields as hex; protobuf's JSON mapping reads bytes as base64.
_ID_FIELDS = ("traceId", "spanId", "parentSpanId", "trace_id", "span_id", "parent_span_id")


@dataclass
class DecodedTraces:
    """What one export held: a record per GenAI span, and counts of the spans left out."""

    records: list[dict[str, Any]] = field(default_factory=list)
    ignored_spans: int = 0
    rejected_spans: int = 0
    errors: list[str] = field(default_factory=list)


class OTLPDecodeError(ValueError):
    """The body is not a valid ExportTraceServiceRequest; the message says why."""


def decode_traces(body: bytes, content_type: str, *, store_content: bool) -> DecodedTraces:
    """Decode a gunzipped OTLP/HTTP trace body (protobuf or JSON) into inference records.

    Spans that are not LLM calls are counted as ignored; GenAI spans with invalid values
    are counted as rejected, with a short message. Only an unreadable body raises.
    Message content is dropped unless `store_content`, and then stored redacted.
    """
    return decode_trace_request(_parse(body, content_type), store_content=store_content)


def decode_trace_request(
    request: ExportTraceServiceRequest, *, store_content: bool
) -> DecodedTraces:
    """`decode_traces` for a request already parsed, as OTLP/gRPC hands it over."""
    decoded = DecodedTraces()
    for resource_spans in request.resource_spans:
        resource = attribute_dict(resource_spans.resource.attributes)
        app = str(resource.get("service.name") or DEFAULT_SERVICE_NAME)
        for scope_spans in resource_spans.scope_spans:
            for span in scope_spans.spans:
                _add_span(decoded, span, app=app, store_content=store_content)
    return decoded


def _add_span(decoded: DecodedTraces, span: Span, *, app: str, store_content: bool) -> None:
    attributes = attribute_dict(span.attributes)
    if not is_genai_span(attributes):
        decoded.ignored_spans += 1
        return
    try:
        record = span_record(span, attributes, app=app, store_content=store_content)
    except SpanRejected as exc:
        decoded.rejected_spans += 1
        if len(decoded.errors) < MAX_ERRORS:
            decoded.errors.append(f"span {span.span_id.hex() or '(no id)'} ({span.name}): {exc}")
        return
    decoded.records.append(record)


def _parse(body: bytes, content_type: str) -> ExportTraceServiceRequest:
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type == PROTOBUF:
        return _parse_protobuf(body)
    if media_type == JSON:
        return _parse_json(body)
    raise OTLPDecodeError(f"unsupported content type {content_type!r}: send {PROTOBUF} or {JSON}")


def _parse_protobuf(body: bytes) -> ExportTraceServiceRequest:
    try:
        return ExportTraceServiceRequest.FromString(body)
    except DecodeError as exc:
        raise OTLPDecodeError(f"body is not a protobuf ExportTraceServiceRequest: {exc}") from exc


def _parse_json(body: bytes) -> ExportTraceServiceRequest:
    try:
        document = json.loads(body)
    except ValueError as exc:  # also UnicodeDecodeError
        raise OTLPDecodeError(f"body is not JSON: {exc}") from exc
    if not isinstance(document, dict):
        raise OTLPDecodeError("body is not a JSON object")
    for span in _json_spans(document):
        hex_ids_to_base64(span)
        for link in json_objects(span, "links"):
            hex_ids_to_base64(link)
    try:
        request = ExportTraceServiceRequest()
        return json_format.ParseDict(document, request, ignore_unknown_fields=True)
    except (json_format.ParseError, ValueError, TypeError) as exc:
        raise OTLPDecodeError(f"body is not an OTLP JSON ExportTraceServiceRequest: {exc}") from exc


def json_objects(parent: dict[str, Any], *names: str) -> Iterator[dict[str, Any]]:
    """The objects in `parent`'s lists under any of `names`."""
    for name in names:
        items = parent.get(name)
        if isinstance(items, list):
            yield from (item for item in items if isinstance(item, dict))


def _json_spans(document: dict[str, Any]) -> Iterator[dict[str, Any]]:
    # Both spellings: protobuf's JSON parser accepts the original field names too.
    for resource_spans in json_objects(document, "resourceSpans", "resource_spans"):
        for scope_spans in json_objects(resource_spans, "scopeSpans", "scope_spans"):
            yield from json_objects(scope_spans, "spans")


def hex_ids_to_base64(obj: dict[str, Any]) -> None:
    """Rewrite `obj`'s hex trace and span ids as the base64 protobuf's JSON parser reads."""
    for name in _ID_FIELDS:
        value = obj.get(name)
        if not isinstance(value, str) or not value:
            continue
        try:
            raw = bytes.fromhex(value)
        except ValueError:
            raise OTLPDecodeError(
                f"{name} {value[:64]!r} is not hex (OTLP JSON encodes trace and span ids as hex)"
            ) from None
        obj[name] = base64.b64encode(raw).decode("ascii")
