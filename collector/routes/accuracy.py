"""POST /api/v1/accuracy."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from collector.acknowledge import CONFLICT, IngestResult, acknowledge, one_or_many
from collector.bodies import AccuracySampleBody
from collector.deps import JsonIngestDep
from metrics.store.tables import AccuracySample

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
