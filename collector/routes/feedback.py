"""POST and GET /api/v1/feedback."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import Table, select
from sqlmodel import Session
from sqlmodel import select as select_model

from collector.acknowledge import CONFLICT, IngestResult, acknowledge, one_or_many
from collector.bodies import FeedbackBody
from collector.conflicts import read_store
from collector.deps import JsonIngestDep, StoreDep, audited_read
from collector.keyset import encode_cursor, in_time_range, newest_first
from collector.validation import invalid
from metrics.store.database import Store
from metrics.store.tables import Feedback, FeedbackKind, FeedbackPublic, Inference
from metrics.types import UtcDatetime

router = APIRouter(prefix="/api/v1/feedback", tags=["feedback"])
_inference: Table = Inference.__table__  # type: ignore[attr-defined]


@router.post("", response_model=IngestResult, responses=CONFLICT)
async def post_feedback(
    body: one_or_many(FeedbackBody),  # type: ignore[valid-type]
    context: JsonIngestDep,
) -> JSONResponse:
    """Store user feedback on calls: thumbs, ratings (1-5), scores (0-1), labels, comments.

    Feedback finds its call by `inference_id` within its `app`; feedback without an app
    is refused when more than one app has stored a call with that id.
    """
    records = body if isinstance(body, list) else [body]
    unnamed = {record.inference_id for record in records if not record.app}
    if unnamed:
        shared = await read_store(_shared_call_ids, context.store, unnamed)
        for index, record in enumerate(records):
            if not record.app and record.inference_id in shared:
                raise invalid((index, "app"), (
                    f"calls of apps {', '.join(shared[record.inference_id])} have id "
                    f"{record.inference_id!r}: name the app this feedback is about"
                ))
    return await acknowledge(
        body, kind="feedback", table=Feedback.__table__,  # type: ignore[attr-defined]
        to_rows=context.ingest.feedback_rows, observe=context.ingest.observe_feedback,
        context=context,
    )


def _shared_call_ids(store: Store, inference_ids: set[str]) -> dict[str, list[str]]:
    """The apps of each of `inference_ids` that more than one app has a call with."""
    i = _inference.c
    query = select(i.id, i.app).where(i.id.in_(sorted(inference_ids))).order_by(i.app)
    apps: dict[str, list[str]] = {}
    with store.engine.connect() as connection:
        for row in connection.execute(query):
            apps.setdefault(row.id, []).append(row.app)
    return {call: names for call, names in apps.items() if len(names) > 1}


class FeedbackPage(BaseModel):
    """One page of stored feedback, newest first, and the cursor for the next."""

    items: list[FeedbackPublic]
    next_cursor: str | None


@router.get("", dependencies=[audited_read("feedback.read")])
def list_feedback(
    store: StoreDep,
    app: str | None = None,
    kind: FeedbackKind | None = None,
    inference_id: str | None = None,
    since: UtcDatetime | None = None,
    until: UtcDatetime | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    cursor: str | None = None,
) -> FeedbackPage:
    """Stored feedback filtered by app, kind, call and time, newest first, paginated."""
    query = select_model(Feedback)
    for column, value in ((Feedback.app, app), (Feedback.kind, kind),
                          (Feedback.inference_id, inference_id)):
        if value is not None:
            query = query.where(column == value)
    query = in_time_range(query, Feedback, since, until)
    query = newest_first(query, Feedback, cursor)
    with Session(store.engine) as session:
        rows = session.exec(query.limit(limit + 1)).all()
    items = [FeedbackPublic.model_validate(row, from_attributes=True) for row in rows[:limit]]
    return FeedbackPage(
        items=items, next_cursor=encode_cursor(items[-1]) if len(rows) > limit else None
    )
