"""Store the GenAI spans of a decoded OTLP trace export, whatever carried it.

OTLP/HTTP (`POST /v1/traces`) and OTLP/gRPC (`TraceService/Export`) both end here, so
validation, the durable acknowledgement (an answer only after the commit), idempotency
and the counters are the same for both. A refused export raises `ExportRefused`; each
transport turns it into its own status.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any, Literal

from fastapi.exceptions import RequestValidationError
from pydantic import TypeAdapter, ValidationError

from collector.acknowledge import store_records
from collector.bodies import InferenceBody
from collector.deps import IngestContext
from collector.ingest import Ingest
from collector.otlp import DecodedTraces
from collector.writer import Overloaded, StoreUnavailable
from metrics.store.tables import Inference

log = logging.getLogger("valuewatch.collector")

MAX_REPORTED_ERRORS = 5
# Seconds a client should wait before retrying, per cause; the same as the JSON API's.
RETRY_AFTER_S = {"queue_full": 1, "database": 5}
Refusal = Literal["invalid", "queue_full", "database"]


@dataclass
class ExportAccepted:
    """An export stored: how many of its items were rejected, and why."""

    rejected: int = 0
    errors: list[str] = field(default_factory=list)


class ExportRefused(Exception):
    """The whole export is refused: bad data (`invalid`) or, worth a retry, overload."""

    def __init__(self, reason: Refusal, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message

    @property
    def retry_after_s(self) -> int | None:
        """Seconds to wait before a retry; None when retrying cannot help."""
        return RETRY_AFTER_S.get(self.reason)


async def store_spans(decoded: DecodedTraces, context: IngestContext) -> ExportAccepted:
    """Validate and commit the GenAI spans of one export; answers once they are committed."""
    ingest, settings = context.ingest, context.settings
    records, errors = valid_records(decoded.records, InferenceBody, "span")
    errors = decoded.errors + errors
    if len(records) > settings.max_records_per_request:
        raise ExportRefused("invalid", (
            f"at most {settings.max_records_per_request} GenAI spans per export, got "
            f"{len(records)}: lower the exporter's batch size"
        ))

    def rows(valid: list[Any], now: datetime) -> list[dict[str, Any]]:
        return _rows_or_reject(ingest, valid, now, errors)

    accepted = duplicates = 0
    if records:
        try:
            result = await store_records(
                records, kind="inference", table=Inference.__table__,  # type: ignore[attr-defined]
                to_rows=rows, observe=ingest.observe_inferences, context=context,
            )
        except (Overloaded, StoreUnavailable) as exc:
            raise refusal(exc, ingest) from exc
        except RequestValidationError as exc:  # the database refused a span's values
            _count(ingest, accepted=0, duplicate=0,
                   rejected=len(decoded.records) + decoded.rejected_spans,
                   ignored=decoded.ignored_spans)
            raise ExportRefused("invalid", first_error(exc.errors())) from exc
        accepted, duplicates = result.accepted, result.duplicates
        errors.extend(f"span {span}: another span with this id and other content is stored"
                      for span in result.conflicts)
    rejected = len(decoded.records) + decoded.rejected_spans - accepted - duplicates
    _count(ingest, accepted=accepted, duplicate=duplicates, rejected=rejected,
           ignored=decoded.ignored_spans)
    return ExportAccepted(rejected=rejected, errors=summary(errors))


def valid_records(
    records: list[dict[str, Any]], body: Any, item: str
) -> tuple[list[Any], list[str]]:
    """Records validated as the JSON API validates a posted one, and an error per refusal.

    The whole list is validated in one call to pydantic-core; only when that fails is each
    record validated alone, to keep the others and name the offenders.
    """
    clean, errors = [], []
    for record in records:
        if _contains_nul(record):
            errors.append(f"{item} {record['id']}: strings must not contain NUL characters")
        else:
            clean.append(record)
    try:
        return _list_adapter(body).validate_python(clean), errors
    except ValidationError:
        pass
    valid = []
    for record in clean:
        try:
            valid.append(body.model_validate(record))
        except ValidationError as exc:
            errors.append(f"{item} {record['id']}: {first_error(exc.errors())}")
    return valid, errors


@cache
def _list_adapter(body: Any) -> TypeAdapter[list[Any]]:
    return TypeAdapter(list[body])  # type: ignore[valid-type]


def refusal(exc: Exception, ingest: Ingest) -> ExportRefused:
    """The retryable refusal for a full queue or a failed database write, counted."""
    if isinstance(exc, Overloaded):
        reason: Refusal = "queue_full"
        message = f"overloaded: {exc}; retry later"
    else:
        reason = "database"
        message = exc.client_message if isinstance(exc, StoreUnavailable) else str(exc)
        log.warning("database write failed: %s", exc)
    ingest.instruments["valuewatch_ingest_overload_total"].labels(reason=reason).inc()
    return ExportRefused(reason, message)


def _rows_or_reject(
    ingest: Ingest, records: list[Any], now: datetime, errors: list[str]
) -> list[dict[str, Any]]:
    # A timestamp out of range rejects its span, not the export: all at once first, and
    # one at a time only when some record is refused.
    try:
        return ingest.inference_rows(records, now)
    except RequestValidationError:
        pass
    rows = []
    for record in records:
        try:
            rows.extend(ingest.inference_rows([record], now))
        except RequestValidationError as exc:
            errors.append(f"span {record.id}: {first_error(exc.errors())}")
    return rows


def _contains_nul(value: Any) -> bool:
    # PostgreSQL text cannot hold NUL; one such span must not fail the whole group commit.
    # Plain loops: generator expressions cost twice as much per span on the ingest path.
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        for key, item in value.items():
            if "\x00" in key or (not isinstance(item, int | float) and _contains_nul(item)):
                return True
        return False
    if isinstance(value, list):
        for item in value:
            if _contains_nul(item):
                return True
    return False


def first_error(errors: Sequence[Any]) -> str:
    """The first validation error as `field: message`."""
    first = errors[0]
    field_name = ".".join(str(p) for p in first["loc"] if p != "body" and not isinstance(p, int))
    return f"{field_name}: {first['msg']}" if field_name else str(first["msg"])


def summary(errors: list[str]) -> list[str]:
    """At most MAX_REPORTED_ERRORS messages, and how many more there were."""
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
