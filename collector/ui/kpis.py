"""GET /ui/kpis: each KPI over the last twelve months against its target."""

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from markupsafe import Markup
from sqlalchemy import select

from collector.ui.session import ViewerDep
from collector.ui.templating import number, page
from collector.ui.trend import trend_svg
from metrics.types import utc_now
from metrics.value.periods import Month
from metrics.value.scorecard import KPI_VALUES

router = APIRouter(prefix="/ui/kpis", include_in_schema=False)
MONTHS = 12


@dataclass(frozen=True)
class KpiTrend:
    """One KPI's months, oldest first (None where nothing was stored), and its target."""

    kpi: str
    dimension: str
    unit: str
    direction: str
    definition: str
    target: float
    months: list[tuple[str, float | None, float | None]]  # (YYYY-MM, value, score)
    chart: Markup

    @property
    def latest(self) -> tuple[str, float | None, float | None] | None:
        """The newest month with a value, or None."""
        return next((month for month in reversed(self.months) if month[1] is not None), None)


def kpi_trends(rows: list[Any], months: list[str]) -> list[KpiTrend]:
    """Per KPI (in the order the scorecard stores them), its values over `months`."""
    by_kpi: dict[str, dict[str, Any]] = {}
    for row in sorted(rows, key=lambda row: (row.period, row.id)):
        by_kpi.setdefault(row.kpi, {})[row.period] = row
    trends = []
    for kpi in sorted(by_kpi, key=lambda kpi: min(r.id for r in by_kpi[kpi].values())):
        stored = by_kpi[kpi]
        newest = stored[max(stored)]
        points = [(month, _get(stored, month, "value"), _get(stored, month, "score"))
                  for month in months]
        trends.append(KpiTrend(
            kpi=kpi, dimension=newest.dimension, unit=newest.unit, direction=newest.direction,
            definition=newest.definition, target=newest.target, months=points,
            chart=Markup(trend_svg(
                [(month, value) for month, value, _ in points], newest.target,
                f"{kpi} over {len(months)} months against its target",
                f"target {number(newest.target, newest.unit)}",
            )),
        ))
    return trends


def _get(stored: dict[str, Any], month: str, field: str) -> float | None:
    row = stored.get(month)
    return None if row is None else getattr(row, field)


@router.get("")
def kpi_page(request: Request, viewer: ViewerDep) -> Response:
    """Every KPI's last twelve months, as a line against its dashed target and a table."""
    newest = Month.containing(utc_now())
    months = [str(newest.shifted(-back)) for back in range(MONTHS - 1, -1, -1)]
    query = select(KPI_VALUES).where(KPI_VALUES.c.period.in_(months))
    with request.app.state.store.engine.connect() as connection:
        rows = list(connection.execute(query))
    return page(request, "kpis.html", viewer, trends=kpi_trends(rows, months), months=months)
