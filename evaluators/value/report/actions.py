"""Recommended actions, each raised by a simple rule stated beside it."""

from collections.abc import Callable

from evaluators.value.report.document import Action, Report
from evaluators.value.report.numbers import formatted
from metrics.value.config import ValueConfig

MAX_ACTIONS = 12
FAR_BELOW_SCORE = 50.0
Rule = Callable[[Report, ValueConfig], list[Action]]


def negative_roi(report: Report, config: ValueConfig) -> list[Action]:
    """ROI below zero: the model costs more than it brings."""
    roi = report.summary.roi
    if roi is None or roi >= 0:
        return []
    spend = next((b for b in report.breakdowns if b.measure == "llm_spend" and b.by == "model"),
                 None)
    where = f" (LLM spend moved most on {spend.items[0].name})" if spend else ""
    waterfall = report.waterfall
    evidence = "" if waterfall is None else "waterfall: value created " + formatted(
        waterfall.value_created, report.currency.lower()) + ", " + ", ".join(
        f"{step.label} {formatted(-step.amount, report.currency.lower())} ({step.source})"
        for step in waterfall.steps) + f", net {formatted(waterfall.net, report.currency.lower())}"
    return [Action(rule="ROI is below 0", evidence=evidence, action=(
        f"Value created does not cover cost (ROI {formatted(roi, 'ratio')}): move calls to a "
        f"cheaper model{where} or concentrate on the use cases that create value."))]


def far_below_target(report: Report, config: ValueConfig) -> list[Action]:
    """A KPI scoring under 50: it misses its target by more than half the tolerance."""
    causes = {item.kpi: item for item in report.causes}
    return [
        Action(rule=f"{item.kpi} scores under {FAR_BELOW_SCORE:.0f}",
               action=f"Make a plan for {item.kpi}: {item.reason}",
               evidence="; ".join(causes[item.kpi].lines[:2]) if item.kpi in causes else
               f"scorecard: {item.kpi} scores {formatted(item.score, 'score')}")
        for item in report.under_expectation if (item.score or 0.0) < FAR_BELOW_SCORE
    ]


def drifted(report: Report, config: ValueConfig) -> list[Action]:
    """Drift detected in at least one window of the month."""
    return [
        Action(rule=f"drift detected in {line.signal}", evidence=(
            f"evaluation_result: drift {line.method} on {line.signal} of {line.app}/"
            f"{line.model}, largest score {line.max_score:.3g}"), action=(
            f"Review the drift of {line.signal} for {line.app}/{line.model} ({line.detected} of "
            f"{line.windows} windows): compare inputs and prompts with the reference period."))
        for line in report.drift if line.detected
    ]


def accuracy_below_target(report: Report, config: ValueConfig) -> list[Action]:
    """The accuracy evaluator found a task below target with 95% confidence."""
    return [
        Action(rule=f"accuracy of {line.task} below target", evidence=(
            f"accuracy evaluator: {line.windows_below_target} window(s) below target; "
            f"{formatted(line.ratio, 'ratio')} of {line.graded} graded samples correct"), action=(
            f"Accuracy of {line.task} in {line.app}/{line.model} was below target in "
            f"{line.windows_below_target} windows: review the failed samples, then the prompt "
            "or the model."))
        for line in report.accuracy if line.windows_below_target
    ]


def error_spiked(report: Report, config: ValueConfig) -> list[Action]:
    """A day whose error rate spiked in an app."""
    return [
        Action(rule=f"error spike in {spike.app}", evidence=(
            f"daily_usage: {spike.day} error rate {formatted(spike.error_rate, 'ratio')} against "
            f"{formatted(spike.month_error_rate, 'ratio')} for the month"), action=(
            f"Find the cause of the errors in {spike.app} on {spike.day} "
            f"({formatted(spike.error_rate, 'ratio')} of {spike.calls} calls)."))
        for spike in report.error_spikes
    ]


def critical_alerts(report: Report, config: ValueConfig) -> list[Action]:
    """A critical alert fired."""
    return [
        Action(rule=f"critical alert {alert.alertname}",
               evidence=f"incident from Alertmanager: {alert.summary} ({alert.status})",
               action=f"Write a post-incident review of {alert.alertname} "
                      f"({alert.starts_at:%Y-%m-%d %H:%M} UTC).")
        for alert in report.alerts if alert.severity == "critical"
    ]


def emerging(report: Report, config: ValueConfig) -> list[Action]:
    """A use case new this month or growing fast."""
    return [
        Action(rule=f"{item.status} use case {item.use_case}", evidence=(
            f"daily_usage: {item.calls} calls this month, {item.previous_calls} last month"),
            action=(
            f"Give the use case {item.use_case} ({item.calls} calls) a KPI and a baseline, "
            "so that its value is counted."))
        for item in report.emerging_use_cases
    ]


def missing_assessments(report: Report, config: ValueConfig) -> list[Action]:
    """The config scores an assessment that nobody entered for the month."""
    entered = {item.name for item in report.assessments}
    wanted = sorted({str(kpi.assessment) for kpi in config.kpis if kpi.assessment} - entered)
    return [
        Action(rule=f"no {name} assessment", evidence=(
            f"value config scores {name}; no assessment entered for {report.month}"), action=(
            f"Enter the {name.replace('_', ' ')} assessment for {report.month} "
            "(/ui/assessments or POST /api/v1/assessments, an assessor key)."))
        for name in wanted
    ]


RULES: tuple[Rule, ...] = (
    negative_roi, far_below_target, critical_alerts, error_spiked, accuracy_below_target,
    drifted, emerging, missing_assessments,
)


def recommended_actions(report: Report, config: ValueConfig) -> list[Action]:
    """The actions every rule raises, in the order of `RULES`, at most MAX_ACTIONS."""
    found = [action for rule in RULES for action in rule(report, config)]
    return found[:MAX_ACTIONS]
