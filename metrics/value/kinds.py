"""The built-in KPI kinds: what each measures, its unit, and where it counts by default.

A KPI in the value config names one of these as its `kind` (or is called by its name),
or is a formula over other KPIs. The evaluators compute each kind from the store.
"""

from dataclasses import dataclass
from typing import Literal

Direction = Literal["higher", "lower"]
CURRENCY = "currency"  # a unit replaced by the value config's currency code

DIMENSIONS = (
    "financial", "efficiency", "user_experience", "quality", "risk", "adoption", "strategic",
)


@dataclass(frozen=True)
class KpiKind:
    """A KPI the evaluators know how to compute."""

    name: str
    unit: str
    dimension: str
    direction: Direction
    definition: str


KPI_KINDS: tuple[KpiKind, ...] = (
    KpiKind("llm_spend", CURRENCY, "financial", "lower",
            "Cost of the LLM calls: the sum of cost_usd, in the value currency."),
    KpiKind("total_cost", CURRENCY, "financial", "lower",
            "LLM spend plus infrastructure, GPU hours, team and licences for the period."),
    KpiKind("cost_per_call", CURRENCY, "efficiency", "lower", "Total cost ÷ calls."),
    KpiKind("cost_per_outcome", CURRENCY, "efficiency", "lower",
            "Total cost ÷ successful outcomes (the baseline's task outcomes)."),
    KpiKind("outcome_rate", "ratio", "efficiency", "higher",
            "Outcomes named `outcome` ÷ outcomes named `of` (or ÷ calls without `of`)."),
    KpiKind("hours_saved", "hours", "efficiency", "higher",
            "Σ task outcomes × the baseline minutes that task took before the model ÷ 60."),
    KpiKind("value_created", CURRENCY, "financial", "higher",
            "Hours saved × loaded hourly cost + the value of revenue outcomes."),
    KpiKind("roi", "ratio", "financial", "higher", "(Value created − total cost) ÷ total cost."),
    KpiKind("payback_months", "months", "financial", "lower",
            "Initial investment ÷ net value per month (value created − total cost)."),
    KpiKind("csat", "ratio", "user_experience", "higher", "Share of ratings that are 4 or 5."),
    KpiKind("thumbs_up_ratio", "ratio", "user_experience", "higher",
            "Share of thumbs feedback that is thumbs up."),
    KpiKind("accuracy", "ratio", "quality", "higher",
            "Share of graded samples answered correctly."),
    KpiKind("error_rate", "ratio", "quality", "lower", "Failed calls ÷ calls."),
    KpiKind("latency_p95_seconds", "seconds", "user_experience", "lower",
            "95th percentile of call duration, from the daily latency histograms."),
    KpiKind("slo_attainment", "ratio", "quality", "higher",
            "Share of days with calls whose p95 latency and error rate met the SLO."),
    KpiKind("risk_incidents", "count", "risk", "lower",
            "Feedback labelled with a risk label, plus outcomes named as risks."),
    KpiKind("calls", "calls", "adoption", "higher", "LLM calls in the period."),
    KpiKind("active_users", "users", "adoption", "higher",
            "Distinct users with at least one call (daily HLL sketches, about 1.6% error)."),
    KpiKind("calls_per_active_user", "calls", "adoption", "higher", "Calls ÷ active users."),
    KpiKind("user_retention", "ratio", "adoption", "higher",
            "Share of last month's active users who came back this month."),
    KpiKind("use_case_coverage", "ratio", "adoption", "higher",
            "Share of the listed use cases that saw calls; without a list, of calls tagged "
            "with a use case."),
    KpiKind("assessment", "score", "strategic", "higher",
            "The latest 0-100 score entered for the month through POST /api/v1/assessments."),
)


def kpi_kind(name: str) -> KpiKind | None:
    """The built-in kind called `name`, or None."""
    return next((kind for kind in KPI_KINDS if kind.name == name), None)


# Kinds that add up over the days of a month: their targets are monthly totals, so the
# month to date is scored against the target × the elapsed share of the month.
VOLUME_KINDS = frozenset(
    {"llm_spend", "total_cost", "hours_saved", "value_created", "risk_incidents", "calls"}
)
