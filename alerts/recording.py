"""Recording rules for the SLOs, as Sloth writes them: an error ratio per alert window and
over the period, then the objective, budget and burn rates that dashboards read."""

from alerts.rules import RecordingRule, RuleGroup
from metrics.conventions import (
    SLO_BUDGET_REMAINING,
    SLO_CURRENT_BURN_RATE,
    SLO_ERROR_BUDGET,
    SLO_LABEL,
    SLO_OBJECTIVE,
    SLO_PERIOD_BURN_RATE,
    SLO_PERIOD_DAYS,
    sli_error_ratio,
)
from metrics.queries import calls, error_budget
from metrics.slo import SHORTEST_WINDOW, SLO, sli_windows


def error_ratio_query(slo: SLO, window: str) -> str:
    """The share of bad calls per app over `window`: failed, or (latency) too slow."""
    if slo.latency_threshold_s is not None:
        return calls.slow_ratio(slo.latency_threshold_s, window=window)
    return calls.error_ratio(window=window, by="app")


def sli_rules(slo: SLO, period_days: int) -> tuple[RecordingRule, ...]:
    """The SLO's error ratio over each alert window, then over the whole period."""
    labels = {SLO_LABEL: slo.kind}
    windows = tuple(
        RecordingRule(sli_error_ratio(window), error_ratio_query(slo, window), labels)
        for window in sli_windows()
    )
    period = f"{period_days}d"
    over_period = RecordingRule(
        sli_error_ratio(period), error_budget.sli_over_period(slo.kind, period), labels
    )
    return (*windows, over_period)


def metadata_rules(slo: SLO, period_days: int) -> tuple[RecordingRule, ...]:
    """Objective, budget, period and burn rates: what the SLO panels and humans read."""
    labels = {SLO_LABEL: slo.kind}
    return (
        RecordingRule(SLO_OBJECTIVE, error_budget.constant(slo.objective), labels),
        RecordingRule(SLO_ERROR_BUDGET, error_budget.constant(slo.error_budget), labels),
        RecordingRule(SLO_PERIOD_DAYS, error_budget.constant(period_days), labels),
        RecordingRule(SLO_CURRENT_BURN_RATE, error_budget.burn_rate(
            sli_error_ratio(SHORTEST_WINDOW), SLO_ERROR_BUDGET, slo.kind), labels),
        RecordingRule(SLO_PERIOD_BURN_RATE, error_budget.burn_rate(
            sli_error_ratio(f"{period_days}d"), SLO_ERROR_BUDGET, slo.kind), labels),
        RecordingRule(SLO_BUDGET_REMAINING, error_budget.budget_remaining(
            SLO_PERIOD_BURN_RATE, slo.kind), labels),
    )


def recording_groups(slos: tuple[SLO, ...], period_days: int) -> tuple[RuleGroup, ...]:
    """The SLIs first, then the metadata computed from them."""
    return (
        RuleGroup("valuewatch-slo-sli", tuple(r for s in slos for r in sli_rules(s, period_days))),
        RuleGroup("valuewatch-slo-meta",
                  tuple(r for s in slos for r in metadata_rules(s, period_days))),
    )
