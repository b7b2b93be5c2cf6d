"""Where value came from and where it fell short: each KPI against its target, explained
by the breakdowns of the measure that drives it."""

from evaluators.value.report.document import Breakdown, Explanation, KpiLine
from evaluators.value.report.numbers import formatted, signed
from metrics.value.config import ValueConfig

# The measure whose breakdown explains a KPI kind's change.
DRIVERS = {
    "value_created": "value_created", "roi": "value_created", "hours_saved": "value_created",
    "payback_months": "value_created", "cost_per_outcome": "value_created",
    "outcome_rate": "value_created", "llm_spend": "llm_spend", "total_cost": "llm_spend",
    "cost_per_call": "llm_spend", "error_rate": "errors", "slo_attainment": "errors",
    "calls": "calls", "active_users": "calls", "calls_per_active_user": "calls",
    "use_case_coverage": "calls",
}
MENTIONS = 2  # breakdowns named in one explanation, the largest changes first
MEASURE_UNITS = {"value_created": "currency", "llm_spend": "currency", "calls": "calls",
                 "errors": "count"}


def expectations(
    lines: list[KpiLine], config: ValueConfig, breakdowns: list[Breakdown]
) -> tuple[list[Explanation], list[Explanation]]:
    """(KPIs that met or beat their target, KPIs that fell short), each explained."""
    kinds = {kpi.name: kpi.kind for kpi in config.kpis}
    over, under = [], []
    for line in lines:
        if line.score is None:
            continue
        explained = Explanation(
            kpi=line.kpi, value=line.value, target=line.target, score=line.score,
            reason=_reason(line, kinds.get(line.kpi), breakdowns, config.currency),
        )
        (over if line.score >= 100 else under).append(explained)
    under.sort(key=lambda item: item.score or 0.0)
    return over, under


def _reason(
    line: KpiLine, kind: str | None, breakdowns: list[Breakdown], currency: str
) -> str:
    better = "higher" if line.direction == "higher" else "lower"
    parts = [
        f"{formatted(line.value, line.unit)} against a target of "
        f"{formatted(line.target, line.unit)} ({better} is better)"
    ]
    if line.change is not None:
        parts.append(f"{signed(line.change, line.unit)} since last month")
    driver = DRIVERS.get(kind or "")
    moved = [item for item in breakdowns
             if item.measure == driver and item.items and item.items[0].change]
    moved.sort(key=lambda item: -abs(item.items[0].change))
    for item in moved[:MENTIONS]:
        unit = MEASURE_UNITS[item.measure].replace("currency", currency.lower())
        top = item.items[0]
        parts.append(
            f"largest change in {item.measure.replace('_', ' ')} by {item.by.replace('_', ' ')}:"
            f" {top.name} ({signed(top.change, unit)})"
        )
    return "; ".join(parts) + "."
