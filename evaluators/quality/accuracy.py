"""Accuracy per app × model × task: the share correct and the mean score, with intervals."""

from typing import Any

from sqlalchemy import Connection, Table, case, func, select

from evaluators.quality.estimates import Estimate, mean_from_sums, share
from evaluators.results import replace_results, result_row
from evaluators.windows import Window
from metrics.store.tables import AccuracySample

EVALUATOR = "accuracy"
SCORE_RANGE = (0.0, 1.0)
_samples: Table = AccuracySample.__table__  # type: ignore[attr-defined]


def evaluate_accuracy(connection: Connection, window: Window, *, target: float) -> int:
    """Store `correct_ratio` and `score_mean` for every task graded in `window`.

    `detected` means below target: the upper bound of the 95% interval is under
    `target`. At the default target of 0.9, four right answers out of five page nobody
    (Wilson upper bound 0.964) and three out of five do (0.882), as do 430 out of 500.
    """
    score = _samples.c.score
    query = (
        select(
            _samples.c.app, _samples.c.model, _samples.c.task,
            func.count(_samples.c.correct),
            func.coalesce(func.sum(case((_samples.c.correct, 1), else_=0)), 0),
            func.count(score),
            func.coalesce(func.sum(score), 0.0),
            func.coalesce(func.sum(score * score), 0.0),
        )
        .where(_samples.c.timestamp >= window.start, _samples.c.timestamp < window.end)
        .group_by(_samples.c.app, _samples.c.model, _samples.c.task)
    )
    rows = []
    for app, model, task, graded, correct, scored, total, squares in connection.execute(query):
        subject = {"app": app, "model": model, "subject": task}
        if graded:
            rows.append(_row(window, subject, "correct_ratio", share(correct, graded), target))
        if scored:
            estimate = mean_from_sums(scored, total, squares, SCORE_RANGE)
            rows.append(_row(window, subject, "score_mean", estimate, target))
    return replace_results(connection, EVALUATOR, window, rows)


def _row(
    window: Window, subject: dict[str, str], statistic: str, estimate: Estimate, target: float
) -> dict[str, Any]:
    return result_row(
        EVALUATOR, window, **subject, statistic=statistic, value=estimate.value,
        lower=estimate.lower, upper=estimate.upper, threshold=target,
        detected=estimate.below(target), sample_count=estimate.count,
    )
