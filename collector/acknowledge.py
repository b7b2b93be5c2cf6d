"""The one path every ingest route takes: convert, commit durably, count, answer."""

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Annotated, Any, TypeVar

from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Discriminator, Tag
from sqlalchemy import Table

from collector.conflicts import conflicting_keys, read_store, unstamped_keys
from collector.deps import IngestContext
from collector.validation import invalid
from collector.writer import RecordRejected
from metrics.store.bulk_insert import RecordKey, record_key
from metrics.types import utc_now

Record = TypeVar("Record", bound=BaseModel)


def _shape(value: Any) -> str:
    return "records" if isinstance(value, list) else "record"


def one_or_many(model: type[Record]) -> Any:
    """A body that is one `model` or a list of them, with errors naming the field only."""
    return Annotated[
        Annotated[model, Tag("record")] | Annotated[list[model], Tag("records")],  # type: ignore[valid-type]
        Discriminator(_shape),
    ]


# Tags the error handler drops from error locations.
SHAPE_TAGS = frozenset({"record", "records"})


def as_single_record(exc: RequestValidationError) -> RequestValidationError:
    """`exc` with the list index taken out of its locations: the body was one record.

    The row converters number records as in a list, so one object's errors read
    ("body", 0, field) where the client sent no list.
    """
    errors = []
    for error in exc.errors():
        loc = tuple(error.get("loc", ()))
        if loc[:2] == ("body", 0):
            loc = ("body", *loc[2:])
        errors.append({**error, "loc": loc})
    return RequestValidationError(errors)


class IngestResult(BaseModel):
    """What an ingest request stored: new records, retried ones already stored, and the
    ids of records refused because their app already stored other content under them."""

    accepted: int
    duplicates: int
    conflicts: list[str] = []


# The answer to a single record whose id its app already stored with other content.
CONFLICT: dict[int | str, dict[str, Any]] = {409: {"model": IngestResult, "description": (
    "The record's id is stored for its app with other content; nothing was changed."
)}}


async def acknowledge(
    body: Record | list[Record],
    *,
    kind: str,
    table: Table,
    to_rows: Callable[[list[Record], datetime], list[dict[str, Any]]],
    observe: Callable[[Iterable[dict[str, Any]], set[RecordKey]], None],
    context: IngestContext,
) -> JSONResponse:
    """Store `body` and answer, with an IngestResult, only once its rows are committed.

    A single record in conflict is answered 409, which retry loops take as final; a list
    is answered 200 with the conflicting ids listed, as its other records were stored.
    """
    records = body if isinstance(body, list) else [body]
    try:
        result = await store_records(
            records, kind=kind, table=table, to_rows=to_rows, observe=observe, context=context
        )
    except RequestValidationError as exc:
        if isinstance(body, list):
            raise
        raise as_single_record(exc) from None
    status = 409 if result.conflicts and not isinstance(body, list) else 200
    # A Response skips FastAPI's validation of the returned model: the fields are ours.
    return JSONResponse({"accepted": result.accepted, "duplicates": result.duplicates,
                         "conflicts": result.conflicts}, status_code=status)


async def store_records(
    records: list[Record],
    *,
    kind: str,
    table: Table,
    to_rows: Callable[[list[Record], datetime], list[dict[str, Any]]],
    observe: Callable[[Iterable[dict[str, Any]], set[RecordKey]], None],
    context: IngestContext,
) -> IngestResult:
    """Convert, commit, count: the path every ingest route takes."""
    limit = context.settings.max_records_per_request
    if len(records) > limit:
        raise invalid((), f"at most {limit} records per request, got {len(records)}")
    rows = to_rows(records, utc_now())
    try:
        new_keys = await context.writer.write(table, rows)
    except RecordRejected as exc:
        raise invalid(exc.loc, exc.message) from None
    observe(rows, new_keys)
    counter = context.ingest.instruments["valuewatch_ingest_records_total"]
    counter.labels(kind=kind, result="accepted").inc(len(new_keys))
    if len(new_keys) == len(rows):
        return IngestResult(accepted=len(new_keys), duplicates=0)
    skipped = _skipped(rows, new_keys)
    conflicts = await read_store(
        conflicting_keys, context.store, table, skipped, unstamped_keys(records)
    )
    conflicting_ids = [row["id"] for row in skipped if record_key(row) in conflicts]
    duplicates = len(skipped) - len(conflicting_ids)
    if duplicates:
        counter.labels(kind=kind, result="duplicate").inc(duplicates)
    if conflicting_ids:
        counter.labels(kind=kind, result="conflict").inc(len(conflicting_ids))
    return IngestResult(
        accepted=len(new_keys), duplicates=duplicates, conflicts=conflicting_ids
    )


def _skipped(rows: list[dict[str, Any]], new_keys: set[RecordKey]) -> list[dict[str, Any]]:
    # A key sent twice in one request is new only the first time.
    first: set[RecordKey] = set()
    skipped = []
    for row in rows:
        key = record_key(row)
        if key in new_keys and key not in first:
            first.add(key)
        else:
            skipped.append(row)
    return skipped
