"""Service level objectives and the multiwindow, multi-burn-rate alerts held to them.

The windows are the Google SRE workbook's (chapter 5, "Alerting on SLOs"), as Sloth
generates them: page when 2% of the period's error budget burns within an hour or 5%
within six hours; open a ticket when 10% burns within a day or within three days. Each
long window is paired with a short one (1/12 of it) so an alert stops soon after the
burning does. Over a 30-day period the burn-rate factors are 14.4, 6, 3 and 1.

A ratio alone is no evidence on a quiet app: at one call a minute and a 99.9% objective a
single failed call is 1.7% of the hour, over the 1.44% that pages. So every alert also needs
`MIN_ERROR_EVENTS` bad calls in its long window (the SRE workbook's "low-traffic services").

The quality SLOs count graded calls judged wrong and negative feedback the same way. Their
objectives are low (90%, 80%), so some burn rates cannot be reached: at an 80% objective even
all-negative feedback burns the budget 5 times too fast, under the page's 6 and 14.4. A
window pair whose limit is 100% or more is left out, and an alert left with none is not made.
"""

from dataclasses import dataclass
from typing import Literal

from metrics.conventions import PAGE, TICKET

SLOKind = Literal["availability", "latency", "accuracy", "positive_feedback"]
QUALITY_KINDS: tuple[SLOKind, ...] = ("accuracy", "positive_feedback")
# What an alert says was bad, and what the objective holds good, per kind.
_BAD = {"availability": "calls were bad", "latency": "calls were bad",
        "accuracy": "graded calls were judged wrong",
        "positive_feedback": "positive and negative feedback was negative"}
_GOOD = {"availability": "of calls do not fail",
         "accuracy": "of graded calls are judged correct",
         "positive_feedback": "of positive and negative feedback is positive"}
_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800, "y": 31_536_000}


def duration_seconds(duration: str) -> float:
    """Seconds in a Prometheus duration with one unit, such as `30m` or `3d`."""
    unit = duration.lstrip("0123456789")
    return int(duration.removesuffix(unit)) * _SECONDS[unit]


@dataclass(frozen=True)
class BurnRateWindow:
    """A long window and its short twin; both must burn faster than `budget_percent`
    of the period's budget per `long` window for the alert to fire."""

    long: str
    short: str
    budget_percent: int

    def factor(self, period_days: int) -> float:
        """The burn rate (multiple of the sustainable error ratio) this window alerts on."""
        hours = duration_seconds(self.long) / 3600
        return self.budget_percent * period_days * 24 / (100 * hours)

    def reachable(self, period_days: int, error_budget: float) -> bool:
        """Whether an error ratio can exceed this window's limit: under 100% it can."""
        return self.factor(period_days) * error_budget < 1


@dataclass(frozen=True)
class BurnRateAlert:
    """One alert per SLO: fires when either of its two window pairs burns too fast."""

    severity: str
    name_suffix: str  # the alert is <prefix><SLO><suffix>
    windows: tuple[BurnRateWindow, BurnRateWindow]


BURN_RATE_ALERTS = (
    BurnRateAlert(
        PAGE, "FastBurn", (BurnRateWindow("1h", "5m", 2), BurnRateWindow("6h", "30m", 5))
    ),
    BurnRateAlert(
        TICKET, "SlowBurn", (BurnRateWindow("1d", "2h", 10), BurnRateWindow("3d", "6h", 10))
    ),
)


def sli_windows() -> tuple[str, ...]:
    """Every window an SLI is recorded over for the alerts, shortest first."""
    windows = {w for alert in BURN_RATE_ALERTS for pair in alert.windows
               for w in (pair.long, pair.short)}
    return tuple(sorted(windows, key=duration_seconds))


SHORTEST_WINDOW = sli_windows()[0]

# Five, because an app meeting its objective exactly, with so little traffic that one bad
# call crosses the page's ratio, still reaches five bad calls in an hour about once in
# 30,000 hours (Poisson, mean 5 / 14.4), while a full outage at one call a minute pages
# within ten minutes.
MIN_ERROR_EVENTS = 5


@dataclass(frozen=True)
class SLO:
    """An objective on the share of good events (LLM calls, graded calls, feedback), per app,
    over `period_days`."""

    kind: SLOKind
    objective: float  # e.g. 0.99: 99% of calls are good
    latency_threshold_s: float | None = None  # latency: a call is good under this

    @property
    def error_budget(self) -> float:
        """The share of calls that may be bad, e.g. 0.01 for a 99% objective."""
        return round(1 - self.objective, 12)

    @property
    def title(self) -> str:
        """The SLO's name as alert names spell it (`Availability`, `PositiveFeedback`)."""
        return "".join(word.capitalize() for word in self.kind.split("_"))

    @property
    def bad_events(self) -> str:
        """What the SLO counts as bad, as an alert says it (`calls were bad`)."""
        return _BAD[self.kind]

    def describe(self) -> str:
        """The objective in words, e.g. `99% of calls do not fail`."""
        share = f"{self.objective * 100:.10g}%"
        if self.latency_threshold_s is not None:
            return f"{share} of successful calls take under {self.latency_threshold_s:g} s"
        return f"{share} {_GOOD[self.kind]}"
