"""Totals of a period's daily rows: calls, cost, latency, feedback, grades, outcomes."""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from evaluators.value.days import DailyRows
from metrics.value.measures import PeriodTotals, UsageTotals


def usage_by(rows: Iterable[dict[str, Any]], key: str | None) -> dict[Any, UsageTotals]:
    """Usage totals per value of `key` (app, model, use_case or day), or under None."""
    grouped: dict[Any, UsageTotals] = defaultdict(UsageTotals)
    for row in rows:
        grouped[None if key is None else row[key]].add(row)
    return dict(grouped)


def period_totals(days: DailyRows) -> PeriodTotals:
    """Sum the daily rows of a period."""
    feedback: dict[str, tuple[int, int]] = defaultdict(lambda: (0, 0))
    for row in days.feedback:
        values, positive = feedback[row["kind"]]
        feedback[row["kind"]] = (values + row["value_count"], positive + row["positive"])
    outcomes: dict[str, tuple[int, float]] = defaultdict(lambda: (0, 0.0))
    by_app: dict[tuple[str, str], tuple[int, float]] = defaultdict(lambda: (0, 0.0))
    for row in days.outcome:
        for totals, key in ((outcomes, row["name"]), (by_app, (row["app"], row["name"]))):
            count, value = totals[key]
            totals[key] = (count + row["count"], value + row["value_sum"])
    labels: dict[str, int] = defaultdict(int)
    for row in days.labels:
        labels[row["label"]] += row["count"]
    with_data = {row["day"] for kind in (days.usage, days.feedback, days.accuracy, days.outcome)
                 for row in kind}
    return PeriodTotals(
        usage=usage_by(days.usage, None).get(None, UsageTotals()),
        days=usage_by(days.usage, "day"),
        use_cases={name: totals.calls for name, totals in usage_by(days.usage, "use_case").items()},
        feedback=dict(feedback),
        graded=sum(row["graded"] for row in days.accuracy),
        correct=sum(row["correct"] for row in days.accuracy),
        outcomes=dict(outcomes),
        outcomes_by_app=dict(by_app),
        user_sketches=[row["sketch"] for row in days.users],
        labels=dict(labels),
        days_with_data=frozenset(with_data),
    )
