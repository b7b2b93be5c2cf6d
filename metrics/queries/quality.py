"""Queries on answer quality: accuracy, user feedback and drift."""

from metrics.catalog import spec
from metrics.queries.promql import BY_CALL, gauge, mean_over, sum_rate

ACCURACY_BY = "app, gen_ai_response_model, task"
DRIFT_BY = "app, gen_ai_response_model, signal, method"
DRIFT_PER_SIGNAL_BY = "app, gen_ai_response_model, method"
ACCURACY = spec("valuewatch_accuracy_ratio").name
ACCURACY_CORRECTED = spec("valuewatch_accuracy_corrected_ratio").name
ACCURACY_SCORE = spec("valuewatch_accuracy_score").name
THUMBS_UP = spec("valuewatch_feedback_thumbs_up_ratio").name
CSAT = spec("valuewatch_feedback_csat_ratio").name
DRIFT_SCORE = spec("valuewatch_drift_score").name
DRIFT_P_VALUE = spec("valuewatch_drift_p_value").name
DRIFT_THRESHOLD = spec("valuewatch_drift_threshold").name
DRIFT_DETECTED = spec("valuewatch_drift_detected").name
BOUNDS = ("", "_lower", "_upper")  # an estimate, then its 95% interval


def estimate(metric: str, bound: str, *matchers: str, by: str) -> str:
    """An evaluator's estimate (`bound` "") or a bound of its interval (`_lower`, `_upper`)."""
    return gauge(spec(f"{metric}{bound}").name, *matchers, by=by)


def accuracy(bound: str, *matchers: str) -> str:
    """Share of graded samples answered correctly in the latest window, or a bound."""
    return estimate(ACCURACY, bound, *matchers, by=ACCURACY_BY)


def accuracy_best(bound: str, *matchers: str) -> str:
    """The share correct, judge grades corrected by human ones where a task has both,
    else the plain share of graded samples; or a bound of its interval."""
    corrected = estimate(ACCURACY_CORRECTED, bound, *matchers, by=ACCURACY_BY)
    return f"{corrected}\nor\n{accuracy(bound, *matchers)}"


def accuracy_score(bound: str, *matchers: str) -> str:
    """Mean grader score in the latest window, or a bound."""
    return estimate(ACCURACY_SCORE, bound, *matchers, by=ACCURACY_BY)


def graded_samples_rate(*matchers: str, window: str) -> str:
    """Graded samples received per second, right and wrong."""
    return sum_rate("correct", spec("valuewatch_accuracy_samples_total").name, *matchers,
                    window=window)


def thumbs_up(bound: str, *matchers: str) -> str:
    """Share of thumbs feedback that is thumbs up in the latest window, or a bound."""
    return estimate(THUMBS_UP, bound, *matchers, by=BY_CALL)


def thumbs_up_week(*matchers: str) -> str:
    """The thumbs-up ratio's mean over the last 7 days."""
    return mean_over(THUMBS_UP, *matchers, by=BY_CALL, window="7d")


def csat(bound: str, *matchers: str) -> str:
    """Share of ratings that are 4 or 5 in the latest window, or a bound."""
    return estimate(CSAT, bound, *matchers, by=BY_CALL)


def rating_mean(bound: str, *matchers: str) -> str:
    """Mean 1-5 rating in the latest window, or a bound."""
    return estimate(spec("valuewatch_feedback_rating_mean").name, bound, *matchers, by=BY_CALL)


def feedback_rate(*matchers: str, window: str) -> str:
    """Feedback received per second by kind and sentiment."""
    return sum_rate("kind, sentiment", spec("valuewatch_feedback_total").name, *matchers,
                    window=window)


def drift_measure(*matchers: str) -> str:
    """What each drift method holds to its threshold: the p-value for the hypothesis tests
    (drift when below), the score, a distance, for the others (drift when above)."""
    by = DRIFT_PER_SIGNAL_BY
    return f"{gauge(DRIFT_P_VALUE, *matchers, by=by)}\nor\n{gauge(DRIFT_SCORE, *matchers, by=by)}"


def drift_threshold(*matchers: str) -> str:
    """The threshold each drift method holds its measure to."""
    return gauge(DRIFT_THRESHOLD, *matchers, by=DRIFT_PER_SIGNAL_BY)


def drift_by_signal(*matchers: str) -> str:
    """1 for each signal that drifted in the latest window for any selected call, else 0."""
    return gauge(DRIFT_DETECTED, *matchers, by="signal")


def drift_detected() -> str:
    """Alert: each app, model and signal whose latest window crossed its threshold."""
    return f"{gauge(DRIFT_DETECTED, by=DRIFT_BY)} == 1"


def accuracy_below(target: float) -> str:
    """Alert: the upper 95% bound of the share answered correctly, where under `target`;
    the judge-corrected share's where there is one."""
    return f"(\n{accuracy_best('_upper')}\n) < {target:g}"


def thumbs_up_dropped(drop: float) -> str:
    """Alert: the thumbs-up ratio's upper bound, where `drop` (relative) under its 7-day mean."""
    return f"{thumbs_up('_upper')}\n< {1 - drop:g} *\n{thumbs_up_week()}"


SEGMENT_BY = "app, gen_ai_response_model, segment, metric"
SEGMENT_GAP = spec("valuewatch_segment_gap").name
SEGMENT_GAP_P_VALUE = spec("valuewatch_segment_gap_p_value").name
SEGMENT_GAP_THRESHOLD = spec("valuewatch_segment_gap_threshold").name


def segment_gap(bound: str, *matchers: str) -> str:
    """The largest gap between segments in the latest window, or a bound of its interval."""
    return estimate(SEGMENT_GAP, bound, *matchers, by=SEGMENT_BY)


def segment_gap_p_value(*matchers: str) -> str:
    """The corrected p-value of the test that every segment is alike."""
    return gauge(SEGMENT_GAP_P_VALUE, *matchers, by=SEGMENT_BY)


def segment_values(*matchers: str) -> str:
    """Each segment's value of each metric in the latest window."""
    return gauge(spec("valuewatch_segment_value").name, *matchers,
                 by=f"{SEGMENT_BY}, segment_value")


def segment_gap_significant(alpha: float) -> str:
    """Alert: each gap whose corrected p-value is under `alpha` and that is at least its
    threshold."""
    return (f"{segment_gap('')}\n>= {gauge(SEGMENT_GAP_THRESHOLD, by=SEGMENT_BY)}\n"
            f"and {segment_gap_p_value()} < {alpha:g}")
