"""A month's scorecard: built-in KPIs, then formulas, then scores; stored per month.

A final month's stored scorecard is what later reads get: it is recomputed only when
some of its days were rolled up again after it was stored (late records), and saved as
a new revision only when that changed a figure.
"""

from datetime import datetime, timedelta

from sqlalchemy import Connection, func, select

from evaluators.value.measures import Measures, PeriodCache, measure
from metrics.store.rollups import RollupDay
from metrics.types import as_utc, utc_now
from metrics.value.config import Kpi, ValueConfig, formula_order
from metrics.value.coverage import Coverage
from metrics.value.formula import Formula
from metrics.value.kinds import KIND_NAMED, VOLUME_KINDS
from metrics.value.periods import Month
from metrics.value.score import OVERALL, dimension_scores, kpi_score
from metrics.value.scorecard import KpiResult, Scorecard, load_scorecard, save_scorecard

DAY = timedelta(days=1)
_rolled = RollupDay.__table__.c  # type: ignore[attr-defined]


def compute_scorecard(
    connection: Connection, config: ValueConfig, month: Month, *, now: datetime,
    cache: PeriodCache | None = None,
) -> Scorecard:
    """The scorecard of `month` from the daily rollups up to `now` (month to date while
    the month is open). Without any record a KPI has no value and no score; volume
    targets are prorated by the elapsed share of an open month."""
    through = min(now, month.end)
    measures = measure(connection, config, month, through, cache or PeriodCache())
    totals = measures.totals
    records = (totals.usage.calls + totals.graded + sum(n for n, _ in totals.feedback.values())
               + sum(n for n, _ in totals.outcomes.values()))
    values: dict[str, float | None] = {
        kpi.name: KIND_NAMED[str(kpi.kind)].compute(measures, kpi, config)
        if records or kpi.kind == "assessment" else None
        for kpi in config.kpis if kpi.formula is None
    }
    final = now >= month.end
    for kpi in formula_order(config.kpis):
        values[kpi.name] = Formula.parse(str(kpi.formula)).evaluate(values)
    kpis = tuple(
        KpiResult(
            kpi=kpi.name, dimension=str(kpi.dimension), unit=config.unit_of(kpi),
            direction=str(kpi.direction), value=values[kpi.name], target=kpi.target,
            weight=kpi.weight, definition=str(kpi.definition),
            score=kpi_score(values[kpi.name], scored_target(kpi, measures, final),
                            kpi.direction or "higher", _tolerance(kpi, measures, final)),
        )
        for kpi in config.kpis
    )
    scores = dimension_scores(
        ((kpi.dimension, kpi.score, kpi.weight) for kpi in kpis), config.dimensions
    )
    return Scorecard(month, through, final, kpis, scores, {**config.dimensions, OVERALL: 1.0},
                     records, coverage=coverage_of(measures, final))


def scored_target(kpi: Kpi, measures: Measures, final: bool) -> float:
    """The target the KPI is scored against: a volume kind's monthly target × the share
    of the month elapsed while the month is open; otherwise the target itself."""
    if final or kpi.kind not in VOLUME_KINDS:
        return kpi.target
    return kpi.target * measures.covered


def _tolerance(kpi: Kpi, measures: Measures, final: bool) -> float | None:
    if kpi.tolerance is None or final or kpi.kind not in VOLUME_KINDS:
        return kpi.tolerance
    return kpi.tolerance * measures.covered or None


def coverage_of(measures: Measures, final: bool) -> Coverage:
    """The days the measures cover and which of them have data."""
    days = sorted(measures.totals.days_with_data)
    elapsed = -(-measures.elapsed // DAY)  # days begun
    return Coverage(
        elapsed_days=int(elapsed), data_days=len(days),
        first_day=days[0] if days else None, last_day=days[-1] if days else None,
        month_start=measures.month.start, final=final,
    )


def month_scorecard(
    connection: Connection, config: ValueConfig, month: Month, *, now: datetime,
    cache: PeriodCache | None = None,
) -> tuple[Scorecard, bool]:
    """The scorecard of `month` at `now`, and whether it differs from the stored one (so
    needs saving). A final month's stored card is returned as it is unless late records
    changed its figures: then the card is the next revision, with the days as reason."""
    stored = load_scorecard(connection, month)
    if stored is None or not stored.final or now < month.end:
        card = compute_scorecard(connection, config, month, now=now, cache=cache)
        return card, True
    late = rolled_again(connection, month, after=stored.stored_at)
    if not late:
        return stored, False
    card = compute_scorecard(connection, config, month, now=now, cache=cache)
    if card.same_figures(stored):
        return stored, False
    days = ", ".join(f"{day:%-d %b}" for day in late)
    revised = Scorecard(
        card.month, card.through, card.final, card.kpis, card.scores, card.weights,
        card.records, card.coverage, revision=stored.revision + 1,
        revision_reason=f"late records for {days} changed the figures",
    )
    return revised, True


def rolled_again(connection: Connection, month: Month, *, after: datetime | None) -> list[datetime]:
    """The days of `month` rolled up after `after` (all rolled days when None)."""
    query = select(_rolled.day_start).where(
        _rolled.day_start >= month.start, _rolled.day_start < month.end
    )
    if after is not None:
        query = query.where(_rolled.rolled_at > after)
    return [as_utc(day) for day in connection.execute(query.order_by(_rolled.day_start)).scalars()]


def months_rolled_again(
    connection: Connection, months: list[tuple[Month, datetime]]
) -> list[Month]:
    """Of `months` (each with when its final card was stored), those with a day rolled
    up after that."""
    found = []
    for month, stored_at in months:
        latest = connection.execute(select(func.max(_rolled.rolled_at)).where(
            _rolled.day_start >= month.start, _rolled.day_start < month.end)).scalar()
        if latest is not None and as_utc(latest) > as_utc(stored_at):
            found.append(month)
    return found


def refresh_scorecard(
    connection: Connection, config: ValueConfig, month: Month, *, now: datetime,
    cache: PeriodCache | None = None,
) -> Scorecard:
    """The scorecard of `month`, stored in place of the one stored when it changed."""
    card, changed = month_scorecard(connection, config, month, now=now, cache=cache)
    if changed:
        save_scorecard(connection, card, at=utc_now())
    return card
