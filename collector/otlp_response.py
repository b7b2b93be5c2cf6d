"""Answers to OTLP/HTTP exports, as the OTLP spec wants them: in the request's own encoding.

Success is an ExportTraceServiceResponse, with `partial_success` filled in when spans were
rejected; failure is a google.rpc.Status whose message says what went wrong.
"""

import json
from typing import Literal

from fastapi import Response
from google.protobuf import json_format
from google.protobuf.message import Message
from google.rpc.status_pb2 import Status
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import (
    ExportLogsPartialSuccess,
    ExportLogsServiceResponse,
)
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTracePartialSuccess,
    ExportTraceServiceResponse,
)

from collector.otlp import JSON, PROTOBUF

Encoding = Literal["protobuf", "json"]
MAX_MESSAGE_CHARS = 2000


def request_encoding(content_type: str) -> Encoding | None:
    """`protobuf` or `json` for the two OTLP/HTTP media types, None for anything else."""
    media_type = content_type.split(";", 1)[0].strip().lower()
    return {PROTOBUF: "protobuf", JSON: "json"}.get(media_type)  # type: ignore[return-value]


def export_answer(encoding: Encoding, *, rejected_spans: int, errors: list[str]) -> Response:
    """200 with an ExportTraceServiceResponse; `partial_success` only when spans were rejected."""
    answer = ExportTraceServiceResponse()
    if rejected_spans:
        answer.partial_success.CopyFrom(ExportTracePartialSuccess(
            rejected_spans=rejected_spans, error_message=_message("; ".join(errors)),
        ))
    return _encoded(answer, encoding, 200)


def logs_answer(encoding: Encoding, *, rejected: int, errors: list[str]) -> Response:
    """200 with an ExportLogsServiceResponse; `partial_success` only when records were
    rejected."""
    answer = ExportLogsServiceResponse()
    if rejected:
        answer.partial_success.CopyFrom(ExportLogsPartialSuccess(
            rejected_log_records=rejected, error_message=_message("; ".join(errors)),
        ))
    return _encoded(answer, encoding, 200)


def error_answer(
    status_code: int, message: str, encoding: Encoding, *, retry_after_s: int | None = None
) -> Response:
    """A 4xx or 5xx with a google.rpc.Status body; Retry-After where retrying later helps."""
    headers = None if retry_after_s is None else {"Retry-After": str(retry_after_s)}
    return _encoded(Status(message=_message(message)), encoding, status_code, headers)


def _message(text: str) -> str:
    return message_within(text)


def message_within(text: str) -> str:
    """`text`, cut to MAX_MESSAGE_CHARS."""
    return text if len(text) <= MAX_MESSAGE_CHARS else text[: MAX_MESSAGE_CHARS - 1] + "…"


def _encoded(
    message: Message, encoding: Encoding, status_code: int, headers: dict[str, str] | None = None
) -> Response:
    if encoding == "protobuf":
        return Response(message.SerializeToString(), status_code, headers, PROTOBUF)
    body = json.dumps(json_format.MessageToDict(message), separators=(",", ":"))
    return Response(body, status_code, headers, JSON)
