"""A month's scorecard: every KPI with its value, target and score, and the value scores."""

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Connection, Table, delete, select, text

from metrics.store.upsert import upsert
from metrics.types import as_utc
from metrics.value.coverage import Coverage
from metrics.value.periods import Month
from metrics.value.score import OVERALL
from metrics.value.tables import KpiValue, ValueMonth, ValueScore

KPI_VALUES: Table = KpiValue.__table__  # type: ignore[attr-defined]
VALUE_SCORES: Table = ValueScore.__table__  # type: ignore[attr-defined]
VALUE_MONTHS: Table = ValueMonth.__table__  # type: ignore[attr-defined]


class KpiResult(BaseModel):
    """One KPI of one month: its value and target in its unit, and its 0-100 score."""

    model_config = ConfigDict(frozen=True)

    kpi: str
    dimension: str
    unit: str
    direction: str
    value: float | None
    target: float
    weight: float
    score: float | None
    definition: str = ""


@dataclass(frozen=True)
class Scorecard:
    """Every KPI of a month, the score per dimension and, under "overall", the total."""

    month: Month
    through: datetime
    final: bool
    kpis: tuple[KpiResult, ...]
    scores: dict[str, float | None]
    weights: dict[str, float] = field(default_factory=dict)
    records: int = 0  # calls, feedback, grades and outcomes behind it (0 when loaded)
    coverage: Coverage | None = None
    revision: int = 1  # of a final month: 2 and up after late records changed it
    revision_reason: str = ""
    stored_at: datetime | None = None  # when the stored card was saved (None: not stored)

    @property
    def overall(self) -> float | None:
        """The overall value score."""
        return self.scores.get(OVERALL)

    def value(self, kpi: str) -> float | None:
        """The value of the KPI called `kpi`, or None."""
        found = self.kpi(kpi)
        return None if found is None else found.value

    def kpi(self, name: str) -> KpiResult | None:
        """The KPI called `name`, or None."""
        return next((kpi for kpi in self.kpis if kpi.kpi == name), None)

    def has_data(self) -> bool:
        """Whether any record was behind the card (computed, or stored with coverage)."""
        if self.records > 0:
            return True
        return self.coverage is not None and self.coverage.data_days > 0

    def same_figures(self, other: "Scorecard") -> bool:
        """Whether both cards hold the same KPI values and scores."""
        def figures(card: Scorecard) -> list[tuple[str, float | None, float | None]]:
            return [(kpi.kpi, _rounded(kpi.value), _rounded(kpi.score)) for kpi in card.kpis]
        return figures(self) == figures(other)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 9)


def save_scorecard(connection: Connection, card: Scorecard, *, at: datetime) -> int:
    """Replace the stored KPIs and scores of the card's month with the card's."""
    period = str(card.month)
    if connection.dialect.name == "postgresql":
        # The KPI and report jobs may save the same month at once: one waits for the
        # other's commit instead of failing on the unique key after its delete.
        digest = hashlib.sha256(f"valuewatch scorecard {period}".encode()).digest()
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                           {"key": int.from_bytes(digest[:8], "big", signed=True)})
    stored = connection.execute(
        select(KPI_VALUES.c.through).where(KPI_VALUES.c.period == period).limit(1)
    ).scalar()
    if stored is not None and as_utc(stored) > as_utc(card.through):
        # The report job's card of an open month stops at midnight; the hourly KPI job's
        # is newer and stays (it is what the KPI gauges show).
        return 0
    connection.execute(delete(KPI_VALUES).where(KPI_VALUES.c.period == period))
    connection.execute(delete(VALUE_SCORES).where(VALUE_SCORES.c.period == period))
    kpis = [
        {**kpi.model_dump(), "period": period, "through": card.through, "final": card.final,
         "computed_at": at}
        for kpi in card.kpis
    ]
    scores = [
        {"period": period, "dimension": name, "score": score,
         "weight": card.weights.get(name, 1.0)}
        for name, score in card.scores.items()
    ]
    if kpis:
        connection.execute(KPI_VALUES.insert(), kpis)
    connection.execute(VALUE_SCORES.insert(), scores)
    _save_month(connection, card, at)
    return len(kpis) + len(scores)


def _save_month(connection: Connection, card: Scorecard, at: datetime) -> None:
    coverage = card.coverage
    row = {
        "period": str(card.month), "final": card.final, "revision": card.revision,
        "reason": card.revision_reason, "stored_at": at,
        "elapsed_days": coverage.elapsed_days if coverage else 0,
        "data_days": coverage.data_days if coverage else 0,
        "first_day": coverage.first_day if coverage else None,
        "last_day": coverage.last_day if coverage else None,
    }
    upsert(connection, VALUE_MONTHS, [row], ("period",), [name for name in row if name != "period"])


def load_scorecard(connection: Connection, month: Month) -> Scorecard | None:
    """The stored scorecard of `month`, or None when none was computed."""
    period = str(month)
    rows = list(connection.execute(
        select(KPI_VALUES).where(KPI_VALUES.c.period == period).order_by(KPI_VALUES.c.id)
    ))
    scores = list(connection.execute(
        select(VALUE_SCORES).where(VALUE_SCORES.c.period == period)
        .order_by(VALUE_SCORES.c.id)
    ))
    if not rows and not scores:
        return None
    through = rows[0].through if rows else month.end
    final = bool(rows and rows[0].final)
    stored = connection.execute(
        select(VALUE_MONTHS).where(VALUE_MONTHS.c.period == period)
    ).first()
    coverage = None if stored is None else Coverage(
        elapsed_days=stored.elapsed_days, data_days=stored.data_days,
        first_day=stored.first_day, last_day=stored.last_day, month_start=month.start,
        final=final,
    )
    return Scorecard(
        month=month, through=through, final=final,
        kpis=tuple(_kpi(row) for row in rows),
        scores={row.dimension: row.score for row in scores},
        weights={row.dimension: row.weight for row in scores},
        coverage=coverage,
        revision=1 if stored is None else stored.revision,
        revision_reason="" if stored is None else stored.reason,
        stored_at=None if stored is None else as_utc(stored.stored_at),
    )


def newest_period(connection: Connection) -> Month | None:
    """The latest month that has a stored scorecard."""
    found = connection.execute(select(VALUE_SCORES.c.period).order_by(
        VALUE_SCORES.c.period.desc()).limit(1)).scalar()
    return None if found is None else Month.parse(found)


def _kpi(row: Any) -> KpiResult:
    return KpiResult(
        kpi=row.kpi, dimension=row.dimension, unit=row.unit, direction=row.direction,
        value=row.value, target=row.target, weight=row.weight, score=row.score,
        definition=row.definition,
    )
