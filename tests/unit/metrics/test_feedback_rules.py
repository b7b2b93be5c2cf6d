"""The sentiment rule in Python (the collector's counter) and in SQL (the evaluators'
sums) gives the same answer for every kind and value, on SQLite and PostgreSQL."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, insert, select

from metrics.feedback_rules import (
    FEEDBACK_NEGATIVE,
    FEEDBACK_POSITIVE,
    sentiment,
    sentiment_sql,
    thumbs_number,
)
from metrics.store.database import Store
from metrics.store.tables import Feedback, FeedbackKind

FEEDBACK = Feedback.__table__  # type: ignore[attr-defined]
VALUES = [None, 0.0, 0.25, 0.49, 0.5, 0.51, 1.0, 1.5, 1.99, 2.0, 2.01, 2.5, 3.0, 3.5,
          3.99, 4.0, 4.5, 5.0]
GRID = [(kind, value) for kind in FeedbackKind for value in VALUES]


@pytest.mark.parametrize(("kind", "value", "expected"), [
    (FeedbackKind.rating, 5.0, "positive"),
    (FeedbackKind.rating, 4.0, "positive"),
    (FeedbackKind.rating, 3.0, "neutral"),
    (FeedbackKind.rating, 2.0, "negative"),
    (FeedbackKind.rating, 1.0, "negative"),
    (FeedbackKind.thumbs, 1.0, "positive"),
    (FeedbackKind.thumbs, 0.0, "negative"),
    (FeedbackKind.score, 0.5, "positive"),
    (FeedbackKind.score, 0.49, "negative"),
    (FeedbackKind.label, None, "none"),
    (FeedbackKind.comment, None, "none"),
])
def test_ratings_split_at_four_and_two_and_thumbs_and_scores_at_a_half(
    kind: FeedbackKind, value: float | None, expected: str
) -> None:
    assert sentiment(kind, value) == expected


def test_thumbs_are_read_from_every_form_clients_send() -> None:
    ups = [True, 1, 1.0, "1", "true", "up", " Up "]
    downs = [False, 0, 0.0, "0", "false", "down", "DOWN"]
    assert [thumbs_number(value) for value in ups] == [1.0] * len(ups)
    assert [thumbs_number(value) for value in downs] == [0.0] * len(downs)
    assert [thumbs_number(value) for value in (0.5, 2, "yes", None, [])] == [None] * 5


def test_the_sql_sentiment_agrees_with_the_python_one_on_every_kind_and_value(
    store: Store,
) -> None:
    rows = [
        {"id": f"f{i}", "inference_id": f"c{i}", "app": "support", "kind": kind,
         "value": value, "timestamp": datetime(2026, 3, 2, 10, tzinfo=UTC)}
        for i, (kind, value) in enumerate(GRID)
    ]
    f = FEEDBACK.c
    with store.engine.begin() as connection:
        connection.execute(insert(FEEDBACK), rows)
        stored = dict(connection.execute(select(f.id, sentiment_sql(f.kind, f.value))).all())
        positive, negative = connection.execute(
            select(func.sum(FEEDBACK_POSITIVE), func.sum(FEEDBACK_NEGATIVE))
        ).one()

    expected = {row["id"]: sentiment(row["kind"], row["value"]) for row in rows}
    assert stored == expected
    assert set(expected.values()) == {"positive", "negative", "neutral", "none"}
    assert positive == list(expected.values()).count("positive")
    assert negative == list(expected.values()).count("negative")
