"""POST /api/v1/outcomes."""

from fastapi import APIRouter

from collector.acknowledge import IngestResult, acknowledge, one_or_many
from collector.deps import IngestDep, IngestKey, NoNul, SettingsDep, WriterDep
from metrics.tables import Outcome, OutcomeCreate

router = APIRouter(prefix="/api/v1/outcomes", tags=["outcomes"])


@router.post("", dependencies=[IngestKey, NoNul])
async def post_outcomes(
    body: one_or_many(OutcomeCreate),  # type: ignore[valid-type]
    writer: WriterDep, ingest: IngestDep, settings: SettingsDep,
) -> IngestResult:
    """Store business outcomes, such as a ticket resolved without a human."""
    return await acknowledge(
        body, kind="outcome", table=Outcome.__table__,  # type: ignore[attr-defined]
        to_rows=ingest.outcome_rows, observe=ingest.observe_outcomes,
        writer=writer, ingest=ingest, max_records=settings.max_records_per_request,
    )
