"""Evidence valuewatch already holds for a month: drift windows, incidents, error spikes,
new use cases and models whose share of traffic moved, each with its date and size."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, select

from evaluators.results import EVALUATION_RESULTS
from evaluators.value.report.document import (
    AlertLine,
    Decomposition,
    EmergingUseCase,
    ErrorSpike,
    Evidence,
)
from metrics.types import as_utc
from metrics.value.periods import Month

SHARE_MOVE = 0.05  # a group's share must move this much to be evidence
_r = EVALUATION_RESULTS.c


@dataclass(frozen=True)
class DriftWindows:
    """Detected drift of one signal of one app × model in the month."""

    app: str
    model: str
    signal: str
    detected: int
    windows: int
    first: datetime
    last: datetime
    largest: float


def drift_windows(connection: Connection, month: Month) -> list[DriftWindows]:
    """Every app × model × signal with a window where drift was detected in `month`."""
    totals = {
        (app, model, signal): count for app, model, signal, count in connection.execute(
            select(_r.app, _r.model, _r.subject, func.count())
            .where(_r.evaluator == "drift", _r.window_end > month.start,
                   _r.window_end <= month.end)
            .group_by(_r.app, _r.model, _r.subject))
    }
    rows = connection.execute(
        select(_r.app, _r.model, _r.subject, func.count(), func.min(_r.window_start),
               func.max(_r.window_end), func.max(_r.value))
        .where(_r.evaluator == "drift", _r.detected.is_(True), _r.window_end > month.start,
               _r.window_end <= month.end)
        .group_by(_r.app, _r.model, _r.subject)
    )
    found = [
        DriftWindows(app, model, signal, int(count), totals.get((app, model, signal), count),
                     as_utc(first), as_utc(last), float(largest))
        for app, model, signal, count, first, last, largest in rows
    ]
    found.sort(key=lambda d: (-d.detected, d.app, d.model, d.signal))
    return found


def drift_evidence(drift: list[DriftWindows], signals: tuple[str, ...],
                   groups: set[str] | None = None) -> list[Evidence]:
    """Drift on `signals`, restricted to the app/model `groups` when given."""
    return [
        Evidence(kind="drift", since=f"{d.first:%Y-%m-%d}", size=d.detected, text=(
            f"drift in {d.signal} of {d.app}/{d.model} from {d.first:%Y-%m-%d}: "
            f"{d.detected} of {d.windows} windows, largest score {d.largest:.3g}"))
        for d in drift
        if d.signal in signals and (groups is None or f"{d.app}/{d.model}" in groups
                                    or d.app in groups)
    ]


def incident_evidence(alerts: list[AlertLine], words: tuple[str, ...]) -> list[Evidence]:
    """Alerts whose name holds one of `words` (latency, error, cost ...)."""
    return [
        Evidence(kind="incident", since=f"{a.starts_at:%Y-%m-%d}",
                 size=((a.ends_at - a.starts_at).total_seconds() / 3600) if a.ends_at else 0.0,
                 text=f"{a.severity} alert {a.alertname} on {a.starts_at:%Y-%m-%d %H:%M} UTC"
                      + (f" for {(a.ends_at - a.starts_at).total_seconds() / 3600:.1f} h"
                         if a.ends_at else " (still firing)"))
        for a in alerts if any(word in a.alertname.lower() for word in words)
    ]


def spike_evidence(spikes: list[ErrorSpike]) -> list[Evidence]:
    """Days whose error rate spiked in an app."""
    return [
        Evidence(kind="error_spike", since=s.day, size=s.error_rate, text=(
            f"error spike in {s.app} on {s.day}: {s.error_rate * 100:.1f}% of {s.calls:,} "
            f"calls failed against {s.month_error_rate * 100:.1f}% over the month"))
        for s in spikes
    ]


def share_evidence(split: Decomposition | None, what: str, month: Month) -> list[Evidence]:
    """Groups of `split` whose share of `what` moved by at least SHARE_MOVE."""
    if split is None:
        return []
    return [
        Evidence(kind="share", since=f"{month.start:%Y-%m-%d}", size=e.share - e.previous_share,
                 text=f"{e.group}'s share of {what} went from {e.previous_share * 100:.1f}% to "
                      f"{e.share * 100:.1f}%")
        for e in split.groups if abs(e.share - e.previous_share) >= SHARE_MOVE
    ]


def use_case_evidence(emerging: list[EmergingUseCase],
                      first_days: dict[str, str]) -> list[Evidence]:
    """Use cases new or growing fast this month, from their first day."""
    return [
        Evidence(kind="use_case", since=first_days.get(u.use_case, ""), size=u.calls, text=(
            f"use case {u.use_case} {'appeared' if u.status == 'new' else 'grew'} "
            f"from {first_days.get(u.use_case, 'this month')}: {u.calls:,} calls "
            f"(last month {u.previous_calls:,})"))
        for u in emerging
    ]
