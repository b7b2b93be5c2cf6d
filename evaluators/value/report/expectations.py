"""Where value came from and where it fell short: each KPI against the target it is scored
against; its causes are in causes.py."""

from evaluators.value.report.document import Explanation, KpiLine
from evaluators.value.report.numbers import formatted, signed


def expectations(lines: list[KpiLine]) -> tuple[list[Explanation], list[Explanation]]:
    """(KPIs that met or beat their target, KPIs that fell short), each explained."""
    over, under = [], []
    for line in lines:
        if line.score is None:
            continue
        explained = Explanation(
            kpi=line.kpi, value=line.value, target=line.target, score=line.score,
            reason=_reason(line),
        )
        (over if line.score >= 100 else under).append(explained)
    under.sort(key=lambda item: item.score or 0.0)
    return over, under


def _reason(line: KpiLine) -> str:
    better = "higher" if line.direction == "higher" else "lower"
    target = formatted(line.target, line.unit)
    if line.scored_target is not None and line.scored_target != line.target:
        target = (f"{formatted(line.scored_target, line.unit)} (the month's "
                  f"{formatted(line.target, line.unit)} prorated to the days elapsed)")
    parts = [f"{formatted(line.value, line.unit)} against a target of {target} "
             f"({better} is better)"]
    if line.change is not None:
        parts.append(f"{signed(line.change, line.unit)} since last month")
    return "; ".join(parts) + "."
