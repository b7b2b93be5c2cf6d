"""User feedback per app × model: thumbs-up ratio, mean rating, CSAT, mean score, counts."""

from typing import Any

from sqlalchemy import Connection, func, select

from evaluators.quality.estimates import Estimate, mean_from_sums, share
from evaluators.results import replace_results, result_row
from evaluators.signals import FEEDBACK
from evaluators.windows import Window
from metrics.feedback_rules import (
    FEEDBACK_NEGATIVE,
    FEEDBACK_POSITIVE,
    RATING_RANGE,
    SCORE_RANGE,
)
from metrics.store.tables import Feedback, FeedbackKind

EVALUATOR = "feedback"
_kind = Feedback.__table__.c.kind  # type: ignore[attr-defined]
_value = Feedback.__table__.c.value  # type: ignore[attr-defined]


def feedback_totals(window: Window) -> Any:
    """Per app, model and kind: count, values, their sum and sum of squares, positives,
    negatives. App and model come from the call when the feedback lacks them."""
    return (
        select(
            FEEDBACK.app, FEEDBACK.model, _kind,
            func.count(), func.count(_value),
            func.coalesce(func.sum(_value), 0.0),
            func.coalesce(func.sum(_value * _value), 0.0),
            func.coalesce(func.sum(FEEDBACK_POSITIVE), 0),
            func.coalesce(func.sum(FEEDBACK_NEGATIVE), 0),
        )
        .select_from(FEEDBACK.rows)
        .where(FEEDBACK.in_window(window))
        .group_by(FEEDBACK.app, FEEDBACK.model, _kind)
    )


def evaluate_feedback(connection: Connection, window: Window) -> int:
    """Store the feedback statistics of `window`; `count` rows for every kind."""
    rows = []
    for app, model, kind, count, valued, total, squares, positive, _ in connection.execute(
        feedback_totals(window)
    ):
        kind = FeedbackKind(kind)
        subject = {"app": app, "model": model, "subject": kind.value}
        estimates: dict[str, Estimate] = {}
        if valued and kind == FeedbackKind.thumbs:
            estimates["thumbs_up_ratio"] = share(positive, valued)
        if valued and kind == FeedbackKind.rating:
            estimates["rating_mean"] = mean_from_sums(valued, total, squares, RATING_RANGE)
            estimates["csat_ratio"] = share(positive, valued)
        if valued and kind == FeedbackKind.score:
            estimates["score_mean"] = mean_from_sums(valued, total, squares, SCORE_RANGE)
        rows.append(result_row(
            EVALUATOR, window, **subject, statistic="count", value=count, sample_count=count
        ))
        rows.extend(
            result_row(
                EVALUATOR, window, **subject, statistic=statistic, value=estimate.value,
                lower=estimate.lower, upper=estimate.upper, sample_count=estimate.count,
            )
            for statistic, estimate in estimates.items()
        )
    return replace_results(connection, EVALUATOR, window, rows)
