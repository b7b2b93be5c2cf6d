"""A month's scorecard: built-in KPIs, then formulas, then scores; stored per month."""

from datetime import datetime

from sqlalchemy import Connection

from evaluators.kpi_kinds import KIND_FUNCTIONS
from evaluators.kpi_measures import PeriodCache, measure
from metrics.types import utc_now
from metrics.value_config import ValueConfig, formula_order
from metrics.value_formula import Formula
from metrics.value_periods import Month
from metrics.value_score import OVERALL, dimension_scores, kpi_score
from metrics.value_scorecard import KpiResult, Scorecard, load_scorecard, save_scorecard


def compute_scorecard(
    connection: Connection, config: ValueConfig, month: Month, *, now: datetime,
    cache: PeriodCache | None = None,
) -> Scorecard:
    """The scorecard of `month` from what is stored up to `now` (month to date while the
    month is open). In a closed month, a KPI whose raw records are gone keeps the value
    stored when the month closed."""
    through = min(now, month.end)
    measures = measure(connection, config, month, through, cache or PeriodCache())
    values: dict[str, float | None] = {
        kpi.name: KIND_FUNCTIONS[str(kpi.kind)](measures, kpi, config)
        for kpi in config.kpis if kpi.formula is None
    }
    final = now >= month.end
    stored = load_scorecard(connection, month) if final else None
    if stored is not None:
        for name, value in values.items():
            if value is None and stored.value(name) is not None:
                values[name] = stored.value(name)
    for kpi in formula_order(config.kpis):
        values[kpi.name] = Formula.parse(str(kpi.formula)).evaluate(values)
    kpis = tuple(
        KpiResult(
            kpi=kpi.name, dimension=str(kpi.dimension), unit=config.unit_of(kpi),
            direction=str(kpi.direction), value=values[kpi.name], target=kpi.target,
            weight=kpi.weight, definition=str(kpi.definition),
            score=kpi_score(values[kpi.name], kpi.target, kpi.direction or "higher",
                            kpi.tolerance),
        )
        for kpi in config.kpis
    )
    scores = dimension_scores(
        ((kpi.dimension, kpi.score, kpi.weight) for kpi in kpis), config.dimensions
    )
    totals = measures.totals
    records = (totals.usage.calls + totals.graded + sum(n for n, _ in totals.feedback.values())
               + sum(n for n, _ in totals.outcomes.values()))
    return Scorecard(month, through, final, kpis, scores, {**config.dimensions, OVERALL: 1.0},
                     records)


def refresh_scorecard(
    connection: Connection, config: ValueConfig, month: Month, *, now: datetime,
    cache: PeriodCache | None = None,
) -> Scorecard:
    """Compute the scorecard of `month` and store it in place of the one stored."""
    card = compute_scorecard(connection, config, month, now=now, cache=cache)
    save_scorecard(connection, card, at=utc_now())
    return card
