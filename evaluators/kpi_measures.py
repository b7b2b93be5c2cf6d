"""Everything the built-in KPI kinds read for one month, gathered once."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from evaluators.value_days import DailyRows, period_days
from evaluators.value_raw import UserCache, distinct_users, risk_labelled_feedback
from evaluators.value_totals import PeriodTotals, period_totals
from metrics.value_config import ValueConfig
from metrics.value_periods import Month
from metrics.value_store import latest_assessments


@dataclass
class PeriodCache:
    """Daily rows and distinct users already read, by period, for one report or run."""

    users: UserCache = field(default_factory=dict)
    days: dict[tuple[datetime, datetime], DailyRows] = field(default_factory=dict)

    def daily_rows(self, connection: Connection, start: datetime, end: datetime) -> DailyRows:
        """The daily rows of [start, end), read once."""
        if (start, end) not in self.days:
            self.days[(start, end)] = period_days(connection, start, end)
        return self.days[(start, end)]


@dataclass(frozen=True)
class Measures:
    """One month to `through`: the rolled-up totals, the raw-only figures, assessments."""

    month: Month
    through: datetime
    totals: PeriodTotals
    users: frozenset[str] | None
    previous_users: frozenset[str] | None
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


def measure(
    connection: Connection, config: ValueConfig, month: Month, through: datetime,
    cache: PeriodCache,
) -> Measures:
    """Gather the month's figures up to `through`."""
    previous = month.previous()
    return Measures(
        month=month,
        through=through,
        totals=period_totals(cache.daily_rows(connection, month.start, through)),
        users=distinct_users(connection, month.start, through, cache.users),
        previous_users=distinct_users(connection, previous.start, previous.end, cache.users),
        risk_labels=risk_labelled_feedback(
            connection, month.start, through, config.risk.feedback_labels
        ),
        assessments=latest_assessments(connection, month),
    )
