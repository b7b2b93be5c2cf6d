"""POST and GET /api/v1/inferences."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlmodel import Session, select

from collector.acknowledge import CONFLICT, IngestResult, acknowledge, one_or_many
from collector.bodies import InferenceBody
from collector.deps import JsonIngestDep, StoreDep, audited_read
from collector.keyset import encode_cursor, in_time_range, newest_first
from metrics.store.tables import Inference, InferencePublic
from metrics.types import UtcDatetime

router = APIRouter(prefix="/api/v1/inferences", tags=["inferences"])


class InferencePage(BaseModel):
    """One page of stored calls, newest first, and the cursor for the next."""

    items: list[InferencePublic]
    next_cursor: str | None


@router.post("", response_model=IngestResult, responses=CONFLICT)
async def post_inferences(
    body: one_or_many(InferenceBody),  # type: ignore[valid-type]
    context: JsonIngestDep,
) -> JSONResponse:
    """Store one LLM call or a list of them; answers once they are committed."""
    return await acknowledge(
        body, kind="inference", table=Inference.__table__,  # type: ignore[attr-defined]
        to_rows=context.ingest.inference_rows, observe=context.ingest.observe_inferences,
        context=context,
    )



@router.get("", dependencies=[audited_read("inferences.read")])
def list_inferences(
    store: StoreDep,
    app: str | None = None,
    model: str | None = None,
    since: UtcDatetime | None = None,
    until: UtcDatetime | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    cursor: str | None = None,
) -> InferencePage:
    """Stored calls filtered by app, model and time range, newest first, paginated."""
    query = select(Inference)
    if app is not None:
        query = query.where(Inference.app == app)
    if model is not None:
        query = query.where(Inference.model == model)
    query = in_time_range(query, Inference, since, until)
    query = newest_first(query, Inference, cursor)
    with Session(store.engine) as session:
        rows = session.exec(query.limit(limit + 1)).all()
    items = [InferencePublic.model_validate(row, from_attributes=True) for row in rows[:limit]]
    next_cursor = encode_cursor(items[-1]) if len(rows) > limit else None
    return InferencePage(items=items, next_cursor=next_cursor)
