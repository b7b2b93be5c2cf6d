"""POST /api/v1/outcomes."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from collector.acknowledge import CONFLICT, IngestResult, acknowledge, one_or_many
from collector.bodies import OutcomeBody
from collector.deps import JsonIngestDep
from metrics.store.tables import Outcome

router = APIRouter(prefix="/api/v1/outcomes", tags=["outcomes"])


@router.post("", response_model=IngestResult, responses=CONFLICT)
async def post_outcomes(
    body: one_or_many(OutcomeBody),  # type: ignore[valid-type]
    context: JsonIngestDep,
) -> JSONResponse:
    """Store business outcomes, such as a ticket resolved without a human."""
    return await acknowledge(
        body, kind="outcome", table=Outcome.__table__,  # type: ignore[attr-defined]
        to_rows=context.ingest.outcome_rows, observe=context.ingest.observe_outcomes,
        context=context,
    )
