"""The built-in KPI kinds: what each measures, its unit, where it counts by default, and
the function that computes it from a month's measures.

A KPI in the value config names one of these as its `kind` (or is called by its name),
or is a formula over other KPIs. A new kind is a function below and one `KpiKind` entry
in `KPI_KINDS`. Money is in the value config's currency: LLM costs (recorded in USD) are
converted with `currency_per_usd`; monthly costs are prorated by the share of the month
covered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from metrics.value.measures import Measures

if TYPE_CHECKING:  # the config validates KPIs against these kinds
    from metrics.value.config import Kpi, ValueConfig

Direction = Literal["higher", "lower"]
KindFunction = Callable[[Measures, "Kpi", "ValueConfig"], "float | None"]
CURRENCY = "currency"  # a unit replaced by the value config's currency code
HOUR_S = 3600.0

DIMENSIONS = (
    "financial", "efficiency", "user_experience", "quality", "risk", "adoption", "strategic",
)


@dataclass(frozen=True)
class KpiKind:
    """A KPI the evaluators know how to compute: its function, called by its name."""

    compute: KindFunction
    unit: str
    dimension: str
    direction: Direction
    definition: str
    # Adds up over the days of a month: its target is a monthly total, so the month to
    # date is scored against the target × the elapsed share of the month.
    volume: bool = False

    @property
    def name(self) -> str:
        """The kind's name: its function's."""
        return self.compute.__name__


def _ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def llm_spend(m: Measures, kpi: Kpi, c: ValueConfig) -> float:
    """Σ cost_usd × currency_per_usd."""
    return m.totals.usage.cost_usd * c.currency_per_usd


def total_cost(m: Measures, kpi: Kpi, c: ValueConfig) -> float:
    """LLM spend + (infrastructure + team + licences per month) × share of the month
    covered + GPUs × hours covered × cost per GPU-hour."""
    costs = c.costs
    monthly = costs.infrastructure_per_month + costs.team_per_month + costs.licences_per_month
    gpu_hours = costs.gpus * m.elapsed.total_seconds() / HOUR_S
    return llm_spend(m, kpi, c) + monthly * m.covered + gpu_hours * costs.per_gpu_hour


def tasks_done(m: Measures, c: ValueConfig) -> int:
    """Outcomes the baseline knows how long they took by hand: the successful outcomes."""
    return sum(m.totals.outcomes.get(name, (0, 0.0))[0] for name in c.baseline.minutes_per_task)


def hours_saved(m: Measures, kpi: Kpi, c: ValueConfig) -> float:
    """Σ over task outcomes: count × baseline minutes ÷ 60."""
    minutes = sum(
        m.totals.outcomes.get(name, (0, 0.0))[0] * per_task
        for name, per_task in c.baseline.minutes_per_task.items()
    )
    return minutes / 60.0


def outcome_value(name: str, count: int, value_sum: float, c: ValueConfig) -> float:
    """What `count` outcomes called `name` were worth: the hours they saved at the loaded
    hourly cost, plus their own value when they are revenue."""
    saved = count * c.baseline.minutes_per_task.get(name, 0.0) / 60.0 * c.baseline.hourly_cost
    return saved + (value_sum if name in c.revenue_outcomes else 0.0)


def value_created(m: Measures, kpi: Kpi, c: ValueConfig) -> float:
    """Hours saved × loaded hourly cost + Σ value of the revenue outcomes."""
    return sum(
        outcome_value(name, count, value_sum, c)
        for name, (count, value_sum) in m.totals.outcomes.items()
    )


def roi(m: Measures, kpi: Kpi, c: ValueConfig) -> float | None:
    """(Value created − total cost) ÷ total cost."""
    cost = total_cost(m, kpi, c)
    return _ratio(value_created(m, kpi, c) - cost, cost)


def payback_months(m: Measures, kpi: Kpi, c: ValueConfig) -> float | None:
    """Initial investment ÷ net value per month; None when nothing is ever paid back."""
    investment = c.costs.initial_investment
    if investment is None or not m.covered:
        return None
    net_per_month = (value_created(m, kpi, c) - total_cost(m, kpi, c)) / m.covered
    return investment / net_per_month if net_per_month > 0 else None


def cost_per_call(m: Measures, kpi: Kpi, c: ValueConfig) -> float | None:
    """Total cost ÷ calls."""
    return _ratio(total_cost(m, kpi, c), m.totals.usage.calls)


def cost_per_outcome(m: Measures, kpi: Kpi, c: ValueConfig) -> float | None:
    """Total cost ÷ successful outcomes."""
    return _ratio(total_cost(m, kpi, c), tasks_done(m, c))


def outcome_rate(m: Measures, kpi: Kpi, c: ValueConfig) -> float | None:
    """Outcomes named `outcome` ÷ outcomes named `of`, or ÷ calls."""
    count = m.totals.outcomes.get(str(kpi.outcome), (0, 0.0))[0]
    whole = m.totals.outcomes.get(kpi.of, (0, 0.0))[0] if kpi.of else m.totals.usage.calls
    return _ratio(count, whole)


def csat(m: Measures, kpi: Kpi, c: ValueConfig) -> float | None:
    """Ratings of 4 or 5 ÷ ratings."""
    values, positive = m.totals.feedback.get("rating", (0, 0))
    return _ratio(positive, values)


def thumbs_up_ratio(m: Measures, kpi: Kpi, c: ValueConfig) -> float | None:
    """Thumbs up ÷ thumbs."""
    values, positive = m.totals.feedback.get("thumbs", (0, 0))
    return _ratio(positive, values)


def accuracy(m: Measures, kpi: Kpi, c: ValueConfig) -> float | None:
    """Correct ÷ graded samples."""
    return _ratio(m.totals.correct, m.totals.graded)


def error_rate(m: Measures, kpi: Kpi, c: ValueConfig) -> float | None:
    """Failed calls ÷ calls."""
    return m.totals.usage.error_rate()


def latency_p95_seconds(m: Measures, kpi: Kpi, c: ValueConfig) -> float | None:
    """The 95th percentile of call duration over the month's merged histograms."""
    return m.totals.usage.latency_p95()


def slo_attainment(m: Measures, kpi: Kpi, c: ValueConfig) -> float | None:
    """Days whose p95 latency and error rate met the SLO ÷ days with calls."""
    days = [day for day in m.totals.days.values() if day.calls]
    met = [
        day for day in days
        if (day.latency_p95() or 0.0) <= c.slo.latency_p95_s
        and (day.error_rate() or 0.0) <= c.slo.error_rate
    ]
    return _ratio(len(met), len(days))


def risk_incidents(m: Measures, kpi: Kpi, c: ValueConfig) -> float:
    """Feedback with a risk label + outcomes named as risks."""
    outcomes = sum(m.totals.outcomes.get(name, (0, 0.0))[0] for name in c.risk.outcomes)
    return float(m.risk_labels + outcomes)


def calls(m: Measures, kpi: Kpi, c: ValueConfig) -> float:
    """Calls in the period."""
    return float(m.totals.usage.calls)


def active_users(m: Measures, kpi: Kpi, c: ValueConfig) -> float | None:
    """Distinct users with a call (the union of the days' HLL sketches); None without
    calls."""
    return m.users


def calls_per_active_user(m: Measures, kpi: Kpi, c: ValueConfig) -> float | None:
    """Calls ÷ active users."""
    return None if not m.users else m.totals.usage.calls / m.users


def user_retention(m: Measures, kpi: Kpi, c: ValueConfig) -> float | None:
    """Last month's users who called again this month ÷ last month's users."""
    if m.users is None or not m.previous_users:
        return None
    return m.shared_users / m.previous_users


def use_case_coverage(m: Measures, kpi: Kpi, c: ValueConfig) -> float | None:
    """Listed use cases with calls ÷ listed use cases; without a list, the share of calls
    tagged with a use case."""
    seen = {name for name, count in m.totals.use_cases.items() if count}
    if c.use_cases:
        return len(seen & set(c.use_cases)) / len(c.use_cases)
    tagged = sum(count for name, count in m.totals.use_cases.items() if name)
    return _ratio(tagged, m.totals.usage.calls)


def assessment(m: Measures, kpi: Kpi, c: ValueConfig) -> float | None:
    """The latest score entered for the month."""
    found = m.assessments.get(str(kpi.assessment))
    return None if found is None else float(found["score"])


KPI_KINDS: tuple[KpiKind, ...] = (
    KpiKind(llm_spend, CURRENCY, "financial", "lower",
            "Cost of the LLM calls: the sum of cost_usd, in the value currency.", volume=True),
    KpiKind(total_cost, CURRENCY, "financial", "lower",
            "LLM spend plus infrastructure, GPU hours, team and licences for the period.",
            volume=True),
    KpiKind(cost_per_call, CURRENCY, "efficiency", "lower",
            "Total cost ÷ calls."),
    KpiKind(cost_per_outcome, CURRENCY, "efficiency", "lower",
            "Total cost ÷ successful outcomes (the baseline's task outcomes)."),
    KpiKind(outcome_rate, "ratio", "efficiency", "higher",
            "Outcomes named `outcome` ÷ outcomes named `of` (or ÷ calls without `of`)."),
    KpiKind(hours_saved, "hours", "efficiency", "higher",
            "Σ task outcomes × the baseline minutes that task took before the model ÷ 60.",
            volume=True),
    KpiKind(value_created, CURRENCY, "financial", "higher",
            "Hours saved × loaded hourly cost + the value of revenue outcomes.", volume=True),
    KpiKind(roi, "ratio", "financial", "higher",
            "(Value created − total cost) ÷ total cost."),
    KpiKind(payback_months, "months", "financial", "lower",
            "Initial investment ÷ net value per month (value created − total cost)."),
    KpiKind(csat, "ratio", "user_experience", "higher",
            "Share of ratings that are 4 or 5."),
    KpiKind(thumbs_up_ratio, "ratio", "user_experience", "higher",
            "Share of thumbs feedback that is thumbs up."),
    KpiKind(accuracy, "ratio", "quality", "higher",
            "Share of graded samples answered correctly."),
    KpiKind(error_rate, "ratio", "quality", "lower",
            "Failed calls ÷ calls."),
    KpiKind(latency_p95_seconds, "seconds", "user_experience", "lower",
            "95th percentile of call duration, from the daily latency histograms."),
    KpiKind(slo_attainment, "ratio", "quality", "higher",
            "Share of days with calls whose p95 latency and error rate met the SLO."),
    KpiKind(risk_incidents, "count", "risk", "lower",
            "Feedback labelled with a risk label, plus outcomes named as risks.", volume=True),
    KpiKind(calls, "calls", "adoption", "higher",
            "LLM calls in the period.", volume=True),
    KpiKind(active_users, "users", "adoption", "higher",
            "Distinct users with at least one call (daily HLL sketches, about 1.6% error)."),
    KpiKind(calls_per_active_user, "calls", "adoption", "higher",
            "Calls ÷ active users."),
    KpiKind(user_retention, "ratio", "adoption", "higher",
            "Share of last month's active users who came back this month."),
    KpiKind(use_case_coverage, "ratio", "adoption", "higher",
            "Share of the listed use cases that saw calls; without a list, of calls tagged "
            "with a use case."),
    KpiKind(assessment, "score", "strategic", "higher",
            "The latest 0-100 score entered for the month through POST /api/v1/assessments."),
)


KIND_NAMED: dict[str, KpiKind] = {kind.name: kind for kind in KPI_KINDS}
VOLUME_KINDS = frozenset(kind.name for kind in KPI_KINDS if kind.volume)


def kpi_kind(name: str) -> KpiKind | None:
    """The built-in kind called `name`, or None."""
    return KIND_NAMED.get(name)
