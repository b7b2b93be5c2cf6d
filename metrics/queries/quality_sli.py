"""The events the quality SLOs count, from the collector's counters: graded calls judged
wrong of those graded right or wrong, and negative feedback of positive and negative.

Samples graded with a score only (`correct="unknown"`) and feedback without a sentiment or
with a neutral one (a rating of 3) are left out of both sides: they say neither.
"""

from metrics.catalog import spec
from metrics.queries.promql import sum_rate

GRADED = spec("valuewatch_accuracy_samples_total").name
FEEDBACK = spec("valuewatch_feedback_total").name
JUDGED_WRONG = 'correct="false"'
JUDGED = 'correct=~"true|false"'
NEGATIVE = 'sentiment="negative"'
OPINIONATED = 'sentiment=~"positive|negative"'


def _bad_or_zero(metric: str, bad: str, total: str, window: str) -> str:
    """Bad events per second per app; 0, not nothing, where events came but none was bad."""
    some = sum_rate("app", metric, bad, window=window)
    return f"{some}\nor\n0 * {sum_rate('app', metric, total, window=window)}"


def judged_wrong_rate(*, window: str) -> str:
    """Graded calls judged wrong per second, per app."""
    return _bad_or_zero(GRADED, JUDGED_WRONG, JUDGED, window)


def judged_rate(*, window: str) -> str:
    """Graded calls judged right or wrong per second, per app."""
    return sum_rate("app", GRADED, JUDGED, window=window)


def negative_feedback_rate(*, window: str) -> str:
    """Negative feedback per second, per app."""
    return _bad_or_zero(FEEDBACK, NEGATIVE, OPINIONATED, window)


def opinionated_feedback_rate(*, window: str) -> str:
    """Positive and negative feedback per second, per app."""
    return sum_rate("app", FEEDBACK, OPINIONATED, window=window)
