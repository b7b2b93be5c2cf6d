"""POST /v1/traces: OTLP/HTTP trace exports, whose GenAI spans become inference records.

Spans that are not LLM calls are ignored; a GenAI span with an invalid value is rejected
alone and reported in `partial_success`, never failing the rest of the export.
"""

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from collector.acknowledge import store_records
from collector.bodies import InferenceBody
from collector.compression import (
    BadCompressedBody,
    DecompressedTooLarge,
    UnsupportedEncoding,
    decoded_body,
)
from collector.deps import IngestContext, IngestContextDep
from collector.ingest import Ingest
from collector.otlp import JSON, PROTOBUF, DecodedTraces, OTLPDecodeError, decode_traces
from collector.otlp_response import Encoding, error_answer, export_answer, request_encoding
from collector.writer import Overloaded, StoreUnavailable
from metrics.settings import Settings
from metrics.store.tables import Inference

log = logging.getLogger("valuewatch.collector")
router = APIRouter(tags=["otlp"])

MAX_REPORTED_ERRORS = 5
# Seconds a client should wait before retrying, per cause; the same as the JSON API's.
RETRY_AFTER_S = {"queue_full": 1, "database": 5}


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
    ingest, settings = context.ingest, context.settings
    records, errors = _valid_records(decoded.records)
    errors = decoded.errors + errors
    if len(records) > settings.max_records_per_request:
        return error_answer(
            400, f"at most {settings.max_records_per_request} GenAI spans per export, got "
            f"{len(records)}: lower the exporter's batch size", encoding,
        )

    def rows(valid: list[InferenceBody], now: datetime) -> list[dict[str, Any]]:
        return _rows_or_reject(ingest, valid, now, errors)

    accepted = duplicates = 0
    if records:
        try:
            result = await store_records(
                records, kind="inference", table=Inference.__table__,  # type: ignore[attr-defined]
                to_rows=rows, observe=ingest.observe_inferences, context=context,
            )
        except (Overloaded, StoreUnavailable) as exc:
            return _overloaded(exc, ingest, encoding)
        except RequestValidationError as exc:  # the database refused a span's values
            _count(ingest, accepted=0, duplicate=0,
                   rejected=len(decoded.records) + decoded.rejected_spans,
                   ignored=decoded.ignored_spans)
            return error_answer(400, _first_error(exc.errors()), encoding)
        accepted, duplicates = result.accepted, result.duplicates
        errors.extend(f"span {span}: another span with this id and other content is stored"
                      for span in result.conflicts)
    rejected = len(decoded.records) + decoded.rejected_spans - accepted - duplicates
    _count(ingest, accepted=accepted, duplicate=duplicates, rejected=rejected,
           ignored=decoded.ignored_spans)
    return export_answer(encoding, rejected_spans=rejected, errors=_summary(errors))


def _valid_records(records: list[dict[str, Any]]) -> tuple[list[InferenceBody], list[str]]:
    # Validated as the JSON API validates a posted record (InferenceBody's fast twin).
    valid, errors = [], []
    for record in records:
        if _contains_nul(record):
            errors.append(f"span {record['id']}: strings must not contain NUL characters")
            continue
        try:
            valid.append(InferenceBody.model_validate(record))
        except ValidationError as exc:
            errors.append(f"span {record['id']}: {_first_error(exc.errors())}")
    return valid, errors


def _rows_or_reject(
    ingest: Ingest, records: list[InferenceBody], now: datetime, errors: list[str]
) -> list[dict[str, Any]]:
    # One record at a time: a timestamp out of range rejects its span, not the export.
    rows = []
    for record in records:
        try:
            rows.extend(ingest.inference_rows([record], now))
        except RequestValidationError as exc:
            errors.append(f"span {record.id}: {_first_error(exc.errors())}")
    return rows


def _contains_nul(value: Any) -> bool:
    # PostgreSQL text cannot hold NUL; one such span must not fail the whole group commit.
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_contains_nul(key) or _contains_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_contains_nul(item) for item in value)
    return False


def _first_error(errors: Sequence[Any]) -> str:
    first = errors[0]
    field = ".".join(str(p) for p in first["loc"] if p != "body" and not isinstance(p, int))
    return f"{field}: {first['msg']}" if field else str(first["msg"])


def _summary(errors: list[str]) -> list[str]:
    if len(errors) <= MAX_REPORTED_ERRORS:
        return errors
    return [*errors[:MAX_REPORTED_ERRORS], f"and {len(errors) - MAX_REPORTED_ERRORS} more"]


def _count(ingest: Ingest, **results: int) -> None:
    spans = ingest.instruments["valuewatch_otlp_spans_total"]
    for result, count in results.items():
        if count:
            spans.labels(result=result).inc(count)
    rejected = results["rejected"]
    if rejected:
        records = ingest.instruments["valuewatch_ingest_records_total"]
        records.labels(kind="inference", result="rejected").inc(rejected)


def _overloaded(exc: Exception, ingest: Ingest, encoding: Encoding) -> Response:
    if isinstance(exc, Overloaded):
        reason, message = "queue_full", f"overloaded: {exc}; retry later"
    else:
        reason = "database"
        message = exc.client_message if isinstance(exc, StoreUnavailable) else str(exc)
        log.warning("database write failed: %s", exc)
    ingest.instruments["valuewatch_ingest_overload_total"].labels(reason=reason).inc()
    return error_answer(503, message, encoding, retry_after_s=RETRY_AFTER_S[reason])
