"""Everything the built-in KPI kinds read for one month, gathered once."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection

from evaluators.upkeep.user_sketch import distinct_estimate, shared_estimate
from evaluators.value.days import DailyRows, period_days
from evaluators.value.totals import period_totals
from metrics.value.config import ValueConfig
from metrics.value.measures import Measures, PeriodTotals
from metrics.value.periods import Month
from metrics.value.store import latest_assessments


@dataclass
class PeriodCache:
    """Daily rows already read, by period, for one report or run."""

    days: dict[tuple[datetime, datetime], DailyRows] = field(default_factory=dict)

    def daily_rows(self, connection: Connection, start: datetime, end: datetime) -> DailyRows:
        """The daily rows of [start, end), read once."""
        if (start, end) not in self.days:
            self.days[(start, end)] = period_days(connection, start, end)
        return self.days[(start, end)]


def measure(
    connection: Connection, config: ValueConfig, month: Month, through: datetime,
    cache: PeriodCache,
) -> Measures:
    """Gather the month's figures up to `through`, from the daily rollups only (and, for
    days not rolled up yet, the same aggregates computed from their raw records)."""
    previous = month.previous()
    totals = period_totals(cache.daily_rows(connection, month.start, through))
    before = period_totals(cache.daily_rows(connection, previous.start, previous.end))
    return Measures(
        month=month,
        through=through,
        totals=totals,
        users=_users(totals),
        previous_users=_users(before),
        shared_users=shared_estimate(totals.user_sketches, before.user_sketches),
        risk_labels=sum(totals.labels.get(label, 0) for label in config.risk.feedback_labels),
        assessments=latest_assessments(connection, month),
    )


def _users(totals: PeriodTotals) -> float | None:
    if not totals.usage.calls:
        return None
    return distinct_estimate(totals.user_sketches)
