"""POST /api/v1/accuracy."""

from fastapi import APIRouter

from collector.acknowledge import IngestResult, acknowledge, one_or_many
from collector.deps import IngestDep, IngestKey, NoNul, SettingsDep, WriterDep
from metrics.tables import AccuracySample, AccuracySampleCreate

router = APIRouter(prefix="/api/v1/accuracy", tags=["accuracy"])


@router.post("", dependencies=[IngestKey, NoNul])
async def post_accuracy(
    body: one_or_many(AccuracySampleCreate),  # type: ignore[valid-type]
    writer: WriterDep, ingest: IngestDep, settings: SettingsDep,
) -> IngestResult:
    """Store graded samples: was the answer correct, and/or its score from 0 to 1."""
    return await acknowledge(
        body, kind="accuracy", table=AccuracySample.__table__,  # type: ignore[attr-defined]
        to_rows=ingest.accuracy_rows, observe=ingest.observe_accuracy,
        writer=writer, ingest=ingest, max_records=settings.max_records_per_request,
    )
