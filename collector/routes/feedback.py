"""POST /api/v1/feedback."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from collector.acknowledge import IngestResult, acknowledge, one_or_many
from collector.bodies import FeedbackBody
from collector.deps import JsonIngestDep
from metrics.tables import Feedback

router = APIRouter(prefix="/api/v1/feedback", tags=["feedback"])


@router.post("", response_model=IngestResult)
async def post_feedback(
    body: one_or_many(FeedbackBody),  # type: ignore[valid-type]
    context: JsonIngestDep,
) -> JSONResponse:
    """Store user feedback on calls: thumbs, ratings (1-5), scores (0-1), labels, comments."""
    return await acknowledge(
        body, kind="feedback", table=Feedback.__table__,  # type: ignore[attr-defined]
        to_rows=context.ingest.feedback_rows, observe=context.ingest.observe_feedback,
        context=context,
    )
