"""Quality and drift: accuracy and user feedback with their 95% intervals, and drift per
signal against the threshold each method holds it to."""

from collections.abc import Callable

from grafanalib.core import Dashboard, Panel

from dashboards.panels import Query, Section, generated_dashboard, stat, timeseries, value_text
from dashboards.variables import app_and_model, label_variable
from metrics.monitoring import MonitoringConfig
from metrics.queries import error_budget, quality
from metrics.queries.promql import APP_SELECTED, CALLS_SELECTED, RATE_INTERVAL, label_values
from metrics.slo import QUALITY_KINDS

CALL = "{{app}} / {{gen_ai_response_model}}"
TASK = f"{CALL} {{{{task}}}}"
SIGNAL = 'signal=~"$signal"'
NOT_EVALUATED = "no result yet: the evaluator has no closed window with samples"
Estimate = Callable[..., str]  # (bound, *matchers) -> query


def interval_queries(estimate: Estimate, legend: str) -> list[Query]:
    """An estimate, then the lower and upper bounds of its 95% interval."""
    return [
        Query(estimate(bound, CALLS_SELECTED), f"{legend} {bound.strip('_')}".rstrip())
        for bound in quality.BOUNDS
    ]


def estimate_panel(title: str, queries: list[Query], description: str,
                   target: float | None = None) -> Panel:
    """A ratio with its interval dashed around it, and its target as a line."""
    thresholds = (("red", None), ("green", target)) if target is not None else ()
    return timeseries(title, "percentunit", queries, description=description,
                      thresholds=thresholds, dashed=(1, 2), no_value=NOT_EVALUATED)


def accuracy(config: MonitoringConfig) -> Section:
    """Graded samples: share correct and mean score, with intervals."""
    return Section("Accuracy (graded samples)", [
        (estimate_panel("Share answered correctly, with 95% interval",
                        interval_queries(quality.accuracy_best, TASK),
                        "Latest window of graded samples, per task (Wilson interval). Where "
                        "a task has calls graded by both a human and the LLM judge, the "
                        "judge's share corrected by the humans' (prediction-powered), whose "
                        "interval is narrower. The accuracy alert fires when even the upper "
                        "bound is under the line.",
                        config.accuracy_target), 9),
        (estimate_panel("Mean grader score, with 95% interval",
                        interval_queries(quality.accuracy_score, TASK),
                        "Mean of graders' 0-1 scores in the latest window (t interval)."), 9),
        (timeseries("Graded samples per second", "suffix: samples/s",
                    [Query(quality.graded_samples_rate(CALLS_SELECTED, window=RATE_INTERVAL),
                           "correct={{correct}}")],
                    description="Graded samples received, right and wrong."), 6),
    ])


def feedback(config: MonitoringConfig) -> Section:
    """Thumbs up, CSAT and how much feedback arrives."""
    drop = config.thresholds.thumbs_up_drop
    return Section("User feedback", [
        (estimate_panel("Thumbs-up ratio, with 95% interval and 7-day mean", [
            *interval_queries(quality.thumbs_up, CALL),
            Query(quality.thumbs_up_week(CALLS_SELECTED), f"{CALL} 7-day mean"),
        ], f"Latest window against the 7-day mean; the alert fires when the upper bound is "
           f"{drop * 100:g}% under the mean."), 12),
        (estimate_panel("CSAT (ratings of 4 or 5), with 95% interval",
                        interval_queries(quality.csat, CALL),
                        "Share of 1-5 ratings that are 4 or 5 in the latest window."), 12),
        (timeseries("Mean rating, with 95% interval", "suffix: / 5",
                    interval_queries(quality.rating_mean, CALL),
                    description="Mean of 1-5 ratings in the latest window (t interval).",
                    dashed=(1, 2), no_value=NOT_EVALUATED), 12),
        (timeseries("Feedback per second", "suffix: events/s",
                    [Query(quality.feedback_rate(APP_SELECTED, window=RATE_INTERVAL),
                           "{{kind}} {{sentiment}}")],
                    description="Feedback received by kind and sentiment, under the app "
                    "the client named with it."), 12),
    ])


def quality_slos(config: MonitoringConfig) -> Section:
    """The error budget left of each quality SLO, per app."""
    slos = [config.slo(kind) for kind in QUALITY_KINDS]
    return Section("Quality SLOs (raw grades and feedback)", [
        (stat("Quality error budget remaining", "percentunit",
              [Query(error_budget.budget_left(APP_SELECTED, error_budget.slo_among(QUALITY_KINDS)),
                     "{{app}} {{slo}}")],
              description=f"Share of each quality SLO's {config.period_days}-day error budget "
              "not yet spent, from the collector's counts of graded calls and feedback (not "
              "the evaluators' estimates). Objectives: "
              + "; ".join(slo.describe() for slo in slos) + ".",
              thresholds=(("red", None), ("orange", 0.0), ("green", 0.25)),
              no_value="no graded calls or feedback in the SLO period"), 24),
    ])


def drift() -> Section:
    """Per signal: the measure against its threshold, and whether it drifted."""
    selected = (CALLS_SELECTED, SIGNAL)
    return Section("Drift (latest window against its reference)", [
        (stat("Drifted in the latest window", "bool_yes_no",
              [Query(quality.drift_by_signal(CALLS_SELECTED), "{{signal}}")],
              description="Per signal, whether any selected app and model drifted.",
              thresholds=(("green", None), ("red", 1.0)),
              mappings=(value_text(0, "stable", "green"), value_text(1, "drift", "red")),
              no_value=NOT_EVALUATED), 24),
        (timeseries("Drift of $signal against its threshold", "short", [
            Query(quality.drift_measure(*selected), f"{CALL} {{{{method}}}}"),
            Query(quality.drift_threshold(*selected), f"{CALL} {{{{method}}}} threshold"),
        ], description="p-value for the hypothesis tests (ks, chi_squared, z_test: drift when "
           "below the dashed threshold); distance for the others (drift when above).",
            dashed=(1,), no_value=NOT_EVALUATED, repeat="signal"), 8),
    ])


def fairness(config: MonitoringConfig) -> Section:
    """Per segment key and metric: the largest gap between segments, whether it is
    significant, and each segment's value."""
    gap = f"{CALL} {{{{segment}}}} {{{{metric}}}}"
    alpha = config.fairness_alpha
    return Section("Fairness across segments", [
        (timeseries("Largest gap between segments, with 95% interval", "short",
                    interval_queries(quality.segment_gap, gap),
                    description="Highest minus lowest segment of each call attribute "
                    "(VALUEWATCH_SEGMENTS): a share for accuracy and positive_feedback, "
                    "seconds for latency_s.", dashed=(1, 2), no_value=NOT_EVALUATED), 8),
        (timeseries("Corrected p-value of the parity test", "short",
                    [Query(quality.segment_gap_p_value(CALLS_SELECTED), gap)],
                    description="Chi-squared (shares) or Kruskal-Wallis (latency), Holm-"
                    f"corrected; the alert needs it under {alpha:g} and the gap at least "
                    "its threshold.", thresholds=(("red", None), ("green", alpha)),
                    no_value=NOT_EVALUATED), 8),
        (timeseries("Value per segment", "short",
                    [Query(quality.segment_values(CALLS_SELECTED), f"{gap} {{{{segment_value}}}}")],
                    description="Each segment's accuracy, positive feedback share or mean "
                    "latency; rare values are folded into other.", no_value=NOT_EVALUATED), 8),
    ])


def quality_dashboard(config: MonitoringConfig) -> Dashboard:
    """The quality and drift dashboard."""
    signal = label_variable("signal", "Drift signal", label_values(
        quality.DRIFT_SCORE, "signal", CALLS_SELECTED))
    return generated_dashboard(
        "Quality and drift", "quality-drift",
        "Are answers still right, and do users still like them?",
        [*app_and_model(), signal], accuracy(config), feedback(config), drift(),
        fairness(config),
        quality_slos(config),
    )
