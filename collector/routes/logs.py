"""POST /v1/logs: OTLP/HTTP log exports, whose `gen_ai.evaluation.result` events become
graded samples. Other log records are counted and ignored."""

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from collector.compression import (
    BadCompressedBody,
    DecompressedTooLarge,
    UnsupportedEncoding,
    decoded_body,
)
from collector.deps import IngestContextDep
from collector.evaluation_store import store_evaluations
from collector.otlp import JSON, PROTOBUF, OTLPDecodeError
from collector.otlp_export import ExportRefused
from collector.otlp_logs import DecodedLogs, decode_logs
from collector.otlp_response import error_answer, logs_answer, request_encoding
from collector.routes.traces import refused_answer
from metrics.settings import Settings

router = APIRouter(tags=["otlp"])


@router.post(
    "/v1/logs",
    response_class=Response,
    responses={
        200: {"description": "ExportLogsServiceResponse, in the request's encoding"},
        400: {"description": "the body is not an ExportLogsServiceRequest"},
        413: {"description": "the body, once unpacked, is over the size limit"},
        415: {"description": "neither application/x-protobuf nor application/json, or not gzip"},
        503: {"description": "overloaded or database down: retry after Retry-After seconds"},
    },
)
async def post_logs(request: Request, context: IngestContextDep) -> Response:
    """Store the evaluation results of an OTLP log export; answers once they are committed."""
    content_type = request.headers.get("content-type", "")
    encoding = request_encoding(content_type)
    if encoding is None:
        return error_answer(
            415, f"content type {content_type!r} is not OTLP: send {PROTOBUF} or {JSON}", "json"
        )
    try:
        decoded = await run_in_threadpool(
            _decode, await request.body(), request.headers.get("content-encoding"),
            content_type, context.settings,
        )
    except DecompressedTooLarge as exc:
        return error_answer(413, str(exc), encoding)
    except UnsupportedEncoding as exc:
        return error_answer(415, str(exc), encoding)
    except (BadCompressedBody, OTLPDecodeError) as exc:
        return error_answer(400, str(exc), encoding)
    try:
        stored = await store_evaluations(decoded, context)
    except ExportRefused as exc:
        return refused_answer(exc, encoding)
    return logs_answer(encoding, rejected=stored.rejected, errors=stored.errors)


def _decode(
    body: bytes, content_encoding: str | None, content_type: str, settings: Settings
) -> DecodedLogs:
    unpacked = decoded_body(body, content_encoding, max_bytes=settings.max_body_bytes)
    return decode_logs(unpacked, content_type)
