"""Recording rules for the SLOs: per SLI, its bad and total events per second over the
shortest window, then an error ratio per alert window and over the period as a ratio of
their sums (not Sloth's mean of 5-minute ratios, which one idle window turns to NaN), chained
on the recorded rates so the 30-day ratio never rereads raw series; then the objective,
budget and burn rates that dashboards read (Sloth's names)."""

from dataclasses import dataclass

from alerts.rules import RecordingRule, RuleGroup
from metrics.conventions import (
    SLO_BUDGET_REMAINING,
    SLO_CURRENT_BURN_RATE,
    SLO_ERROR_BUDGET,
    SLO_LABEL,
    SLO_OBJECTIVE,
    SLO_PERIOD_BURN_RATE,
    SLO_PERIOD_DAYS,
    sli_error_events,
    sli_error_ratio,
    sli_total_events,
)
from metrics.queries import calls, error_budget, quality_sli
from metrics.slo import SHORTEST_WINDOW, SLO, sli_windows


@dataclass(frozen=True)
class SLIEvents:
    """An SLI as two per-second rates over the shortest window: bad events and all events."""

    errors: str
    total: str


def sli_events(slo: SLO) -> SLIEvents:
    """The events an SLO counts, per app: failed calls of all, (latency) slow of successful,
    graded calls judged wrong of those judged, or negative feedback of positive and negative."""
    if slo.kind == "accuracy":
        return SLIEvents(quality_sli.judged_wrong_rate(window=SHORTEST_WINDOW),
                         quality_sli.judged_rate(window=SHORTEST_WINDOW))
    if slo.kind == "positive_feedback":
        return SLIEvents(quality_sli.negative_feedback_rate(window=SHORTEST_WINDOW),
                         quality_sli.opinionated_feedback_rate(window=SHORTEST_WINDOW))
    if slo.latency_threshold_s is not None:
        return SLIEvents(calls.slow_rate(slo.latency_threshold_s, window=SHORTEST_WINDOW),
                         calls.succeeded_rate(window=SHORTEST_WINDOW))
    return SLIEvents(calls.failed_rate(window=SHORTEST_WINDOW),
                     calls.call_rate(window=SHORTEST_WINDOW, by="app"))


def sli_rules(name: str, events: SLIEvents, period_days: int) -> tuple[RecordingRule, ...]:
    """The SLI `name`'s event rates, then its error ratio over each alert window and over
    the whole period, each a ratio of sums of those rates."""
    labels = {SLO_LABEL: name}
    rates = (
        RecordingRule(sli_error_events(SHORTEST_WINDOW), events.errors, labels),
        RecordingRule(sli_total_events(SHORTEST_WINDOW), events.total, labels),
    )
    ratios = tuple(
        RecordingRule(sli_error_ratio(window), error_budget.ratio_of_sums(name, window), labels)
        for window in (*sli_windows(), f"{period_days}d")
    )
    return (*rates, *ratios)


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
        RuleGroup("valuewatch-slo-sli", tuple(
            r for s in slos for r in sli_rules(s.kind, sli_events(s), period_days))),
        RuleGroup("valuewatch-slo-meta",
                  tuple(r for s in slos for r in metadata_rules(s, period_days))),
    )
