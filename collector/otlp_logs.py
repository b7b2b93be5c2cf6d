"""Decode an OTLP log export into the graded samples its evaluation events make.

Pure: bytes (OTLP/HTTP, protobuf or JSON) or a parsed ExportLogsServiceRequest (OTLP/gRPC)
in, evaluations out. Log records that are not `gen_ai.evaluation.result` events are
counted and left out.
"""

import json
from dataclasses import dataclass, field
from datetime import datetime

from google.protobuf import json_format
from google.protobuf.message import DecodeError
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
from opentelemetry.proto.logs.v1.logs_pb2 import LogRecord

from collector.evaluation_events import (
    Evaluation,
    EventRejected,
    evaluation,
    evaluation_failed,
    is_evaluation,
)
from collector.otlp import (
    DEFAULT_SERVICE_NAME,
    JSON,
    MAX_ERRORS,
    PROTOBUF,
    OTLPDecodeError,
    hex_ids_to_base64,
    json_objects,
)
from collector.otlp_mapping import attribute_dict
from metrics.types import utc_now


@dataclass
class DecodedLogs:
    """What one log export held: its evaluations, and counts of the records left out."""

    evaluations: list[Evaluation] = field(default_factory=list)
    ignored: int = 0
    rejected: int = 0
    errors: list[str] = field(default_factory=list)


def decode_logs(body: bytes, content_type: str) -> DecodedLogs:
    """Decode a gunzipped OTLP/HTTP log body; only an unreadable body raises."""
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type == PROTOBUF:
        try:
            request = ExportLogsServiceRequest.FromString(body)
        except DecodeError as exc:
            raise OTLPDecodeError(
                f"body is not a protobuf ExportLogsServiceRequest: {exc}"
            ) from exc
    elif media_type == JSON:
        request = _parse_json(body)
    else:
        raise OTLPDecodeError(
            f"unsupported content type {content_type!r}: send {PROTOBUF} or {JSON}"
        )
    return decode_log_request(request)


def decode_log_request(request: ExportLogsServiceRequest) -> DecodedLogs:
    """The evaluations of a parsed log export, as OTLP/gRPC hands it over."""
    decoded = DecodedLogs()
    now = utc_now()
    for resource_logs in request.resource_logs:
        resource = attribute_dict(resource_logs.resource.attributes)
        app = str(resource.get("service.name") or DEFAULT_SERVICE_NAME)
        for scope_logs in resource_logs.scope_logs:
            for log_record in scope_logs.log_records:
                _add_record(decoded, log_record, app=app, now=now)
    return decoded


def _add_record(decoded: DecodedLogs, log_record: LogRecord, *, app: str, now: datetime) -> None:
    attributes = attribute_dict(log_record.attributes)
    if not is_evaluation(log_record, attributes) or evaluation_failed(attributes):
        decoded.ignored += 1
        return
    try:
        decoded.evaluations.append(evaluation(log_record, attributes, app=app, now=now))
    except EventRejected as exc:
        decoded.rejected += 1
        if len(decoded.errors) < MAX_ERRORS:
            decoded.errors.append(f"evaluation event: {exc}")


def _parse_json(body: bytes) -> ExportLogsServiceRequest:
    try:
        document = json.loads(body)
    except ValueError as exc:  # also UnicodeDecodeError
        raise OTLPDecodeError(f"body is not JSON: {exc}") from exc
    if not isinstance(document, dict):
        raise OTLPDecodeError("body is not a JSON object")
    for resource_logs in json_objects(document, "resourceLogs", "resource_logs"):
        for scope_logs in json_objects(resource_logs, "scopeLogs", "scope_logs"):
            for log_record in json_objects(scope_logs, "logRecords", "log_records"):
                hex_ids_to_base64(log_record)
    try:
        return json_format.ParseDict(
            document, ExportLogsServiceRequest(), ignore_unknown_fields=True
        )
    except (json_format.ParseError, ValueError, TypeError) as exc:
        raise OTLPDecodeError(f"body is not an OTLP JSON ExportLogsServiceRequest: {exc}") from exc
