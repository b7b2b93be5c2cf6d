"""Totals of a period's daily rows: calls, cost, latency, feedback, grades, outcomes."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from evaluators.upkeep.rollup import latency_quantile
from evaluators.value.days import DailyRows
from metrics.catalog import OPERATION_DURATION_BUCKETS


@dataclass
class UsageTotals:
    """Calls and what they cost and took, summed over any group of daily usage rows."""

    calls: int = 0
    errors: int = 0
    cost_usd: float = 0.0
    unpriced_calls: int = 0
    latency_max: float = 0.0
    buckets: list[int] = field(default_factory=lambda: [0] * len(OPERATION_DURATION_BUCKETS))

    def add(self, row: dict[str, Any]) -> None:
        """Add one daily usage row."""
        self.calls += row["calls"]
        self.errors += row["errors"]
        self.cost_usd += row["cost_usd"]
        self.unpriced_calls += row["unpriced_calls"]
        self.latency_max = max(self.latency_max, row["latency_s_max"])
        self.buckets = [a + b for a, b in zip(self.buckets, row["latency_buckets"], strict=True)]

    def latency_p95(self) -> float | None:
        """The 95th percentile of call duration, from the merged histograms."""
        return latency_quantile(self.buckets, self.calls, self.latency_max, 0.95)

    def error_rate(self) -> float | None:
        """Failed calls ÷ calls."""
        return self.errors / self.calls if self.calls else None


def usage_by(rows: Iterable[dict[str, Any]], key: str | None) -> dict[Any, UsageTotals]:
    """Usage totals per value of `key` (app, model, use_case or day), or under None."""
    grouped: dict[Any, UsageTotals] = defaultdict(UsageTotals)
    for row in rows:
        grouped[None if key is None else row[key]].add(row)
    return dict(grouped)


@dataclass(frozen=True)
class PeriodTotals:
    """What the built-in KPI kinds need from the daily rows of one period."""

    usage: UsageTotals
    days: dict[datetime, UsageTotals]
    use_cases: dict[str, int]  # calls per use case ("" for calls without one)
    feedback: dict[str, tuple[int, int]]  # kind -> (values, positive)
    graded: int
    correct: int
    outcomes: dict[str, tuple[int, float]]  # outcome name -> (count, value sum)
    outcomes_by_app: dict[tuple[str, str], tuple[int, float]]  # (app, name) -> same
    user_sketches: list[bytes]  # one HLL sketch of distinct users per day with calls
    labels: dict[str, int]  # feedback per label
    days_with_data: frozenset[datetime]  # the days with any call, feedback, grade, outcome


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
