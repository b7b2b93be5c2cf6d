"""POST /v1/traces: OTLP/HTTP trace exports, whose GenAI spans become inference records.

Spans that are not LLM calls are ignored; a GenAI span with an invalid value is rejected
alone and reported in `partial_success`, never failing the rest of the export.
"""

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from collector.compression import (
    BadCompressedBody,
    DecompressedTooLarge,
    UnsupportedEncoding,
    decoded_body,
)
from collector.deps import IngestContext, IngestContextDep
from collector.otlp import JSON, PROTOBUF, DecodedTraces, OTLPDecodeError, decode_traces
from collector.otlp_export import ExportRefused, store_spans
from collector.otlp_response import Encoding, error_answer, export_answer, request_encoding
from metrics.settings import Settings

router = APIRouter(tags=["otlp"])


@router.post(
    "/v1/traces",
    response_class=Response,
    responses={
        200: {"description": "ExportTraceServiceResponse, in the request's encoding"},
        400: {"description": "the body is not an ExportTraceServiceRequest"},
        413: {"description": "the body, once unpacked, is over the size limit"},
        415: {"description": "neither application/x-protobuf nor application/json, or not gzip"},
        503: {"description": "overloaded or database down: retry after Retry-After seconds"},
    },
)
async def post_traces(request: Request, context: IngestContextDep) -> Response:
    """Store the GenAI spans of an OTLP trace export; answers once they are committed."""
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
    return await _store(decoded, encoding, context)


def _decode(
    body: bytes, content_encoding: str | None, content_type: str, settings: Settings
) -> DecodedTraces:
    unpacked = decoded_body(body, content_encoding, max_bytes=settings.max_body_bytes)
    return decode_traces(unpacked, content_type, store_content=settings.store_content)


async def _store(decoded: DecodedTraces, encoding: Encoding, context: IngestContext) -> Response:
    try:
        stored = await store_spans(decoded, context)
    except ExportRefused as exc:
        return refused_answer(exc, encoding)
    return export_answer(encoding, rejected_spans=stored.rejected, errors=stored.errors)


def refused_answer(exc: ExportRefused, encoding: Encoding) -> Response:
    """400 for bad data, 503 with Retry-After for overload: the OTLP/HTTP failures."""
    if exc.retry_after_s is None:
        return error_answer(400, exc.message, encoding)
    return error_answer(503, exc.message, encoding, retry_after_s=exc.retry_after_s)
