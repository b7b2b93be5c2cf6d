"""POST and GET /api/v1/accuracy."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlmodel import Session, select

from collector.acknowledge import CONFLICT, IngestResult, acknowledge, one_or_many
from collector.bodies import AccuracySampleBody
from collector.deps import JsonIngestDep, StoreDep, audited_read
from collector.keyset import encode_cursor, in_time_range, newest_first
from metrics.store.tables import AccuracySample, AccuracySamplePublic
from metrics.types import UtcDatetime

router = APIRouter(prefix="/api/v1/accuracy", tags=["accuracy"])


@router.post("", response_model=IngestResult, responses=CONFLICT)
async def post_accuracy(
    body: one_or_many(AccuracySampleBody),  # type: ignore[valid-type]
    context: JsonIngestDep,
) -> JSONResponse:
    """Store graded samples: was the answer correct, and/or its score from 0 to 1."""
    return await acknowledge(
        body, kind="accuracy", table=AccuracySample.__table__,  # type: ignore[attr-defined]
        to_rows=context.ingest.accuracy_rows, observe=context.ingest.observe_accuracy,
        context=context,
    )


class AccuracyPage(BaseModel):
    """One page of stored graded samples, newest first, and the cursor for the next."""

    items: list[AccuracySamplePublic]
    next_cursor: str | None


@router.get("", dependencies=[audited_read("accuracy.read")])
def list_accuracy(
    store: StoreDep,
    app: str | None = None,
    model: str | None = None,
    task: str | None = None,
    inference_id: str | None = None,
    since: UtcDatetime | None = None,
    until: UtcDatetime | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    cursor: str | None = None,
) -> AccuracyPage:
    """Stored graded samples filtered by app, model, task, call and time, newest first."""
    query = select(AccuracySample)
    for column, value in ((AccuracySample.app, app), (AccuracySample.model, model),
                          (AccuracySample.task, task),
                          (AccuracySample.inference_id, inference_id)):
        if value is not None:
            query = query.where(column == value)
    query = in_time_range(query, AccuracySample, since, until)
    query = newest_first(query, AccuracySample, cursor)
    with Session(store.engine) as session:
        rows = session.exec(query.limit(limit + 1)).all()
    items = [AccuracySamplePublic.model_validate(row, from_attributes=True)
             for row in rows[:limit]]
    return AccuracyPage(
        items=items, next_cursor=encode_cursor(items[-1]) if len(rows) > limit else None
    )
