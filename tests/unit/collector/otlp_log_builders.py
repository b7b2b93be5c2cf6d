"""OTLP log exports for the tests: gen_ai.evaluation.result events and plain log lines."""

import base64
import json
from typing import Any

from google.protobuf import json_format
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.logs.v1.logs_pb2 import LogRecord, ResourceLogs, ScopeLogs
from opentelemetry.proto.resource.v1.resource_pb2 import Resource

TRACE_ID = bytes.fromhex("5b8efff798038103d269b633813fc60c")
SPAN_ID = bytes.fromhex("eee19b7ec3c1b174")
CALL_ID = f"{TRACE_ID.hex()}-{SPAN_ID.hex()}"
AT_NS = 1_767_268_800 * 1_000_000_000  # 2026-01-01 12:00 UTC


def value(item: Any) -> AnyValue:
    if isinstance(item, bool):
        return AnyValue(bool_value=item)
    if isinstance(item, int):
        return AnyValue(int_value=item)
    if isinstance(item, float):
        return AnyValue(double_value=item)
    return AnyValue(string_value=str(item))


def evaluation_event(
    name: str = "relevance", *, score: float | None = 0.9, label: str | None = "pass",
    trace_id: bytes = TRACE_ID, span_id: bytes = SPAN_ID, in_attribute: bool = False,
    **attributes: Any,
) -> LogRecord:
    """A gen_ai.evaluation.result event as an evaluator emits it, parented to a call."""
    named = {"gen_ai.evaluation.name": name, **{k.replace("__", "."): v for k, v in
                                                attributes.items()}}
    if score is not None:
        named["gen_ai.evaluation.score.value"] = score
    if label is not None:
        named["gen_ai.evaluation.score.label"] = label
    if in_attribute:
        named["event.name"] = "gen_ai.evaluation.result"
    return LogRecord(
        time_unix_nano=AT_NS, observed_time_unix_nano=AT_NS,
        event_name="" if in_attribute else "gen_ai.evaluation.result",
        trace_id=trace_id, span_id=span_id,
        attributes=[KeyValue(key=k, value=value(v)) for k, v in named.items()],
    )


def log_line(text: str = "request served") -> LogRecord:
    """An ordinary log record, which is no evaluation."""
    return LogRecord(time_unix_nano=AT_NS, body=AnyValue(string_value=text))


def log_export(*records: LogRecord, service: str = "support-bot") -> ExportLogsServiceRequest:
    resource = Resource(attributes=[KeyValue(key="service.name", value=value(service))])
    return ExportLogsServiceRequest(resource_logs=[ResourceLogs(
        resource=resource, scope_logs=[ScopeLogs(log_records=list(records))],
    )])


def encoded(request: ExportLogsServiceRequest, encoding: str) -> tuple[bytes, str]:
    """The body and content type of `request` in OTLP/HTTP's protobuf or JSON encoding."""
    if encoding == "protobuf":
        return request.SerializeToString(), "application/x-protobuf"
    document = json_format.MessageToDict(request)
    for resource_logs in document.get("resourceLogs", []):
        for scope_logs in resource_logs.get("scopeLogs", []):
            for record in scope_logs.get("logRecords", []):
                for key in ("traceId", "spanId"):  # OTLP JSON writes ids as hex
                    if key in record:
                        record[key] = base64.b64decode(record[key]).hex()
    return json.dumps(document).encode(), "application/json"
