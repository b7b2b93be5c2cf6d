"""What a piece of feedback's value means: its range, thumbs as clients spell them, and
sentiment, in Python for the collector's counter and in SQL for the evaluators' sums.

Both sentiment forms are built from the thresholds below, so the counter
valuewatch_feedback_total and the stored positives and negatives cannot drift apart.
"""

from typing import Any

from sqlalchemy import ColumnElement, case

from metrics.store.tables import Feedback, FeedbackKind

RATING_RANGE = (1.0, 5.0)
SCORE_RANGE = (0.0, 1.0)
# A rating of 4 or more is positive, 2 or less negative, 3 neutral.
RATING_POSITIVE_FROM = 4.0
RATING_NEGATIVE_UP_TO = 2.0
# Thumbs and scores are positive from 0.5 and negative below it.
SCORE_POSITIVE_FROM = 0.5

# Thumbs feedback as clients spell it, and the number stored for it (up is 1, down 0).
THUMBS = {"up": 1.0, "down": 0.0, "true": 1.0, "false": 0.0, "1": 1.0, "0": 0.0}
THUMBS_FORMS = 'true/false, 1/0, "1"/"0", "true"/"false" or "up"/"down"'

POSITIVE, NEGATIVE, NEUTRAL, NONE = "positive", "negative", "neutral", "none"


def value_range(kind: FeedbackKind) -> tuple[float, float]:
    """The values a rating or score may take (thumbs are 0 or 1, within the score range)."""
    return RATING_RANGE if kind == FeedbackKind.rating else SCORE_RANGE


def thumbs_number(value: object) -> float | None:
    """1.0 for thumbs up, 0.0 for down, None for anything else.

    JSON clients send booleans, numbers (1, 0, 1.0, 0.0) or strings; the body model
    has already turned the numbers into floats, which must be whole 0 or 1.
    """
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return float(value) if value in (0, 1) else None
    if isinstance(value, str):
        return THUMBS.get(value.strip().lower())
    return None


def sentiment(kind: FeedbackKind, value: float | None) -> str:
    """positive, negative or neutral for scored feedback; none for labels and comments."""
    if value is None:
        return NONE
    if kind == FeedbackKind.rating:
        if value >= RATING_POSITIVE_FROM:
            return POSITIVE
        return NEGATIVE if value <= RATING_NEGATIVE_UP_TO else NEUTRAL
    return POSITIVE if value >= SCORE_POSITIVE_FROM else NEGATIVE


def sentiment_sql(kind: ColumnElement[Any], value: ColumnElement[Any]) -> ColumnElement[str]:
    """`sentiment` as a SQL expression over a kind and a value column."""
    return case(
        (value.is_(None), NONE),
        (kind == FeedbackKind.rating, case(
            (value >= RATING_POSITIVE_FROM, POSITIVE),
            (value <= RATING_NEGATIVE_UP_TO, NEGATIVE),
            else_=NEUTRAL,
        )),
        (value >= SCORE_POSITIVE_FROM, POSITIVE),
        else_=NEGATIVE,
    )


def counts_as(
    wanted: str, kind: ColumnElement[Any], value: ColumnElement[Any]
) -> ColumnElement[int]:
    """1 where the feedback's sentiment is `wanted`, else 0: a term to sum."""
    return case((sentiment_sql(kind, value) == wanted, 1), else_=0)


_feedback = Feedback.__table__.c  # type: ignore[attr-defined]
# Terms to sum over the feedback table: how many are positive, how many negative.
FEEDBACK_POSITIVE = counts_as(POSITIVE, _feedback.kind, _feedback.value)
FEEDBACK_NEGATIVE = counts_as(NEGATIVE, _feedback.kind, _feedback.value)
