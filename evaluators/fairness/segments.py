"""A window's records per segment: the value of a call attribute, from the call itself or,
for grades and feedback, from the call they are about (by inference id and app).

Segments are capped: per app × model, the `values_max` most frequent values keep their
name and the rest fold into "other", so that a free-text attribute cannot flood the store
and the exporter's labels.
"""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, Connection, Table, and_, case, func, select

from evaluators.signals import FEEDBACK
from evaluators.windows import Window
from metrics.feedback_rules import FEEDBACK_POSITIVE
from metrics.store.tables import AccuracySample, Feedback, FeedbackKind, Inference

OTHER = "other"
Call = tuple[str, str]  # app, model
_calls: Table = Inference.__table__  # type: ignore[attr-defined]
_samples: Table = AccuracySample.__table__  # type: ignore[attr-defined]
_feedback: Table = Feedback.__table__  # type: ignore[attr-defined]
# Feedback with a value that is positive or not: thumbs, ratings (neutral 3s count as not
# positive) and scores; labels and comments carry no sentiment.
_SENTIMENT_KINDS = (FeedbackKind.thumbs, FeedbackKind.rating, FeedbackKind.score)


def segment_of(key: str) -> ColumnElement[Any]:
    """The call attribute `key` as text, NULL where the call lacks it."""
    return _calls.c.attributes[key].as_string()


def accuracy_counts(
    connection: Connection, window: Window, key: str
) -> dict[Call, dict[str, tuple[int, int]]]:
    """Per app × model × segment: graded samples answered correctly, and graded samples."""
    segment = segment_of(key)
    query = (
        select(_samples.c.app, _samples.c.model, segment,
               func.coalesce(func.sum(case((_samples.c.correct, 1), else_=0)), 0),
               func.count(_samples.c.correct))
        .select_from(_samples.join(_calls, and_(_calls.c.id == _samples.c.inference_id,
                                                _calls.c.app == _samples.c.app)))
        .where(_samples.c.timestamp >= window.start, _samples.c.timestamp < window.end,
               _samples.c.correct.is_not(None), segment.is_not(None))
        .group_by(_samples.c.app, _samples.c.model, segment)
    )
    return _grouped(connection.execute(query))


def feedback_counts(
    connection: Connection, window: Window, key: str
) -> dict[Call, dict[str, tuple[int, int]]]:
    """Per app × model × segment: positive feedback, and feedback with a sentiment."""
    segment = segment_of(key)
    query = (
        select(FEEDBACK.app, FEEDBACK.model, segment,
               func.coalesce(func.sum(FEEDBACK_POSITIVE), 0), func.count(_feedback.c.value))
        .select_from(FEEDBACK.rows)
        .where(FEEDBACK.in_window(window), segment.is_not(None),
               _feedback.c.kind.in_(_SENTIMENT_KINDS), _feedback.c.value.is_not(None))
        .group_by(FEEDBACK.app, FEEDBACK.model, segment)
    )
    return _grouped(connection.execute(query))


def latencies(
    connection: Connection, window: Window, key: str
) -> dict[Call, dict[str, np.ndarray]]:
    """Per app × model × segment: the latencies of the window's calls, in seconds."""
    segment = segment_of(key)
    query = (
        select(_calls.c.app, _calls.c.model, segment, _calls.c.latency_s)
        .where(_calls.c.timestamp >= window.start, _calls.c.timestamp < window.end,
               segment.is_not(None))
    )
    values: dict[Call, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for app, model, name, latency in connection.execute(query):
        values[(app, model)][str(name)].append(float(latency))
    return {call: {name: np.array(v) for name, v in by.items()} for call, by in values.items()}


def capped_counts(
    counts: dict[str, tuple[int, int]], values_max: int
) -> dict[str, tuple[int, int]]:
    """`counts` with all but the `values_max` largest segments folded into "other"."""
    kept = _kept(((name, n) for name, (_, n) in counts.items()), values_max)
    folded: dict[str, tuple[int, int]] = {}
    for name, (x, n) in counts.items():
        target = name if name in kept else OTHER
        fx, fn = folded.get(target, (0, 0))
        folded[target] = (fx + x, fn + n)
    return folded


def capped_samples(samples: dict[str, np.ndarray], values_max: int) -> dict[str, np.ndarray]:
    """`samples` with all but the `values_max` largest segments folded into "other"."""
    kept = _kept(((name, v.size) for name, v in samples.items()), values_max)
    folded: dict[str, list[np.ndarray]] = defaultdict(list)
    for name, values in samples.items():
        folded[name if name in kept else OTHER].append(values)
    return {name: np.concatenate(parts) for name, parts in folded.items()}


def _kept(sizes: Iterable[tuple[str, int]], values_max: int) -> set[str]:
    """The `values_max` largest segments by size (ties: by name); all when few enough."""
    ranked = sorted(sizes, key=lambda item: (-item[1], item[0]))
    if len(ranked) <= values_max:
        return {name for name, _ in ranked}
    return {name for name, _ in ranked[: values_max - 1]}  # one place left for "other"


def _grouped(rows: Iterable[Any]) -> dict[Call, dict[str, tuple[int, int]]]:
    grouped: dict[Call, dict[str, tuple[int, int]]] = defaultdict(dict)
    for app, model, name, successes, trials in rows:
        if trials:
            grouped[(app, model)][str(name)] = (int(successes), int(trials))
    return dict(grouped)
