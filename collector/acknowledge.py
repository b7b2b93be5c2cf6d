"""The one path every ingest route takes: convert, commit durably, count, answer."""

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, Discriminator, Tag
from sqlalchemy import Table

from collector.ingest import Ingest
from collector.validation import invalid
from collector.writer import BatchWriter
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
    writer: BatchWriter,
    ingest: Ingest,
    max_records: int,
) -> IngestResult:
    """Store `body` and answer only once its rows are committed."""
    records = body if isinstance(body, list) else [body]
    if len(records) > max_records:
        raise invalid((), f"at most {max_records} records per request, got {len(records)}")
    rows = to_rows(records, utc_now())
    new_ids = await writer.write(table, rows)
    observe(rows, new_ids)
    counter = ingest.instruments["valuewatch_ingest_records_total"]
    duplicates = len(rows) - len(new_ids)
    counter.labels(kind=kind, result="accepted").inc(len(new_ids))
    if duplicates:
        counter.labels(kind=kind, result="duplicate").inc(duplicates)
    return IngestResult(accepted=len(new_ids), duplicates=duplicates)
