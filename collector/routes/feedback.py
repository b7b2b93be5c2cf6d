"""POST /api/v1/feedback."""

from fastapi import APIRouter

from collector.acknowledge import IngestResult, acknowledge, one_or_many
from collector.deps import IngestDep, IngestKey, NoNul, SettingsDep, WriterDep
from metrics.tables import Feedback, FeedbackCreate

router = APIRouter(prefix="/api/v1/feedback", tags=["feedback"])


@router.post("", dependencies=[IngestKey, NoNul])
async def post_feedback(
    body: one_or_many(FeedbackCreate),  # type: ignore[valid-type]
    writer: WriterDep, ingest: IngestDep, settings: SettingsDep,
) -> IngestResult:
    """Store user feedback on calls: thumbs, ratings (1-5), scores (0-1), labels, comments."""
    return await acknowledge(
        body, kind="feedback", table=Feedback.__table__,  # type: ignore[attr-defined]
        to_rows=ingest.feedback_rows, observe=ingest.observe_feedback,
        writer=writer, ingest=ingest, max_records=settings.max_records_per_request,
    )
