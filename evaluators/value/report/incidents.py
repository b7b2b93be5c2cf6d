"""Incidents of the month: alerts Alertmanager sent, and error spikes in the daily rollups."""

from sqlalchemy import Connection

from evaluators.value.days import DailyRows
from evaluators.value.report.document import AlertLine, ErrorSpike
from metrics.value.measures import UsageTotals
from metrics.value.periods import Month
from metrics.value.store import incidents_between

# A day is a spike in an app when, on at least SPIKE_MIN_CALLS calls, its error rate is
# at least SPIKE_FACTOR times the app's rate over the month and SPIKE_MARGIN above it.
SPIKE_MIN_CALLS = 20
SPIKE_FACTOR = 2.0
SPIKE_MARGIN = 0.05


def alert_lines(connection: Connection, month: Month) -> list[AlertLine]:
    """Alerts that started in the month, oldest first."""
    return [
        AlertLine(alertname=row.alertname, severity=row.severity, status=row.status,
                  summary=row.summary, starts_at=row.starts_at, ends_at=row.ends_at)
        for row in incidents_between(connection, month.start, month.end)
    ]


def error_spikes(days: DailyRows) -> list[ErrorSpike]:
    """Days on which an app's error rate spiked against its month, worst first."""
    month: dict[str, UsageTotals] = {}
    daily: dict[tuple[str, str], UsageTotals] = {}
    for row in days.usage:
        month.setdefault(row["app"], UsageTotals()).add(row)
        daily.setdefault((row["day"].date().isoformat(), row["app"]), UsageTotals()).add(row)
    spikes = []
    for (day, app), totals in daily.items():
        rate, usual = totals.error_rate() or 0.0, month[app].error_rate() or 0.0
        if (totals.calls >= SPIKE_MIN_CALLS and rate >= SPIKE_FACTOR * usual
                and rate >= usual + SPIKE_MARGIN):
            spikes.append(ErrorSpike(day=day, app=app, calls=totals.calls, error_rate=rate,
                                     month_error_rate=usual))
    spikes.sort(key=lambda spike: (-spike.error_rate, spike.day, spike.app))
    return spikes
