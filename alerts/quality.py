"""Alerts on what the model does for users: drift, accuracy, feedback and cost."""

from alerts.rules import RuleGroup, alert
from metrics.conventions import TICKET
from metrics.monitoring import MonitoringConfig
from metrics.queries import calls, quality

CALL = "{{ $labels.app }} / {{ $labels.gen_ai_response_model }}"
# Drift must hold for this many drift windows: one window is flagged by chance at the
# test's level, two in a row rarely are (about 1 in 400 for a 5% level).
DRIFT_PERSISTS_WINDOWS = 1.5
# A gap between segments must hold this long: several hourly windows of a day-long window.
SEGMENT_GAP_PERSISTS = "6h"


def quality_group(config: MonitoringConfig) -> RuleGroup:
    """Drift, accuracy under target, fewer thumbs up, a gap between segments, and a cost
    spike."""
    limits = config.thresholds
    target = f"{config.accuracy_target * 100:.10g}%"
    factor, floor = limits.cost_spike_factor, limits.cost_spike_min_usd_per_hour
    drift_for = _duration(DRIFT_PERSISTS_WINDOWS * dict(config.evaluator_intervals_s)["drift"])
    return RuleGroup("valuewatch-quality", (
        alert("DriftDetected", TICKET, quality.drift_detected(), for_=drift_for,
              summary=f"{{{{ $labels.signal }}}} of {CALL} drifted in consecutive windows.",
              description="The {{ $labels.method }} drift test found {{ $labels.signal }} "
              "different from its reference beyond the method's threshold, after the "
              f"correction for the signals tested together, for {drift_for}. The Quality "
              "and drift dashboard shows the measure against it."),
        alert("AccuracyBelowTarget", TICKET, quality.accuracy_below(config.accuracy_target),
              for_="10m",
              summary=f"{CALL} answers {{{{ $labels.task }}}} below the {target} accuracy target.",
              description="Even the upper bound of the 95% interval of the share of graded "
              "samples answered correctly (the judge's grades corrected by the humans' where "
              "both exist) is {{ $value | humanizePercentage }}, under the "
              f"{target} target (VALUEWATCH_ACCURACY_TARGET)."),
        alert("ThumbsUpDropped", TICKET, quality.thumbs_up_dropped(limits.thumbs_up_drop),
              for_="30m",
              summary=f"Users of {CALL} give fewer thumbs up than over the last 7 days.",
              description="The upper bound of the thumbs-up ratio's 95% interval is "
              "{{ $value | humanizePercentage }}, more than "
              f"{limits.thumbs_up_drop * 100:.10g}% below its 7-day mean."),
        alert("SegmentGap", TICKET, quality.segment_gap_significant(config.fairness_alpha),
              for_=SEGMENT_GAP_PERSISTS,
              summary=f"{{{{ $labels.metric }}}} of {CALL} differs across "
              "{{ $labels.segment }} segments.",
              description="The largest gap between {{ $labels.segment }} segments is "
              "{{ $value | humanize }}, at least its threshold, and the parity test's "
              f"Holm-corrected p-value is under {config.fairness_alpha:g}, for "
              f"{SEGMENT_GAP_PERSISTS}. The Quality and drift dashboard shows each segment."),
        alert("CostSpike", TICKET, calls.cost_spike(factor, floor), for_="30m",
              summary="{{ $labels.app }} spends {{ $value | humanize }} USD an hour, over "
              f"{factor:g} times the same hour last week.",
              description=f"Cost over the last hour is more than {factor:g} times the cost of "
              f"the same hour a week ago and above {floor:g} USD an hour."),
    ))


def _duration(seconds: float) -> str:
    """A Prometheus duration: whole minutes where it is one, else seconds."""
    whole = round(seconds)
    return f"{whole // 60}m" if whole % 60 == 0 else f"{whole}s"
