"""GET /api/v1/kpis: the stored scorecard of a month."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel

from collector.deps import StoreDep, audited_read
from metrics.types import utc_now
from metrics.value.coverage import Coverage
from metrics.value.periods import MONTH_FORMAT, Month
from metrics.value.scorecard import KpiResult, load_scorecard

router = APIRouter(prefix="/api/v1/kpis", tags=["kpis"])


class ScorecardPublic(BaseModel):
    """A month's KPIs and value scores; `scores["overall"]` is the weighted total."""

    period: str
    through: datetime
    final: bool
    scores: dict[str, float | None]  # null where nothing could be scored
    kpis: list[KpiResult]
    revision: int  # of a final month: 2 and up after late records revised it
    revised: bool
    revision_reason: str
    coverage: Coverage | None  # days with data; `partial` true for a partial month


@router.get("", dependencies=[audited_read("kpis.read")])
def get_kpis(
    store: StoreDep,
    period: Annotated[str | None, Query(pattern=MONTH_FORMAT.pattern,
                                        description="YYYY-MM; default: this month")] = None,
) -> ScorecardPublic:
    """The KPIs and scores stored for `period` (this month to date by default)."""
    month = Month.parse(period) if period else Month.containing(utc_now())
    with store.engine.connect() as connection:
        card = load_scorecard(connection, month)
    if card is None:
        raise HTTPException(404, f"no KPIs computed for {month}: the kpis job computes the "
                                 "month to date every hour (valuewatch evaluate --once --job kpis)")
    return ScorecardPublic(
        period=str(month), through=card.through, final=card.final, scores=card.scores,
        kpis=list(card.kpis), revision=card.revision, revised=card.revision > 1,
        revision_reason=card.revision_reason, coverage=card.coverage,
    )
