"""The one path every ingest route takes: convert, commit durably, count, answer."""

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Annotated, Any, TypeVar

from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Discriminator, Tag
from sqlalchemy import Table

from collector.deps import IngestContext
from collector.validation import invalid
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
    """What an ingest request stored: new records and retried ones already stored."""

    accepted: int
    duplicates: int


async def acknowledge(
    body: Record | list[Record],
    *,
    kind: str,
    table: Table,
    to_rows: Callable[[list[Record], datetime], list[dict[str, Any]]],
    observe: Callable[[Iterable[dict[str, Any]], set[str]], None],
    context: IngestContext,
) -> JSONResponse:
    """Store `body` and answer, with an IngestResult, only once its rows are committed."""
    records = body if isinstance(body, list) else [body]
    try:
        result = await store_records(
            records, kind=kind, table=table, to_rows=to_rows, observe=observe, context=context
        )
    except RequestValidationError as exc:
        if isinstance(body, list):
            raise
        raise as_single_record(exc) from None
    # A Response skips FastAPI's validation of the returned model: the fields are ours.
    return JSONResponse({"accepted": result.accepted, "duplicates": result.duplicates})


async def store_records(
    records: list[Record],
    *,
    kind: str,
    table: Table,
    to_rows: Callable[[list[Record], datetime], list[dict[str, Any]]],
    observe: Callable[[Iterable[dict[str, Any]], set[str]], None],
    context: IngestContext,
) -> IngestResult:
    """Convert, commit, count: the path every ingest route takes."""
    limit = context.settings.max_records_per_request
    if len(records) > limit:
        raise invalid((), f"at most {limit} records per request, got {len(records)}")
    rows = to_rows(records, utc_now())
    new_ids = await context.writer.write(table, rows)
    observe(rows, new_ids)
    counter = context.ingest.instruments["valuewatch_ingest_records_total"]
    duplicates = len(rows) - len(new_ids)
    counter.labels(kind=kind, result="accepted").inc(len(new_ids))
    if duplicates:
        counter.labels(kind=kind, result="duplicate").inc(duplicates)
    return IngestResult(accepted=len(new_ids), duplicates=duplicates)
