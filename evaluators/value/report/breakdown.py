"""Where the month's change came from: each measure's change by app, model and use case."""

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Connection, Table, func, select

from evaluators.value.days import DailyRows
from evaluators.value.report.document import Breakdown, Contribution
from metrics.store.tables import Outcome
from metrics.value.config import ValueConfig
from metrics.value.kinds import outcome_value
from metrics.value.periods import Month

TOP = 5
NO_NAME = "(none)"
_outcome: Table = Outcome.__table__  # type: ignore[attr-defined]
Totals = dict[str, float]


def _summed(rows: Iterable[dict[str, Any]], key: str, amount: Callable[[Any], float]) -> Totals:
    totals: Totals = defaultdict(float)
    for row in rows:
        totals[row[key] or NO_NAME] += amount(row)
    return dict(totals)


def value_by_app(days: DailyRows, config: ValueConfig) -> Totals:
    """Value created per app, from the daily outcome rollups."""
    return _summed(
        days.outcome, "app",
        lambda row: outcome_value(row["name"], row["count"], row["value_sum"], config),
    )


def value_by_use_case(connection: Connection, month: Month, config: ValueConfig) -> Totals:
    """Value created per use case, from raw outcomes (the rollups have no use case)."""
    o = _outcome.c
    rows = connection.execute(
        select(o.use_case, o.name, func.count().label("count"), func.sum(o.value).label("sum"))
        .where(o.timestamp >= month.start, o.timestamp < month.end)
        .group_by(o.use_case, o.name)
    )
    return _summed(
        (row._asdict() for row in rows), "use_case",
        lambda row: outcome_value(row["name"], row["count"], row["sum"], config),
    )


def usage_measure(days: DailyRows, key: str, measure: str, config: ValueConfig) -> Totals:
    """LLM spend (in the value currency), calls or errors per app, model or use case."""
    if measure == "llm_spend":
        return _summed(days.usage, key, lambda row: row["cost_usd"] * config.currency_per_usd)
    return _summed(days.usage, key, lambda row: float(row[measure]))


def breakdown(measure: str, by: str, previous: Totals, current: Totals) -> Breakdown:
    """The `TOP` names whose share of `measure` changed most, largest change first."""
    items = [
        Contribution(name=name, previous=previous.get(name, 0.0), current=current.get(name, 0.0))
        for name in previous.keys() | current.keys()
    ]
    items.sort(key=lambda item: (-abs(item.change), item.name))
    return Breakdown(measure=measure, by=by, items=items[:TOP])


def breakdowns(
    connection: Connection, config: ValueConfig, month: Month, days: DailyRows,
    previous_days: DailyRows,
) -> list[Breakdown]:
    """Value by app and use case; LLM spend, calls and errors by app, model and use case."""
    found = [
        breakdown("value_created", "app", value_by_app(previous_days, config),
                  value_by_app(days, config)),
        breakdown("value_created", "use_case",
                  value_by_use_case(connection, month.previous(), config),
                  value_by_use_case(connection, month, config)),
    ]
    for measure in ("llm_spend", "calls", "errors"):
        for by in ("app", "model", "use_case"):
            found.append(breakdown(
                measure, by, usage_measure(previous_days, by, measure, config),
                usage_measure(days, by, measure, config),
            ))
    return [item for item in found if item.items]
