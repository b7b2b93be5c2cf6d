"""What the built-in KPI kinds read for one month: usage, feedback, grades and outcomes
summed over the month's daily rollups, distinct users and assessments."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from metrics.catalog import OPERATION_DURATION_BUCKETS
from metrics.value.periods import Month


def latency_quantile(buckets: list[int], calls: int, longest: float, q: float) -> float | None:
    """Estimate a latency quantile from cumulative bucket counts, as `histogram_quantile`
    does: linear within the bucket; above the last bound, up to the longest call."""
    if calls == 0:
        return None
    rank = q * calls
    bounds = (*OPERATION_DURATION_BUCKETS, max(longest, OPERATION_DURATION_BUCKETS[-1]))
    counts = (*buckets, calls)
    below, lower = 0, 0.0
    for bound, count in zip(bounds, counts, strict=True):
        if count >= rank:
            inside = count - below
            return lower + (bound - lower) * ((rank - below) / inside if inside else 1.0)
        below, lower = count, bound
    return longest


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


@dataclass(frozen=True)
class Measures:
    """One month to `through`: the rolled-up totals, distinct users, assessments."""

    month: Month
    through: datetime
    totals: PeriodTotals
    users: float | None  # estimated distinct users; None when the month has no call
    previous_users: float | None  # the same for the month before
    shared_users: float  # estimated users with a call in both months
    risk_labels: int
    assessments: dict[str, dict[str, Any]]

    @property
    def elapsed(self) -> timedelta:
        """How much of the month the figures cover."""
        return self.through - self.month.start

    @property
    def covered(self) -> float:
        """The share of the month the figures cover: monthly costs are prorated by it."""
        return self.elapsed / (self.month.end - self.month.start)
