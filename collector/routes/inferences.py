"""POST and GET /api/v1/inferences."""

import base64
import json
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from collector.acknowledge import CONFLICT, IngestResult, acknowledge, one_or_many
from collector.bodies import InferenceBody
from collector.deps import JsonIngestDep, ReadKey, StoreDep
from metrics.store.tables import Inference, InferencePublic
from metrics.types import as_utc

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



@router.get("", dependencies=[ReadKey])
def list_inferences(
    store: StoreDep,
    app: str | None = None,
    model: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    cursor: str | None = None,
) -> InferencePage:
    """Stored calls filtered by app, model and time range, newest first, paginated."""
    query = select(Inference)
    if app is not None:
        query = query.where(Inference.app == app)
    if model is not None:
        query = query.where(Inference.model == model)
    if since is not None:
        query = query.where(col(Inference.timestamp) >= as_utc(since))
    if until is not None:
        query = query.where(col(Inference.timestamp) < as_utc(until))
    if cursor is not None:
        at, last_id, last_app = _decode_cursor(cursor)
        # Ids repeat across apps, so ties on time are broken by the whole key.
        query = query.where(or_(
            col(Inference.timestamp) < at,
            and_(col(Inference.timestamp) == at, col(Inference.id) < last_id),
            and_(col(Inference.timestamp) == at, col(Inference.id) == last_id,
                 col(Inference.app) < last_app),
        ))
    query = query.order_by(
        col(Inference.timestamp).desc(), col(Inference.id).desc(), col(Inference.app).desc()
    )
    with Session(store.engine) as session:
        rows = session.exec(query.limit(limit + 1)).all()
    items = [InferencePublic.model_validate(row, from_attributes=True) for row in rows[:limit]]
    next_cursor = _encode_cursor(items[-1]) if len(rows) > limit else None
    return InferencePage(items=items, next_cursor=next_cursor)


def _encode_cursor(last: InferencePublic) -> str:
    raw = json.dumps([last.timestamp.isoformat(), last.id, last.app])
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _decode_cursor(cursor: str) -> tuple[datetime, str, str]:
    try:
        at, last_id, last_app = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        return as_utc(datetime.fromisoformat(at)), str(last_id), str(last_app)
    except (ValueError, TypeError) as exc:
        raise HTTPException(422, "cursor: not a cursor this API returned") from exc
